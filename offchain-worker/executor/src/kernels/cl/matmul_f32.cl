// C = A x B for n x n matrices of IEEE-754 single-precision floats (little-endian,
// row-major), A and B one after the other in the input. Reproducible bit for bit: every
// element is summed over k = 0, 1, ... from zero, each product rounded before it is added
// (FP_CONTRACT OFF, in the prelude), and a NaN is written as the canonical one.
//
// Blocked as the integer product (matmul_i32.cl): each work-item computes ROWS x COLS of
// C, loading COLS consecutive elements of B's row k once for its ROWS rows. The order of
// each element's sum does not depend on the blocking.

#define ROWS 8
#define COLS 16

__kernel void matmul_f32(__global const uchar *input, uint input_len, __global uchar *output,
                         uint output_len, ulong n_, ulong p1, ulong p2) {
	uint n = (uint)n_;
	__global const float *a = (__global const float *)input;
	__global const float *b = a + (ulong)n * n;
	__global uint *c = (__global uint *)output;
	uint col = get_global_id(0) * COLS, row = get_global_id(1) * ROWS;
	if (col >= n || row >= n) {
		return;
	}
	if (col + COLS <= n && row + ROWS <= n) {
		__global const float *a_rows = a + (ulong)row * n;
		float16 acc[ROWS];
		for (uint r = 0; r < ROWS; r++) {
			acc[r] = (float16)(0.0f);
		}
		for (uint k = 0; k < n; k++) {
			float16 bk = vload16(0, b + (ulong)k * n + col);
			for (uint r = 0; r < ROWS; r++) {
				acc[r] += a_rows[(ulong)r * n + k] * bk;
			}
		}
		for (uint r = 0; r < ROWS; r++) {
			float16 v = acc[r];
			__global uint *out = c + (ulong)(row + r) * n + col;
			vstore16((uint16)(canonical(v.s0), canonical(v.s1), canonical(v.s2), canonical(v.s3),
			                  canonical(v.s4), canonical(v.s5), canonical(v.s6), canonical(v.s7),
			                  canonical(v.s8), canonical(v.s9), canonical(v.sa), canonical(v.sb),
			                  canonical(v.sc), canonical(v.sd), canonical(v.se), canonical(v.sf)),
			         0, out);
		}
		return;
	}
	uint row_end = min(row + ROWS, n), col_end = min(col + COLS, n);
	for (uint r = row; r < row_end; r++) {
		for (uint j = col; j < col_end; j++) {
			float acc = 0.0f;
			for (uint k = 0; k < n; k++) {
				acc += a[(ulong)r * n + k] * b[(ulong)k * n + j];
			}
			c[(ulong)r * n + j] = canonical(acc);
		}
	}
}
