// C = A x B for n x n matrices of 32-bit integers (little-endian, row-major), with
// wrapping arithmetic. A and B lie one after the other in the input.
//
// Each work-item computes a block of ROWS x COLS of C: for every k it loads COLS
// consecutive elements of B's row k once, as one vector, and multiplies them with the
// ROWS elements of A's column k, so that each load of B serves ROWS rows. No local memory
// and no barriers: on a CPU (PoCL) the accumulators are eight AVX-512 registers (8 x 16
// measured fastest at n = 512 of 4 x 8, 4 x 16, 8 x 8, 16 x 16: docs/performance.md); on a
// GPU neighbouring work-items read neighbouring parts of B's rows. The
// global size is (n / COLS, n / ROWS), each rounded up; blocks on the edges of C take the
// scalar path. Wrapping sums do not depend on their order, so every device agrees.

#define ROWS 8
#define COLS 16

__kernel void matmul_i32(__global const uchar *input, uint input_len, __global uchar *output,
                         uint output_len, ulong n_, ulong p1, ulong p2) {
	uint n = (uint)n_;
	__global const uint *a = (__global const uint *)input;
	__global const uint *b = a + (ulong)n * n;
	__global uint *c = (__global uint *)output;
	uint col = get_global_id(0) * COLS, row = get_global_id(1) * ROWS;
	if (col >= n || row >= n) {
		return;
	}
	if (col + COLS <= n && row + ROWS <= n) {
		__global const uint *a_rows = a + (ulong)row * n;
		uint16 acc[ROWS];
		for (uint r = 0; r < ROWS; r++) {
			acc[r] = (uint16)(0);
		}
		for (uint k = 0; k < n; k++) {
			uint16 bk = vload16(0, b + (ulong)k * n + col);
			for (uint r = 0; r < ROWS; r++) {
				acc[r] += a_rows[(ulong)r * n + k] * bk;
			}
		}
		for (uint r = 0; r < ROWS; r++) {
			vstore16(acc[r], 0, c + (ulong)(row + r) * n + col);
		}
		return;
	}
	uint row_end = min(row + ROWS, n), col_end = min(col + COLS, n);
	for (uint r = row; r < row_end; r++) {
		for (uint j = col; j < col_end; j++) {
			uint acc = 0;
			for (uint k = 0; k < n; k++) {
				acc += a[(ulong)r * n + k] * b[(ulong)k * n + j];
			}
			c[(ulong)r * n + j] = acc;
		}
	}
}
