//! The README's showcase scene, read from the file users submit
//! (`scripts/scenes/showcase.json`), for the ray tracer's tests and benchmark.

use depin_compute_executor::kernels::ray_trace::{Material, SceneWriter};
use serde_json::Value;

fn vector(v: &Value) -> [f32; 3] {
	let n = |i: usize| v[i].as_f64().expect("a number") as f32;
	[n(0), n(1), n(2)]
}

fn material(o: &Value) -> Material {
	let or_zero = |key: &str| o[key].as_f64().unwrap_or(0.0) as f32;
	Material {
		color: vector(&o["color"]),
		reflect: or_zero("reflect"),
		checker: or_zero("checker"),
	}
}

/// The showcase scene as a writer (more objects may be added).
pub fn showcase() -> SceneWriter {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/scenes/showcase.json");
	let json: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("the scene file"))
		.expect("JSON");
	let camera = &json["camera"];
	let mut scene = SceneWriter::new(
		vector(&camera["eye"]),
		vector(&camera["target"]),
		vector(&camera["up"]),
		camera["fov"].as_f64().expect("fov") as f32,
	)
	.light(
		vector(&json["light"]["position"]),
		vector(&json["light"]["color"]),
		vector(&json["ambient"]),
		vector(&json["background"]),
	);
	for s in json["spheres"].as_array().into_iter().flatten() {
		scene = scene.sphere(
			vector(&s["centre"]),
			s["radius"].as_f64().expect("radius") as f32,
			material(s),
		);
	}
	for p in json["planes"].as_array().into_iter().flatten() {
		scene = scene.plane(
			vector(&p["normal"]),
			p["offset"].as_f64().expect("offset") as f32,
			material(p),
		);
	}
	scene
}
