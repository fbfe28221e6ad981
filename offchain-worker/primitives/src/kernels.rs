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
//! Every honest device computes the same bytes, which is what lets the chain judge results
//! by majority. Integer kernels are exact: arithmetic wraps (a quantised network's
//! inference included). Validation is deterministic, so invalid parameters are an error
//! every honest provider agrees on.
//!
//! # Floating point
//!
//! The `f32` kernels ([`BuiltinKernel::MatMulF32`], [`BuiltinKernel::DenseF32`],
//! [`BuiltinKernel::RayTrace`]) are reproducible bit for bit on every IEEE-754 device
//! because they follow these rules, which also make an OpenCL C source kernel reproducible:
//! - only `+`, `-`, `*`, `/`, `sqrt`, comparisons and exact functions (`fabs`, `floor`,
//!   `fmod`, `fmin`/`fmax` of non-zero values, conversions); each operation is rounded to
//!   nearest, division and square root correctly (the executor builds every program with
//!   `-cl-fp32-correctly-rounded-divide-sqrt`);
//! - no contraction of a multiply and an add into a fused multiply-add: every program
//!   starts with `#pragma OPENCL FP_CONTRACT OFF`, and nothing is compiled with
//!   fast-math options;
//! - a fixed order of every sum, written out (no `dot`, `length`, `normalize`, `mix`,
//!   whose order and rounding are the device's), the same in the Rust reference;
//! - subnormal numbers are kept, as IEEE 754 says (gradual underflow): the executor
//!   opens only devices that report denormals, infinities and NaNs, round to nearest and
//!   correctly rounded division and square root;
//! - a NaN is written as the one canonical NaN (`0x7fc00000`): operations agree on which
//!   results are NaN, but devices differ in the NaN's bits.
//!
//! A source kernel that uses what the rules exclude (functions whose accuracy is the
//! device's, such as `sin`, `exp`, `native_*` and `half_*`; `double` and `half`, which
//! devices may lack; extensions; the work-group functions, whose groups the device sizes)
//! is refused by every honest provider with the same error,
//! [`crate::ErrorCode::NotReproducible`] ([`reproducibility_violation`]).

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
	/// Product of two square `f32` matrices, reproducible bit for bit on every IEEE-754
	/// device (see "Floating point" above).
	MatMulF32(MatMulParams),
	/// A dense (fully connected) `f32` layer over a batch of samples, reproducible bit for
	/// bit on every IEEE-754 device.
	DenseF32(DenseF32Params),
	/// A ray tracer: renders a scene given as data into an RGB image, reproducible bit for
	/// bit on every IEEE-754 device.
	RayTrace(RayTraceParams),
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

/// Parameters of [`BuiltinKernel::DenseF32`]: the input holds the weights
/// (`outputs × inputs`, row-major), the biases (`outputs`), then `batch` samples of
/// `inputs` values, all little-endian `f32`; the output is `batch × outputs` values. Each
/// output is `bias + w₀x₀ + w₁x₁ + …`, added in that order, then `max(·, 0)` with `relu`.
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
pub struct DenseF32Params {
	/// Values per sample; at least 1.
	pub inputs: u32,
	/// Values per result; at least 1.
	pub outputs: u32,
	/// Samples; at least 1.
	pub batch: u32,
	/// Whether negative results become zero.
	pub relu: bool,
}

/// Parameters of [`BuiltinKernel::RayTrace`]: the input is a scene (spheres, planes, one
/// point light, a camera; its format is documented in the executor's
/// `kernels::ray_trace`); the output is a `width × height` image, 3 bytes (red, green,
/// blue) per pixel, row by row from the top.
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
pub struct RayTraceParams {
	/// Image width in pixels; at least 1.
	pub width: u32,
	/// Image height in pixels; at least 1.
	pub height: u32,
	/// Rays per pixel along each axis (anti-aliasing: `samples²` rays per pixel); 1 to
	/// [`RayTraceParams::MAX_SAMPLES`].
	pub samples: u32,
	/// Reflections followed after the first hit; at most [`RayTraceParams::MAX_BOUNCES`].
	pub bounces: u32,
}

impl RayTraceParams {
	/// Most rays per pixel along each axis.
	pub const MAX_SAMPLES: u32 = 8;
	/// Most reflections followed.
	pub const MAX_BOUNCES: u32 = 8;
}

