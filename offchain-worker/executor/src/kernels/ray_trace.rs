//! A ray tracer ([`BuiltinKernel::RayTrace`](depin_compute_primitives::BuiltinKernel::RayTrace)):
//! spheres and planes lit by one point light, with hard shadows, checkered materials and
//! mirror reflections, rendered to an RGB image with `samples²` rays per pixel.
//!
//! Rendering is `f32` arithmetic that follows the rules of reproducibility
//! (`depin_compute_primitives::kernels`, "Floating point"): only `+ − × ÷`, `sqrt`,
//! `floor`, `fmod`, `fabs` and comparisons, every sum and vector operation written out in
//! one order (no `dot` or `normalize` of the device), constants that `f32` holds exactly.
//! The OpenCL kernel (`cl/ray_trace.cl`) and [`reference()`] do the same operations in the
//! same order, so every IEEE-754 device writes the same pixels.
//!
//! # The scene
//!
//! The job's input, all numbers little-endian `f32` unless said otherwise:
//!
//! | part | values |
//! | --- | --- |
//! | header | `"DRT1"`, then the number of spheres and of planes (each a `u16`) |
//! | camera | eye (x, y, z), the point looked at (x, y, z), the up direction (x, y, z), `fov`: the tangent of half the vertical field of view |
//! | light | position (x, y, z), colour (r, g, b); then the ambient light (r, g, b) and the background (r, g, b) |
//! | each sphere | centre (x, y, z), radius, [material](#materials) |
//! | each plane | unit normal (x, y, z), offset `d` (the points `p` with `normal · p = d`), material |
//!
//! <a id="materials"></a>A material is a colour (r, g, b, each 0 to 1), `reflect` (0 to 1:
//! the share of light a mirror reflection brings) and `checker` (0, or the side of the
//! squares in which the colour alternates with a quarter of itself, in `x` and `z`).
//! Every value is finite, a radius and `fov` positive, at most [`MAX_OBJECTS`] objects.
//!
//! The output is `width × height` pixels, rows from the top, 3 bytes each (red, green,
//! blue): the mean of the pixel's rays, clamped to `[0, 1]`, times 255, rounded.

// `!(x > y)` is true for NaN, as in the OpenCL kernel, where `x <= y` is not: the
// reference says what the kernel says, NaN included.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::{ensure, source, Launch};
use depin_compute_primitives::{kernels::RayTraceParams, ErrorCode};

/// Spheres and planes in a scene, together.
pub const MAX_OBJECTS: usize = 64;

const MAGIC: &[u8; 4] = b"DRT1";
/// Floats before the objects: camera (10), light (6), ambient (3), background (3).
const HEADER_FLOATS: usize = 22;
/// Floats per object: its geometry (4) and its material (5).
const OBJECT_FLOATS: usize = 9;
/// How far from a surface its reflected and shadow rays start, and the least distance a
/// hit counts at: 2⁻¹⁰, exact in `f32`.
const EPSILON: f32 = 1.0 / 1024.0;
/// Rays closer to parallel with a plane miss it: 2⁻²⁰.
const PARALLEL: f32 = 1.0 / 1_048_576.0;

/// A material: colour, reflected share, checker square (0 for none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Material {
	/// Red, green, blue, each 0 to 1.
	pub color: [f32; 3],
	/// The share of light a mirror reflection brings, 0 to 1.
	pub reflect: f32,
	/// Side of the checker squares, or 0.
	pub checker: f32,
}

/// Builds a scene's bytes.
#[derive(Clone, Debug)]
pub struct SceneWriter {
	header: Vec<f32>,
	spheres: Vec<f32>,
	planes: Vec<f32>,
}

impl SceneWriter {
	/// A scene seen from `eye` towards `target`, `up` being up, with `fov` the tangent of
	/// half the vertical field of view.
	pub fn new(eye: [f32; 3], target: [f32; 3], up: [f32; 3], fov: f32) -> Self {
		let mut header = Vec::with_capacity(HEADER_FLOATS);
		header.extend(eye.into_iter().chain(target).chain(up));
		header.push(fov);
		header.extend([0.0; 12]);
		Self { header, spheres: Vec::new(), planes: Vec::new() }
	}

	/// The point light, the ambient light and the background.
	pub fn light(
		mut self,
		position: [f32; 3],
		color: [f32; 3],
		ambient: [f32; 3],
		background: [f32; 3],
	) -> Self {
		self.header.truncate(10);
		self.header
			.extend(position.into_iter().chain(color).chain(ambient).chain(background));
		self
	}

	/// Adds a sphere.
	pub fn sphere(mut self, centre: [f32; 3], radius: f32, material: Material) -> Self {
		Self::object(&mut self.spheres, centre, radius, material);
		self
	}

