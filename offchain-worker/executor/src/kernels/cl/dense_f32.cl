// A dense layer of IEEE-754 single-precision floats over a batch. The input holds the
// weights (outputs x inputs, row-major), the biases, then the samples; work-item
// (o, s) writes output o of sample s: bias + w0 x0 + w1 x1 + ..., added in that order with
// every product rounded first (FP_CONTRACT OFF), then x > 0 ? x : 0 with ReLU, a NaN as
// the canonical one. Reproducible bit for bit.

__kernel void dense_f32(__global const uchar *input, uint input_len, __global uchar *output,
                        uint output_len, ulong inputs_, ulong outputs_, ulong relu) {
	uint inputs = (uint)inputs_, outputs = (uint)outputs_;
	uint o = get_global_id(0);
	ulong s = get_global_id(1);
	__global const float *w = (__global const float *)input + (ulong)o * inputs;
	__global const float *bias = (__global const float *)input + (ulong)inputs * outputs;
	__global const float *x = bias + outputs + s * inputs;
	float acc = bias[o];
	for (uint i = 0; i < inputs; i++) {
		acc += w[i] * x[i];
	}
	if (relu != 0 && !(acc > 0.0f)) {
		acc = 0.0f;
	}
	((__global uint *)output)[s * outputs + o] = canonical(acc);
}
