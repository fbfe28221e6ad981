// C = A x B for n x n matrices of 32-bit integers (little-endian, row-major), with
// wrapping arithmetic. A and B lie one after the other in the input. 16 x 16 tiles in
// local memory; the global size is n rounded up to 16 in both dimensions.

#define TILE 16

__kernel __attribute__((reqd_work_group_size(TILE, TILE, 1)))
void matmul_i32(__global const uchar *input, uint input_len, __global uchar *output,
                uint output_len, ulong n_, ulong p1, ulong p2) {
	uint n = (uint)n_;
	__global const uint *a = (__global const uint *)input;
	__global const uint *b = a + (ulong)n * n;
	__global uint *c = (__global uint *)output;
	__local uint ta[TILE][TILE];
	__local uint tb[TILE][TILE];
	uint col = get_global_id(0), row = get_global_id(1);
	uint lx = get_local_id(0), ly = get_local_id(1);
	uint acc = 0;
	for (uint t = 0; t < n; t += TILE) {
		uint ak = t + lx, bk = t + ly;
		ta[ly][lx] = (row < n && ak < n) ? a[(ulong)row * n + ak] : 0u;
		tb[ly][lx] = (bk < n && col < n) ? b[(ulong)bk * n + col] : 0u;
		barrier(CLK_LOCAL_MEM_FENCE);
		for (uint k = 0; k < TILE; k++) {
			acc += ta[ly][k] * tb[k][lx];
		}
		barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (row < n && col < n) {
		c[(ulong)row * n + col] = acc;
	}
}