	/// Adds a plane: the points `p` with `normal · p = offset` (`normal` of unit length).
	pub fn plane(mut self, normal: [f32; 3], offset: f32, material: Material) -> Self {
		Self::object(&mut self.planes, normal, offset, material);
		self
	}

	fn object(to: &mut Vec<f32>, v: [f32; 3], s: f32, m: Material) {
		to.extend(v);
		to.push(s);
		to.extend(m.color);
		to.extend([m.reflect, m.checker]);
	}

	/// The scene's bytes.
	pub fn finish(self) -> Vec<u8> {
		let mut out = MAGIC.to_vec();
		out.extend(((self.spheres.len() / OBJECT_FLOATS) as u16).to_le_bytes());
		out.extend(((self.planes.len() / OBJECT_FLOATS) as u16).to_le_bytes());
		for x in self.header.iter().chain(&self.spheres).chain(&self.planes) {
			out.extend(x.to_le_bytes());
		}
		out
	}
}

/// A checked scene: its floats after the counts, and the counts.
struct Scene {
	values: Vec<f32>,
	spheres: usize,
	planes: usize,
}

fn check(input: &[u8]) -> Result<Scene, ErrorCode> {
	ensure(input.len() >= 8 && &input[..4] == MAGIC)?;
	let spheres = u16::from_le_bytes([input[4], input[5]]) as usize;
	let planes = u16::from_le_bytes([input[6], input[7]]) as usize;
	ensure(spheres + planes <= MAX_OBJECTS)?;
	let floats = HEADER_FLOATS + (spheres + planes) * OBJECT_FLOATS;
	ensure(input.len() == 8 + 4 * floats)?;
	let values: Vec<f32> = input[8..]
		.chunks_exact(4)
		.map(|w| f32::from_le_bytes([w[0], w[1], w[2], w[3]]))
		.collect();
	ensure(values.iter().all(|x| x.is_finite()) && values[9] > 0.0)?;
	for object in values[HEADER_FLOATS..].chunks_exact(OBJECT_FLOATS).enumerate() {
		let (i, o) = object;
		let material_ok = o[4..7].iter().all(|c| (0.0..=1.0).contains(c))
			&& (0.0..=1.0).contains(&o[7])
			&& o[8] >= 0.0;
		ensure(material_ok && (i >= spheres || o[3] > 0.0))?;
	}
	Ok(Scene { values, spheres, planes })
}

pub(super) fn plan(
	p: &RayTraceParams,
	input: &[u8],
	output_len: usize,
) -> Result<Launch, ErrorCode> {
	ensure(p.width > 0 && p.height > 0)?;
	ensure((1..=RayTraceParams::MAX_SAMPLES).contains(&p.samples))?;
	ensure(p.bounces <= RayTraceParams::MAX_BOUNCES)?;
	let pixels = (p.width as usize).checked_mul(p.height as usize).and_then(|n| n.checked_mul(3));
	ensure(pixels == Some(output_len))?;
	let scene = check(input)?;
	Ok(Launch {
		source: source(include_str!("cl/ray_trace.cl")),
		entry: "ray_trace",
		global: [p.width as usize, p.height as usize, 1],
		local: None,
		args: [
			u64::from(p.width) | u64::from(p.height) << 32,
			u64::from(p.samples) | u64::from(p.bounces) << 32,
			scene.spheres as u64 | (scene.planes as u64) << 32,
		],
		generated_input: None,
	})
}

#[derive(Clone, Copy)]
struct V(f32, f32, f32);

impl V {
	fn at(v: &[f32]) -> V {
		V(v[0], v[1], v[2])
	}
	fn add(self, o: V) -> V {
		V(self.0 + o.0, self.1 + o.1, self.2 + o.2)
	}
	fn sub(self, o: V) -> V {
		V(self.0 - o.0, self.1 - o.1, self.2 - o.2)
	}
	fn mul(self, o: V) -> V {
		V(self.0 * o.0, self.1 * o.1, self.2 * o.2)
	}
	fn scale(self, s: f32) -> V {
		V(self.0 * s, self.1 * s, self.2 * s)
	}
	fn div(self, s: f32) -> V {
		V(self.0 / s, self.1 / s, self.2 / s)
	}
	fn dot(self, o: V) -> f32 {
		self.0 * o.0 + self.1 * o.1 + self.2 * o.2
	}
	fn cross(self, o: V) -> V {
		V(self.1 * o.2 - self.2 * o.1, self.2 * o.0 - self.0 * o.2, self.0 * o.1 - self.1 * o.0)
	}
	fn unit(self) -> V {
		self.div(self.dot(self).sqrt())
	}
}