/// Identifiers a reproducible source kernel does not use: functions whose accuracy or
/// order of operations is the device's, types and macros only some devices have, and the
/// work-group functions (a source kernel runs without a local size, so the device chooses
/// its groups).
pub const NOT_REPRODUCIBLE: &[&str] = &[
	// Math functions with a device-dependent error in ULPs.
	"acos",
	"acosh",
	"acospi",
	"asin",
	"asinh",
	"asinpi",
	"atan",
	"atan2",
	"atanh",
	"atanpi",
	"atan2pi",
	"cbrt",
	"cos",
	"cosh",
	"cospi",
	"erf",
	"erfc",
	"exp",
	"exp2",
	"exp10",
	"expm1",
	"hypot",
	"lgamma",
	"lgamma_r",
	"log",
	"log2",
	"log10",
	"log1p",
	"pow",
	"pown",
	"powr",
	"rootn",
	"rsqrt",
	"sin",
	"sincos",
	"sinh",
	"sinpi",
	"tan",
	"tanh",
	"tanpi",
	"tgamma",
	"radians",
	"degrees",
	// Implementation-defined rounding or order.
	"mad",
	"mad24",
	"mul24",
	"mix",
	"smoothstep",
	"dot",
	"cross",
	"length",
	"distance",
	"normalize",
	"fast_length",
	"fast_distance",
	"fast_normalize",
	// Optional types.
	"double",
	"half",
	// Work-groups the device sizes.
	"get_local_id",
	"get_local_size",
	"get_enqueued_local_size",
	"get_group_id",
	"get_num_groups",
	"barrier",
	"work_group_barrier",
	"mem_fence",
	"read_mem_fence",
	"write_mem_fence",
	"local",
	"__local",
	// Macros that differ between devices.
	"FP_FAST_FMA",
	"FP_FAST_FMAF",
	"__FAST_RELAXED_MATH__",
	"__IMAGE_SUPPORT__",
	"__OPENCL_VERSION__",
	"__OPENCL_C_VERSION__",
	"__EMBEDDED_PROFILE__",
	"__ENDIAN_LITTLE__",
];

/// Identifier prefixes a reproducible source kernel does not use: the imprecise function
/// families, extensions' macros, and the sub-group and work-group collective functions.
pub const NOT_REPRODUCIBLE_PREFIXES: &[&str] =
	&["native_", "half_", "cl_", "__opencl_c_", "sub_group_", "get_sub_group", "work_group_"];

/// Why an OpenCL C source may compute different bytes on different honest devices, or
/// `None` when it follows the rules in this module's documentation as far as its tokens
/// show: no identifier of [`NOT_REPRODUCIBLE`] or with a prefix of
/// [`NOT_REPRODUCIBLE_PREFIXES`] outside comments and strings, no token pasting (`##`,
/// which could spell one), no `#include`, no `#pragma` other than `FP_CONTRACT OFF`. A pure function of
/// the bytes: every honest provider refuses the same sources.
///
/// What tokens cannot show stays the submitter's to avoid (and costs them a job without a
/// verdict, never a provider's bond that lives by the majority): a data race, a NaN
/// written with device-dependent bits.
pub fn reproducibility_violation(source: &[u8]) -> Option<alloc::string::String> {
	use alloc::format;
	let mut i = 0;
	let mut line = 1;
	let at = |line: usize, what: &str| Some(format!("line {line}: {what}"));
	while i < source.len() {
		let c = source[i];
		match c {
			b'\n' => {
				line += 1;
				i += 1;
			},
			b'/' if source.get(i + 1) == Some(&b'/') => {
				while i < source.len() && source[i] != b'\n' {
					i += 1;
				}
			},
			b'/' if source.get(i + 1) == Some(&b'*') => {
				i += 2;
				while i < source.len() && !(source[i] == b'*' && source.get(i + 1) == Some(&b'/')) {
					line += usize::from(source[i] == b'\n');
					i += 1;
				}
				i += 2;
			},
			b'"' | b'\'' => {
				i += 1;
				while i < source.len() && source[i] != c && source[i] != b'\n' {
					i += if source[i] == b'\\' { 2 } else { 1 };
				}
				i += 1;
			},
			b'#' if source.get(i + 1) == Some(&b'#') => {
				return at(line, "token pasting (`##`) is not allowed: it could spell any name");
			},
			b'#' => {
				let end =
					source[i..].iter().position(|b| *b == b'\n').map_or(source.len(), |p| i + p);
				let directive: alloc::vec::Vec<&[u8]> = source[i + 1..end]
					.split(|b| b.is_ascii_whitespace())
					.filter(|w| !w.is_empty())
					.collect();
				let name = directive.first().copied().unwrap_or_default();
				if name == b"include" {
					return at(line, "`#include` is not allowed: files differ between providers");
				}
				if name == b"pragma"
					&& directive[1..] != [&b"OPENCL"[..], &b"FP_CONTRACT"[..], &b"OFF"[..]]
				{
					return at(line, "only `#pragma OPENCL FP_CONTRACT OFF` is allowed");
				}
				i += 1;
			},
			c if c.is_ascii_alphabetic() || c == b'_' => {
				let start = i;
				while i < source.len() && (source[i].is_ascii_alphanumeric() || source[i] == b'_') {
					i += 1;
				}
				let word = core::str::from_utf8(&source[start..i]).unwrap_or_default();
				if NOT_REPRODUCIBLE.contains(&word)
					|| NOT_REPRODUCIBLE_PREFIXES.iter().any(|p| word.starts_with(p))
				{
					return at(
						line,
						&format!("`{word}` may compute different bytes on different devices"),
					);
				}
			},
			c if c.is_ascii_digit() => {
				// A number, with its suffix (`1.0f`, `0x1p3`): not an identifier.
				while i < source.len()
					&& (source[i].is_ascii_alphanumeric() || source[i] == b'_' || source[i] == b'.')
				{
					i += 1;
				}
			},
			_ => i += 1,
		}
	}
	None
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
