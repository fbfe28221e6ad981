// Inference of a quantised neural network, one sample per work-item: int8 activations,
// (x - zx)(w - zw) summed in a wrapping 32-bit accumulator, requantised with gemmlowp's
// fixed-point multiplier and rounding shift. The input holds the model then the samples;
// the executor checked the model (kernels/quantized_net.rs documents its format and is the
// reference this must equal byte for byte). Signed values are read and combined through
// unsigned types and as_* reinterpretations, so nothing depends on implementation-defined
// conversions or shifts of negative numbers.

#define MAX_ACTIVATIONS 4096

inline uint rd16(__global const uchar *p) { return (uint)p[0] | ((uint)p[1] << 8); }

inline uint rd32(__global const uchar *p) {
	return (uint)p[0] | ((uint)p[1] << 8) | ((uint)p[2] << 16) | ((uint)p[3] << 24);
}

inline int i8(uchar b) { return (int)as_char(b); }

// floor(x / 2^e).
inline long floor_shift(long x, uint e) {
	ulong u = as_ulong(x);
	return x >= 0 ? as_long(u >> e) : as_long(~((~u) >> e));
}

// gemmlowp's SaturatingRoundingDoublingHighMul, in 64 bits; b is never negative.
inline long doubling_high_mul(int a, int b) {
	long ab = (long)a * (long)b;
	long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
	return (ab + nudge) / (1L << 31);
}

// gemmlowp's RoundingDivideByPOT.
inline long rounding_shift(long x, uint e) {
	ulong mask = (1UL << e) - 1UL;
	ulong remainder = as_ulong(x) & mask;
	ulong threshold = (mask >> 1) + (x < 0 ? 1UL : 0UL);
	return floor_shift(x, e) + (remainder > threshold ? 1L : 0L);
}

// The quantisation block: input zero, weight zero, output zero, shift, relu, multiplier.
inline char requantize(uint acc, __global const uchar *q) {
	long zy = (long)i8(q[2]);
	long v = zy + rounding_shift(doubling_high_mul(as_int(acc), as_int(rd32(q + 5))), q[3]);
	long low = q[4] ? zy : -128L;
	v = v < low ? low : (v > 127L ? 127L : v);
	return (char)v;
}

__kernel void quantized_net(__global const uchar *input, uint input_len, __global uchar *output,
                            uint output_len, ulong model_len, ulong batch, ulong result_len) {
	ulong sample = get_global_id(0);
	// The global size is rounded up to whole work-groups.
	if (sample >= batch) return;
	__global const uchar *model = input;
	uint c = rd16(model + 4), h = rd16(model + 6), w = rd16(model + 8);
	uint layers = rd16(model + 10);
	uint size = c * h * w;
	__global const uchar *in = input + model_len + sample * size;
	__global uchar *out = output + sample * result_len;
	char act[2][MAX_ACTIVATIONS];
	for (uint i = 0; i < size; i++) act[0][i] = as_char(in[i]);
	uint cur = 0;
	ulong at = 12;
	for (uint l = 0; l < layers; l++) {
		uchar tag = model[at];
		char *x = act[cur];
		char *y = act[1 - cur];
		if (tag == 1) {
			// Dense: outputs, quant, weights (outputs x size), biases.
			uint outputs = rd16(model + at + 1);
			__global const uchar *q = model + at + 3;
			__global const uchar *weights = q + 9;
			__global const uchar *biases = weights + (ulong)outputs * size;
			int zx = i8(q[0]), zw = i8(q[1]);
			for (uint o = 0; o < outputs; o++) {
				uint acc = rd32(biases + 4 * o);
				__global const uchar *row = weights + (ulong)o * size;
				for (uint i = 0; i < size; i++)
					acc += (uint)(((int)x[i] - zx) * (i8(row[i]) - zw));
				y[o] = requantize(acc, q);
			}
			at = (ulong)(biases - model) + 4UL * outputs;
			c = outputs;
			h = 1;
			w = 1;
		} else if (tag == 2) {
			// Convolution: outputs, k, quant, weights (outputs x c x k x k), biases.
			uint outputs = rd16(model + at + 1);
			uint k = model[at + 3];
			__global const uchar *q = model + at + 4;
			__global const uchar *weights = q + 9;
			__global const uchar *biases = weights + (ulong)outputs * c * k * k;
			int zx = i8(q[0]), zw = i8(q[1]);
			int r = (int)(k / 2);
			for (uint o = 0; o < outputs; o++) {
				for (uint py = 0; py < h; py++) {
					for (uint px = 0; px < w; px++) {
						uint acc = rd32(biases + 4 * o);
						for (uint ic = 0; ic < c; ic++) {
							for (uint ky = 0; ky < k; ky++) {
								int yy = (int)py + (int)ky - r;
								if (yy < 0 || yy >= (int)h) continue;
								for (uint kx = 0; kx < k; kx++) {
									int xx = (int)px + (int)kx - r;
									if (xx < 0 || xx >= (int)w) continue;
									int xi = (int)x[(ic * h + (uint)yy) * w + (uint)xx];
									int wi = i8(weights[((o * c + ic) * k + ky) * k + kx]);
									acc += (uint)((xi - zx) * (wi - zw));
								}
							}
						}
						y[(o * h + py) * w + px] = requantize(acc, q);
					}
				}
			}
			at = (ulong)(biases - model) + 4UL * outputs;
			c = outputs;
		} else if (tag == 3) {
			// 2 x 2 max pooling, stride 2.
			uint ph = h / 2, pw = w / 2;
			for (uint ch = 0; ch < c; ch++) {
				for (uint py = 0; py < ph; py++) {
					for (uint px = 0; px < pw; px++) {
						uint base = (ch * h + 2 * py) * w + 2 * px;
						char m = max(max(x[base], x[base + 1]), max(x[base + w], x[base + w + 1]));
						y[(ch * ph + py) * pw + px] = m;
					}
				}
			}
			at += 1;
			h = ph;
			w = pw;
		} else {
			// Argmax, the last layer: the first index of the largest value.
			uint best = 0;
			for (uint i = 1; i < size; i++)
				if (x[i] > x[best]) best = i;
			out[0] = (uchar)best;
			return;
		}
		size = c * h * w;
		cur = 1 - cur;
	}
	for (uint i = 0; i < size; i++) out[i] = as_uchar(act[cur][i]);
}