/// The nearest hit of a ray past `EPSILON`, closer than `limit`: `(t, normal, object)`.
fn nearest(scene: &Scene, origin: V, dir: V, limit: f32) -> Option<(f32, V, usize)> {
	let mut best: Option<(f32, V, usize)> = None;
	let objects = scene.values[HEADER_FLOATS..].chunks_exact(OBJECT_FLOATS);
	for (i, o) in objects.enumerate().take(scene.spheres + scene.planes) {
		let bound = best.map_or(limit, |b| b.0);
		if i < scene.spheres {
			let (centre, radius) = (V::at(o), o[3]);
			let oc = origin.sub(centre);
			let b = oc.dot(dir);
			let c = oc.dot(oc) - radius * radius;
			let disc = b * b - c;
			if !(disc >= 0.0) {
				continue;
			}
			let s = disc.sqrt();
			let mut t = -b - s;
			if !(t > EPSILON) {
				t = -b + s;
			}
			if t > EPSILON && t < bound {
				let normal = origin.add(dir.scale(t)).sub(centre).div(radius);
				best = Some((t, normal, i));
			}
		} else {
			let normal = V::at(o);
			let denom = normal.dot(dir);
			if !(denom.abs() > PARALLEL) {
				continue;
			}
			let t = (o[3] - normal.dot(origin)) / denom;
			if t > EPSILON && t < bound {
				best = Some((t, normal, i));
			}
		}
	}
	best
}

fn trace(scene: &Scene, bounces: u32, mut origin: V, mut dir: V) -> V {
	let h = &scene.values;
	let (light, light_color, ambient, background) =
		(V::at(&h[10..]), V::at(&h[13..]), V::at(&h[16..]), V::at(&h[19..]));
	let mut color = V(0.0, 0.0, 0.0);
	let mut weight = 1.0f32;
	for _ in 0..=bounces {
		let Some((t, mut normal, object)) = nearest(scene, origin, dir, f32::MAX) else {
			color = color.add(background.scale(weight));
			break;
		};
		let m = &h[HEADER_FLOATS + object * OBJECT_FLOATS + 4..][..5];
		let point = origin.add(dir.scale(t));
		if normal.dot(dir) > 0.0 {
			normal = normal.scale(-1.0);
		}
		let mut base = V::at(m);
		if m[4] > 0.0 {
			let f = (point.0 / m[4]).floor() + (point.2 / m[4]).floor();
			if f.abs() % 2.0 >= 1.0 {
				base = base.scale(0.25);
			}
		}
		let to_light = light.sub(point);
		let distance = to_light.dot(to_light).sqrt();
		let light_dir = to_light.div(distance);
		let start = point.add(normal.scale(EPSILON));
		let lambert = normal.dot(light_dir);
		let lit = lambert > 0.0 && nearest(scene, start, light_dir, distance).is_none();
		let diffuse = if lit { lambert } else { 0.0 };
		let surface = base.mul(ambient.add(light_color.scale(diffuse)));
		color = color.add(surface.scale(weight * (1.0 - m[3])));
		weight *= m[3];
		if !(weight > 0.0) {
			break;
		}
		dir = dir.sub(normal.scale(2.0 * dir.dot(normal)));
		origin = start;
	}
	color
}

fn byte(x: f32) -> u8 {
	let clamped = if x > 0.0 {
		if x < 1.0 {
			x
		} else {
			1.0
		}
	} else {
		0.0
	};
	(clamped * 255.0 + 0.5) as u8
}

/// The image a device must produce for a valid scene, in plain single-threaded Rust.
pub fn reference(p: &RayTraceParams, input: &[u8]) -> Result<Vec<u8>, ErrorCode> {
	let scene = check(input)?;
	let h = &scene.values;
	let (eye, target, up, fov) = (V::at(h), V::at(&h[3..]), V::at(&h[6..]), h[9]);
	let forward = target.sub(eye).unit();
	let right = forward.cross(up).unit();
	let up = right.cross(forward);
	let (w, hgt, s) = (p.width as f32, p.height as f32, p.samples as f32);
	let aspect = w / hgt;
	let mut out = Vec::with_capacity(p.width as usize * p.height as usize * 3);
	for py in 0..p.height {
		for px in 0..p.width {
			let mut sum = V(0.0, 0.0, 0.0);
			for sy in 0..p.samples {
				for sx in 0..p.samples {
					let fx = px as f32 + (sx as f32 + 0.5) / s;
					let fy = py as f32 + (sy as f32 + 0.5) / s;
					let u = (2.0 * fx / w - 1.0) * fov * aspect;
					let v = (1.0 - 2.0 * fy / hgt) * fov;
					let dir = forward.add(right.scale(u)).add(up.scale(v)).unit();
					sum = sum.add(trace(&scene, p.bounces, eye, dir));
				}
			}
			let mean = sum.div((p.samples * p.samples) as f32);
			out.extend([byte(mean.0), byte(mean.1), byte(mean.2)]);
		}
	}
	Ok(out)
}
