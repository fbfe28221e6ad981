// C = A x B for n x n matrices (little-endian, row-major), A and B one after the other in
// the input. One source for both element types; the plan defines before it:
//   ENTRY     the kernel's name (matmul_i32, matmul_f32)
//   T, T16    the element type and its 16-wide vector (uint: wrapping 32-bit integers;
//             float: IEEE-754 single precision)
//   OUT(x)    the bits written for an element, OUT16(v) for a vector of them (the value
//             itself for integers; for floats the canonical NaN in place of any NaN)
//
// Every device agrees: wrapping integer sums do not depend on their order, and each float
// element is summed over k = 0, 1, ... from zero, each product rounded before it is added
// (FP_CONTRACT OFF, in the prelude), whatever the blocking.
//
// Each work-item computes a block of ROWS x COLS of C: for every k it loads COLS
// consecutive elements of B's row k once, as one vector, and multiplies them with the
// ROWS elements of A's column k, so that each load of B serves ROWS rows. No local memory
// and no barriers: on a CPU (PoCL) the accumulators are eight AVX-512 registers (8 x 16
// measured fastest at n = 512 of 4 x 8, 4 x 16, 8 x 8, 16 x 16: docs/performance.md); on a
// GPU neighbouring work-items read neighbouring parts of B's rows. The global size is
// (n / COLS, n / ROWS), each rounded up; blocks on the edges of C take the scalar path.

#define ROWS 8
#define COLS 16

__kernel void ENTRY(__global const uchar *input, uint input_len, __global uchar *output,
                    uint output_len, ulong n_, ulong p1, ulong p2) {
	uint n = (uint)n_;
	__global const T *a = (__global const T *)input;
	__global const T *b = a + (ulong)n * n;
	__global uint *c = (__global uint *)output;
	uint col = get_global_id(0) * COLS, row = get_global_id(1) * ROWS;
	if (col >= n || row >= n) {
		return;
	}
	if (col + COLS <= n && row + ROWS <= n) {
		__global const T *a_rows = a + (ulong)row * n;
		T16 acc[ROWS];
		for (uint r = 0; r < ROWS; r++) {
			acc[r] = (T16)(0);
		}
		for (uint k = 0; k < n; k++) {
			T16 bk = vload16(0, b + (ulong)k * n + col);
			for (uint r = 0; r < ROWS; r++) {
				acc[r] += a_rows[(ulong)r * n + k] * bk;
			}
		}
		for (uint r = 0; r < ROWS; r++) {
			vstore16(OUT16(acc[r]), 0, c + (ulong)(row + r) * n + col);
		}
		return;
	}
	uint row_end = min(row + ROWS, n), col_end = min(col + COLS, n);
	for (uint r = row; r < row_end; r++) {
		for (uint j = col; j < col_end; j++) {
			T acc = 0;
			for (uint k = 0; k < n; k++) {
				acc += a[(ulong)r * n + k] * b[(ulong)k * n + j];
			}
			c[(ulong)r * n + j] = OUT(acc);
		}
	}
}
