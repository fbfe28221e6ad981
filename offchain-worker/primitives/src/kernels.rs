//! The kernels a job can run: a kernel of the built-in library with its typed parameters,
//! or OpenCL C source.
//!
//! Each built-in kernel has typed parameters (declared here, so that clients see them in
//! the chain's metadata and the chain, the off-chain worker and the node agree on them), an
//! OpenCL C source, a launch plan that validates the parameters against the input and
//! output lengths, and a plain-Rust reference implementation that tests compare the
//! device's output with, byte for byte (the sources, plans and references live in the
//! node's executor, `depin-compute-executor`).
//!
//! All results are exact: integer arithmetic that wraps, no floating point (a quantised
//! network's inference included). Validation is deterministic, so invalid parameters are
//! an error every honest provider agrees on.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{bounded::BoundedVec, ConstU32, Get};

/// The code a job runs. The chain bounds the source and the entry-point name with
/// `MaxSource` and `MaxEntry`; the node's executor takes any length ([`Unbounded`]).
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(MaxSource, MaxEntry))]
#[codec(mel_bound())]
pub enum Kernel<MaxSource: Get<u32>, MaxEntry: Get<u32>> {
	/// A kernel of the built-in library, with its parameters.
	BuiltIn(BuiltinKernel),
	/// OpenCL C source, compiled by each provider (never with fast-math options); `entry`
	/// is the kernel function's name. The function's signature is
	/// `(__global const uchar *input, uint input_len, __global uchar *output, uint output_len)`;
	/// the output buffer starts zeroed.
	Source {
		/// The OpenCL C source.
		source: BoundedVec<u8, MaxSource>,
		/// The name of the kernel function to run.
		entry: BoundedVec<u8, MaxEntry>,
	},
}

/// The bound of a kernel on the node side: the chain checked the real bounds already.
pub type Unbounded = ConstU32<{ u32::MAX }>;

impl<MaxSource: Get<u32>, MaxEntry: Get<u32>> Kernel<MaxSource, MaxEntry> {
	/// Bytes of the kernel that the chain stores.
	pub fn stored_len(&self) -> u32 {
		match self {
			Kernel::BuiltIn(kernel) => kernel.encoded_size() as u32,
			Kernel::Source { source, entry } => source.len().saturating_add(entry.len()) as u32,
		}
	}

	/// The same kernel without the chain's bounds, as the executor takes it.
	pub fn unbounded(self) -> Kernel<Unbounded, Unbounded> {
		match self {
			Kernel::BuiltIn(kernel) => Kernel::BuiltIn(kernel),
			Kernel::Source { source, entry } => Kernel::Source {
				source: BoundedVec::truncate_from(source.into_inner()),
				entry: BoundedVec::truncate_from(entry.into_inner()),
			},
		}
	}
}

// By hand rather than derived: a derive would ask the bound types themselves to be
// `Clone`, `PartialEq` and `Debug`, which a runtime's `parameter_types!` are not.
impl<S: Get<u32>, E: Get<u32>> Clone for Kernel<S, E> {
	fn clone(&self) -> Self {
		match self {
			Kernel::BuiltIn(kernel) => Kernel::BuiltIn(*kernel),
			Kernel::Source { source, entry } => {
				Kernel::Source { source: source.clone(), entry: entry.clone() }
			},
		}
	}
}

impl<S: Get<u32>, E: Get<u32>> PartialEq for Kernel<S, E> {
	fn eq(&self, other: &Self) -> bool {
		match (self, other) {
			(Kernel::BuiltIn(a), Kernel::BuiltIn(b)) => a == b,
			(
				Kernel::Source { source: s1, entry: e1 },
				Kernel::Source { source: s2, entry: e2 },
			) => s1 == s2 && e1 == e2,
			_ => false,
		}
	}
}

impl<S: Get<u32>, E: Get<u32>> Eq for Kernel<S, E> {}

impl<S: Get<u32>, E: Get<u32>> core::fmt::Debug for Kernel<S, E> {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Kernel::BuiltIn(kernel) => f.debug_tuple("BuiltIn").field(kernel).finish(),
			Kernel::Source { source, entry } => f
				.debug_struct("Source")
				.field("source_len", &source.len())
				.field("entry", &alloc::string::String::from_utf8_lossy(entry))
				.finish(),
		}
	}
}

