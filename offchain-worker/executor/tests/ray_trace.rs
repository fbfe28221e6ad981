//! The ray tracer on this machine's real OpenCL device: its pixels equal the reference's
//! for scenes that reach every path (spheres seen from inside and out, planes from both
//! sides, checkers, shadows, mirrors, every bounce count and sampling), the reference
//! draws what is computed by hand, and every malformed scene is the same agreed error.

mod common;

use common::{scene::showcase, *};
use depin_compute_executor::kernels::{
	self,
	ray_trace::{Material, SceneWriter, MAX_OBJECTS},
};
use depin_compute_primitives::{kernels::RayTraceParams, BuiltinKernel, ErrorCode};

fn matte(color: [f32; 3]) -> Material {
	Material { color, reflect: 0.0, checker: 0.0 }
}

fn render(
	job: u64,
	scene: Vec<u8>,
	width: u32,
	height: u32,
	samples: u32,
	bounces: u32,
) -> depin_compute_primitives::ComputeTask {
	let params = RayTraceParams { width, height, samples, bounces };
	builtin(job, BuiltinKernel::RayTrace(params), scene, width * height * 3)
}

#[test]
fn the_device_draws_the_references_pixels() {
	let executor = executor(config(), MemStore::default());
	let inside = SceneWriter::new([0.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0], 1.5)
		.light([0.0, 0.5, 0.0], [1.0, 1.0, 1.0], [0.1, 0.1, 0.1], [0.0, 0.0, 0.0])
		// The camera inside a mirror sphere, a small ball and a plane seen from below.
		.sphere(
			[0.0, 0.0, 0.0],
			3.0,
			Material { color: [0.5, 0.6, 0.7], reflect: 0.5, checker: 0.7 },
		)
		.sphere([0.5, -0.2, -1.5], 0.3, matte([1.0, 0.5, 0.0]))
		.plane(
			[0.0, -1.0, 0.0],
			-1.0,
			Material { color: [0.3, 0.9, 0.3], reflect: 0.0, checker: 0.25 },
		);
	let tasks = [
		render(1, showcase().finish(), 96, 64, 1, 0),
		render(2, showcase().finish(), 61, 47, 3, 4),
		render(3, showcase().finish(), 32, 32, 8, 8),
		render(4, inside.finish(), 50, 40, 2, 8),
	];
	for task in &tasks {
		let device = executor.execute(task).result.expect("renders");
		let depin_compute_primitives::Kernel::BuiltIn(kernel) = &task.kernel else {
			unreachable!()
		};
		let expected = kernels::reference(kernel, &task.input, task.output_len).expect("valid");
		let differ = device.iter().zip(&expected).filter(|(a, b)| a != b).count();
		assert_eq!(differ, 0, "job {}: {differ} of {} bytes differ", task.job, expected.len());
		assert_eq!(device.len(), expected.len());
		// A picture, not a flat colour.
		let distinct: std::collections::BTreeSet<&[u8]> = expected.chunks(3).collect();
		assert!(distinct.len() > 50, "job {}: {} colours", task.job, distinct.len());
	}
}

#[test]
fn the_reference_draws_what_is_computed_by_hand() {
	let params = |w, h| {
		BuiltinKernel::RayTrace(RayTraceParams { width: w, height: h, samples: 1, bounces: 2 })
	};
	// Nothing in view: every pixel is the background, 0.5 × 255 + 0.5 = 128.
	let empty = SceneWriter::new([0.0; 3], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0], 1.0)
		.light([0.0; 3], [1.0; 3], [0.0; 3], [0.5, 0.25, 1.0])
		.finish();
	let image = kernels::reference(&params(5, 3), &empty, 45).unwrap();
	assert!(image.chunks(3).all(|p| p == [128, 64, 255]), "{image:?}");
	// A sphere straight ahead, lit from the camera: the centre pixel's ray meets it head
	// on, so the light falls at a right angle (Lambert factor 1): base × (ambient + light)
	// = 0.5 × (0.25 + 0.5) = 0.375 → 96 (95.625 + 0.5 truncated); the corners miss it.
	let ball = SceneWriter::new([0.0; 3], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0], 1.0)
		.light([0.0; 3], [0.5; 3], [0.25; 3], [0.0; 3])
		.sphere([0.0, 0.0, -4.0], 1.0, matte([0.5, 0.5, 0.5]))
		.finish();
	let image = kernels::reference(&params(3, 3), &ball, 27).unwrap();
	assert_eq!(&image[12..15], &[96, 96, 96], "the centre");
	assert_eq!(&image[0..3], &[0, 0, 0], "a corner");
	// A mirror in front of the camera facing it reflects the ray back past the camera
	// into the background: 1 − reflect of the mirror's own light (its colour 0, so none)
	// plus reflect × background = 0.5 × 1 = 0.5 → 128.
	let mirror = SceneWriter::new([0.0; 3], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0], 0.1)
		.light([0.0, 0.0, -0.5], [1.0; 3], [0.0; 3], [1.0, 1.0, 1.0])
		.plane([0.0, 0.0, 1.0], -2.0, Material { color: [0.0; 3], reflect: 0.5, checker: 0.0 })
		.finish();
	let image = kernels::reference(&params(1, 1), &mirror, 3).unwrap();
	assert_eq!(image, vec![128, 128, 128]);
}

