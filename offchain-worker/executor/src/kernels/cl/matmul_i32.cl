// C = A x B for n x n matrices of 32-bit integers (little-endian, row-major), with
// wrapping arithmetic. A and B lie one after the other in the input.
//
// Each work-item computes a block of ROWS x COLS of C: for every k it loads COLS
// consecutive elements of B's row k once, as one vector, and multiplies them with the
// ROWS elements of A's column k, so that each load of B serves ROWS rows. No local memory
// and no barriers: on a CPU (PoCL) a work-group becomes vector loops over plain
// registers; on a GPU neighbouring work-items read neighbouring parts of B's rows. The
// global size is (n / COLS, n / ROWS), each rounded up; blocks on the edges of C take the
// scalar path. Wrapping sums do not depend on their order, so every device agrees.

#define ROWS 4
#define COLS 8

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
		__global const uint *a0 = a + (ulong)row * n;
		__global const uint *a1 = a0 + n;
		__global const uint *a2 = a1 + n;
		__global const uint *a3 = a2 + n;
		uint8 c0 = (uint8)(0), c1 = (uint8)(0), c2 = (uint8)(0), c3 = (uint8)(0);
		for (uint k = 0; k < n; k++) {
			uint8 bk = vload8(0, b + (ulong)k * n + col);
			c0 += a0[k] * bk;
			c1 += a1[k] * bk;
			c2 += a2[k] * bk;
			c3 += a3[k] * bk;
		}
		__global uint *out = c + (ulong)row * n + col;
		vstore8(c0, 0, out);
		vstore8(c1, 0, out + n);
		vstore8(c2, 0, out + 2 * (ulong)n);
		vstore8(c3, 0, out + 3 * (ulong)n);
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
