// 2-D convolution of a width x height image of 32-bit integers with a k x k filter (k odd),
// zero padding, wrapping arithmetic. The input holds the image, then the filter, both
// little-endian and row-major; the output is the width x height result.

__kernel void conv2d_i32(__global const uchar *input, uint input_len, __global uchar *output,
                         uint output_len, ulong width_, ulong height_, ulong k_) {
	uint width = (uint)width_, height = (uint)height_, k = (uint)k_;
	__global const uint *image = (__global const uint *)input;
	__global const uint *filter = image + (ulong)width * height;
	uint x = get_global_id(0), y = get_global_id(1);
	int r = (int)(k / 2);
	uint acc = 0;
	for (uint ky = 0; ky < k; ky++) {
		int yy = (int)y + (int)ky - r;
		if (yy < 0 || yy >= (int)height) continue;
		for (uint kx = 0; kx < k; kx++) {
			int xx = (int)x + (int)kx - r;
			if (xx < 0 || xx >= (int)width) continue;
			acc += image[(ulong)yy * width + (uint)xx] * filter[ky * k + kx];
		}
	}
	((__global uint *)output)[(ulong)y * width + x] = acc;
}
