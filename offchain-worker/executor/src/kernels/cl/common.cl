// Shared by the built-in kernels. Every built-in kernel has the signature
//   (__global const uchar *input, uint input_len, __global uchar *output, uint output_len,
//    ulong p0, ulong p1, ulong p2)
// and computes the same bytes on every device: unsigned arithmetic wraps (nothing is left
// to undefined overflow), and floating point follows the rules of reproducibility (see
// `depin_compute_primitives::kernels`): no contraction into fused multiply-adds, one
// written order of every sum, correctly rounded division and square root (a build
// option), subnormals kept, NaNs written as the canonical one.

#pragma OPENCL FP_CONTRACT OFF

// The bits written for x: its own, or the canonical NaN (devices agree on which results
// are NaN, not on their bits).
inline uint canonical(float x) {
	return isnan(x) ? 0x7fc00000u : as_uint(x);
}

// Counter-based RNG: the SplitMix64 finaliser of seed + (counter + 1) * golden gamma.
// Any work-item can draw any number of the stream without state.
inline ulong mix64(ulong seed, ulong counter) {
	ulong z = seed + (counter + 1UL) * 0x9E3779B97F4A7C15UL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
	return z ^ (z >> 31);
}
