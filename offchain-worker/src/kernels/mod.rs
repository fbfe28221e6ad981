//! The built-in kernel library.
//!
//! Each kernel has SCALE-encoded parameters (declared here, shared with the runtime so that
//! clients and the chain encode them the same way), an OpenCL C source, a launch plan that
//! validates parameters against the input and output lengths, and a plain-Rust reference
//! implementation that tests compare the device's output with, byte for byte.
//!
//! All results are exact: integer arithmetic that wraps, no floating point. Validation is
//! deterministic, so invalid parameters are an error every honest provider agrees on.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

#[cfg(feature = "executor")]
mod plans;
#[cfg(feature = "executor")]
pub use plans::{matmul_inputs, plan, reference, Launch};

/// Parameters of [`crate::BuiltinKernel::Sha256Batch`]: the input is cut into blocks of
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

/// Parameters of [`crate::BuiltinKernel::MatMulI32`]: `C = A × B` for `n × n` matrices of
/// little-endian `i32`, row-major. The input holds `A` then `B` (`8 n²` bytes); an empty
/// input asks for both to be drawn from the counter-based RNG with `seed` (see
/// [`matmul_inputs`]). The output is `C` (`4 n²` bytes).
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

/// Parameters of [`crate::BuiltinKernel::MonteCarloPi`]: `output_len / 4` work-items each
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

/// Parameters of [`crate::BuiltinKernel::Conv2dI32`]: the input holds a `width × height`
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

/// The counter-based RNG the kernels share: the SplitMix64 finaliser of
/// `seed + (counter + 1) × golden gamma`. Same as `mix64` in `cl/common.cl`.
pub fn mix64(seed: u64, counter: u64) -> u64 {
	let mut z = seed.wrapping_add(counter.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
	z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
	z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
	z ^ (z >> 31)
}