#[test]
fn a_malformed_scene_or_size_is_the_agreed_error() {
	let executor = executor(config(), MemStore::default());
	let good = showcase().finish();
	let mut cases: Vec<(Vec<u8>, u32, u32, u32, u32, &str)> = vec![];
	let mut bad_magic = good.clone();
	bad_magic[3] = b'2';
	cases.push((bad_magic, 4, 4, 1, 1, "magic"));
	cases.push((good[..good.len() - 4].to_vec(), 4, 4, 1, 1, "truncated"));
	let mut longer = good.clone();
	longer.extend([0; 4]);
	cases.push((longer, 4, 4, 1, 1, "trailing bytes"));
	cases.push((good.clone(), 4, 4, 0, 1, "no samples"));
	cases.push((good.clone(), 4, 4, RayTraceParams::MAX_SAMPLES + 1, 1, "too many samples"));
	cases.push((good.clone(), 4, 4, 1, RayTraceParams::MAX_BOUNCES + 1, "too many bounces"));
	cases.push((good.clone(), 0, 4, 1, 1, "no width"));
	let scene = |f: fn(SceneWriter) -> SceneWriter| f(showcase()).finish();
	cases.push((scene(|s| s.sphere([0.0; 3], 0.0, matte([0.5; 3]))), 4, 4, 1, 1, "radius 0"));
	cases.push((
		scene(|s| s.sphere([f32::NAN, 0.0, 0.0], 1.0, matte([0.5; 3]))),
		4,
		4,
		1,
		1,
		"NaN",
	));
	cases.push((
		scene(|s| s.plane([0.0, 1.0, 0.0], f32::INFINITY, matte([0.5; 3]))),
		4,
		4,
		1,
		1,
		"∞",
	));
	cases.push((
		scene(|s| s.sphere([0.0; 3], 1.0, matte([1.5, 0.0, 0.0]))),
		4,
		4,
		1,
		1,
		"colour > 1",
	));
	cases.push((
		scene(|s| {
			s.sphere([0.0; 3], 1.0, Material { color: [0.5; 3], reflect: -0.1, checker: 0.0 })
		}),
		4,
		4,
		1,
		1,
		"negative reflect",
	));
	cases.push((
		scene(|s| {
			(0..MAX_OBJECTS).fold(s, |s, i| s.sphere([i as f32, 0.0, 0.0], 0.5, matte([0.5; 3])))
		}),
		4,
		4,
		1,
		1,
		"too many objects",
	));
	let no_fov = SceneWriter::new([0.0; 3], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0], 0.0).finish();
	cases.push((no_fov, 4, 4, 1, 1, "no field of view"));
	for (i, (scene, w, h, samples, bounces, what)) in cases.into_iter().enumerate() {
		let task = render(100 + i as u64, scene, w, h, samples, bounces);
		let outcome = executor.execute(&task).result.map_err(|e| e.0);
		assert_eq!(outcome, Err(ErrorCode::InvalidParams), "{what}");
	}
	// The output must be the image's size.
	let mut task = render(200, good, 4, 4, 1, 1);
	task.output_len += 1;
	assert_eq!(executor.execute(&task).result.map_err(|e| e.0), Err(ErrorCode::InvalidParams));
}
