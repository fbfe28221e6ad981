// A ray tracer: spheres and planes, one point light, hard shadows, checkered materials,
// mirror reflections; samples x samples rays per pixel; RGB output. The scene's format is
// documented in the executor's kernels/ray_trace.rs, whose reference does the same
// operations in the same order: every sum and vector operation is written out here (no
// dot, normalize or cross of the device), nothing is contracted (FP_CONTRACT OFF, in the
// prelude), division and sqrt are correctly rounded (a build option), so every IEEE-754
// device writes the same pixels.
//
// One work-item per pixel. p0 = width | height << 32, p1 = samples | bounces << 32,
// p2 = spheres | planes << 32.

#define HEADER 22
#define OBJECT 9
#define EPSILON 0x1p-10f
#define PARALLEL 0x1p-20f

typedef struct {
	float x, y, z;
} V;

inline V v(float x, float y, float z) {
	V r = {x, y, z};
	return r;
}
inline V at(__global const float *p) { return v(p[0], p[1], p[2]); }
inline V add(V a, V b) { return v(a.x + b.x, a.y + b.y, a.z + b.z); }
inline V sub(V a, V b) { return v(a.x - b.x, a.y - b.y, a.z - b.z); }
inline V mul(V a, V b) { return v(a.x * b.x, a.y * b.y, a.z * b.z); }
inline V scale(V a, float s) { return v(a.x * s, a.y * s, a.z * s); }
inline V divide(V a, float s) { return v(a.x / s, a.y / s, a.z / s); }
inline float dot3(V a, V b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline V cross3(V a, V b) {
	return v(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}
inline V unit(V a) { return divide(a, sqrt(dot3(a, a))); }

// The nearest hit past EPSILON and closer than limit: its object's index, or -1; its
// distance and normal in *t and *normal.
int nearest(__global const float *scene, uint spheres, uint planes, V origin, V dir,
            float limit, float *t_out, V *normal_out) {
	int best = -1;
	float best_t = limit;
	__global const float *o = scene + HEADER;
	for (uint i = 0; i < spheres + planes; i++, o += OBJECT) {
		if (i < spheres) {
			V centre = at(o);
			float radius = o[3];
			V oc = sub(origin, centre);
			float b = dot3(oc, dir);
			float c = dot3(oc, oc) - radius * radius;
			float disc = b * b - c;
			if (!(disc >= 0.0f)) {
				continue;
			}
			float s = sqrt(disc);
			float t = -b - s;
			if (!(t > EPSILON)) {
				t = -b + s;
			}
			if (t > EPSILON && t < best_t) {
				best_t = t;
				best = (int)i;
				*normal_out = divide(sub(add(origin, scale(dir, t)), centre), radius);
			}
		} else {
			V normal = at(o);
			float denom = dot3(normal, dir);
			if (!(fabs(denom) > PARALLEL)) {
				continue;
			}
			float t = (o[3] - dot3(normal, origin)) / denom;
			if (t > EPSILON && t < best_t) {
				best_t = t;
				best = (int)i;
				*normal_out = normal;
			}
		}
	}
	*t_out = best_t;
	return best;
}

V trace(__global const float *scene, uint spheres, uint planes, uint bounces, V origin, V dir) {
	V light = at(scene + 10), light_color = at(scene + 13), ambient = at(scene + 16),
	  background = at(scene + 19);
	V color = v(0.0f, 0.0f, 0.0f);
	float weight = 1.0f;
	for (uint bounce = 0; bounce <= bounces; bounce++) {
		float t;
		V normal;
		int object = nearest(scene, spheres, planes, origin, dir, FLT_MAX, &t, &normal);
		if (object < 0) {
			color = add(color, scale(background, weight));
			break;
		}
		__global const float *m = scene + HEADER + object * OBJECT + 4;
		V point = add(origin, scale(dir, t));
		if (dot3(normal, dir) > 0.0f) {
			normal = scale(normal, -1.0f);
		}
		V base = at(m);
		if (m[4] > 0.0f) {
			float f = floor(point.x / m[4]) + floor(point.z / m[4]);
			if (fmod(fabs(f), 2.0f) >= 1.0f) {
				base = scale(base, 0.25f);
			}
		}
		V to_light = sub(light, point);
		float light_distance = sqrt(dot3(to_light, to_light));
		V light_dir = divide(to_light, light_distance);
		V start = add(point, scale(normal, EPSILON));
		float lambert = dot3(normal, light_dir);
		float shadow_t;
		V shadow_normal;
		int lit = lambert > 0.0f &&
		          nearest(scene, spheres, planes, start, light_dir, light_distance, &shadow_t,
		                  &shadow_normal) < 0;
		float diffuse = lit ? lambert : 0.0f;
		V surface = mul(base, add(ambient, scale(light_color, diffuse)));
		color = add(color, scale(surface, weight * (1.0f - m[3])));
		weight = weight * m[3];
		if (!(weight > 0.0f)) {
			break;
		}
		dir = sub(dir, scale(normal, 2.0f * dot3(dir, normal)));
		origin = start;
	}
	return color;
}

inline uchar to_byte(float x) {
	float clamped = x > 0.0f ? (x < 1.0f ? x : 1.0f) : 0.0f;
	return (uchar)(clamped * 255.0f + 0.5f);
}

__kernel void ray_trace(__global const uchar *input, uint input_len, __global uchar *output,
                        uint output_len, ulong size, ulong rays, ulong objects) {
	uint width = (uint)size, height = (uint)(size >> 32);
	uint samples = (uint)rays, bounces = (uint)(rays >> 32);
	uint spheres = (uint)objects, planes = (uint)(objects >> 32);
	uint px = get_global_id(0), py = get_global_id(1);
	if (px >= width || py >= height) {
		return;
	}
	__global const float *scene = (__global const float *)(input + 8);
	V eye = at(scene), target = at(scene + 3), up = at(scene + 6);
	float fov = scene[9];
	V forward = unit(sub(target, eye));
	V right = unit(cross3(forward, up));
	V up2 = cross3(right, forward);
	float w = (float)width, h = (float)height, s = (float)samples;
	float aspect = w / h;
	V sum = v(0.0f, 0.0f, 0.0f);
	for (uint sy = 0; sy < samples; sy++) {
		for (uint sx = 0; sx < samples; sx++) {
			float fx = (float)px + ((float)sx + 0.5f) / s;
			float fy = (float)py + ((float)sy + 0.5f) / s;
			float u = (2.0f * fx / w - 1.0f) * fov * aspect;
			float vv = (1.0f - 2.0f * fy / h) * fov;
			V dir = unit(add(add(forward, scale(right, u)), scale(up2, vv)));
			sum = add(sum, trace(scene, spheres, planes, bounces, eye, dir));
		}
	}
	V mean = divide(sum, (float)(samples * samples));
	__global uchar *out = output + ((ulong)py * width + px) * 3;
	out[0] = to_byte(mean.x);
	out[1] = to_byte(mean.y);
	out[2] = to_byte(mean.z);
}
