// Work-item i draws samples_per_item points (x, y) in [0, 2^31)^2 from the counter-based
// RNG (counters i * samples_per_item + k) and writes, as a little-endian u32, how many fall
// inside the quarter circle x^2 + y^2 < 2^62. pi ~ 4 * hits / samples.

__kernel void monte_carlo_pi(__global const uchar *input, uint input_len, __global uchar *output,
                             uint output_len, ulong samples_per_item, ulong seed, ulong p2) {
	ulong item = get_global_id(0);
	ulong first = item * samples_per_item;
	uint hits = 0;
	for (ulong k = 0; k < samples_per_item; k++) {
		ulong r = mix64(seed, first + k);
		ulong x = r & 0x7fffffffUL;
		ulong y = (r >> 32) & 0x7fffffffUL;
		hits += (x * x + y * y < (1UL << 62)) ? 1u : 0u;
	}
	((__global uint *)output)[item] = hits;
}