/// The kernels every provider node ships, each with its parameters. Results are exact
/// (integer arithmetic) and every kernel has a plain-Rust reference implementation.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub enum BuiltinKernel {
	/// SHA-256 of each fixed-size block of the input.
	Sha256Batch(Sha256BatchParams),
	/// Product of two square `i32` matrices, wrapping.
	MatMulI32(MatMulParams),
	/// Monte-Carlo estimate of π with a counter-based RNG.
	MonteCarloPi(MonteCarloParams),
	/// 2-D `i32` convolution with zero padding, wrapping.
	Conv2dI32(Conv2dParams),
	/// Inference of a quantised neural network (int8 weights and activations, int32
	/// accumulation, integer-only requantisation) over a batch of samples: every device
	/// computes the same bytes.
	QuantizedNet(QuantizedNetParams),
}

/// Parameters of [`BuiltinKernel::Sha256Batch`]: the input is cut into blocks of
/// `block_len` bytes (its length must be a multiple); the output is the 32-byte digests.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct Sha256BatchParams {
	/// Bytes per hashed block; at least 1.
	pub block_len: u32,
}

/// Parameters of [`BuiltinKernel::MatMulI32`]: `C = A × B` for `n × n` matrices of
/// little-endian `i32`, row-major. The input holds `A` then `B` (`8 n²` bytes); an empty
/// input asks for both to be drawn from the counter-based RNG with `seed` (see
/// `matmul_inputs` in the executor). The output is `C` (`4 n²` bytes).
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct MatMulParams {
	/// Matrix dimension; at least 1.
	pub n: u32,
	/// Seed of generated matrices (used only with an empty input).
	pub seed: u64,
}

/// Parameters of [`BuiltinKernel::MonteCarloPi`]: `output_len / 4` work-items each
/// draw `samples_per_item` points and write their hit count as a little-endian `u32`.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct MonteCarloParams {
	/// Points per work-item; at least 1.
	pub samples_per_item: u32,
	/// Seed of the counter-based RNG.
	pub seed: u64,
}

/// Parameters of [`BuiltinKernel::Conv2dI32`]: the input holds a `width × height`
/// image then a `k × k` filter, little-endian `i32`, row-major; the output is the
/// `width × height` convolution with zero padding.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct Conv2dParams {
	/// Image width; at least 1.
	pub width: u32,
	/// Image height; at least 1.
	pub height: u32,
	/// Filter size: odd, at most [`Conv2dParams::MAX_K`].
	pub k: u32,
}

impl Conv2dParams {
	/// Largest filter.
	pub const MAX_K: u32 = 31;
}

/// Parameters of [`BuiltinKernel::QuantizedNet`]: the input holds a model of
/// `model_len` bytes, then `batch` samples; the output is each sample's result, one after
/// the other. The model's format, its layers and their integer arithmetic (the scheme of
/// TensorFlow Lite and gemmlowp: int8 tensors with zero points, int32 accumulators,
/// requantisation by a fixed-point multiplier and a rounding right shift) are documented
/// in the executor's `kernels::quantized_net`, which also checks a model before it runs.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct QuantizedNetParams {
	/// Bytes of the model at the start of the input.
	pub model_len: u32,
	/// Samples after the model; at least 1.
	pub batch: u32,
}

/// The counter-based RNG the kernels share: the SplitMix64 finaliser of
/// `seed + (counter + 1) × golden gamma`. Same as `mix64` in `cl/common.cl`.
pub fn mix64(seed: u64, counter: u64) -> u64 {
	let mut z = seed.wrapping_add(counter.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
	z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
	z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
	z ^ (z >> 31)
}

/// The `A ‖ B` input of a matrix product drawn from the RNG ([`MatMulParams`] with an
/// empty input): element `i` of the `2 n²` is the high 32 bits of `mix64(seed, i)`,
/// little-endian.
pub fn matmul_inputs(n: u32, seed: u64) -> alloc::vec::Vec<u8> {
	let count = 2 * u64::from(n) * u64::from(n);
	let mut out = alloc::vec::Vec::with_capacity(count as usize * 4);
	for i in 0..count {
		out.extend_from_slice(&((mix64(seed, i) >> 32) as u32).to_le_bytes());
	}
	out
}

/// `C = A × B` for the `n × n` little-endian `i32` matrices of `input` (`A ‖ B`, at least
/// `8 n²` bytes), wrapping, in plain single-threaded Rust: the output a device must equal
/// byte for byte, and the answer the chain computes itself for its audits.
pub fn matmul_i32(n: usize, input: &[u8]) -> alloc::vec::Vec<u8> {
	let word = |i: usize| {
		input
			.get(4 * i..4 * i + 4)
			.map_or(0, |w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
	};
	let mut c = alloc::vec![0u32; n * n];
	for row in 0..n {
		for k in 0..n {
			let x = word(row * n + k);
			for col in 0..n {
				let acc = &mut c[row * n + col];
				*acc = acc.wrapping_add(x.wrapping_mul(word(n * n + k * n + col)));
			}
		}
	}
	c.iter().flat_map(|w| w.to_le_bytes()).collect()
}
