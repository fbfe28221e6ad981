//! Floating point on this machine's real OpenCL device: the `f32` kernels' bytes equal the
//! Rust references' bit for bit (random values and every IEEE-754 edge: subnormals,
//! infinities, NaNs, signed zeros, overflow), the device contracts nothing and rounds
//! division and square root correctly, in the built-in kernels and in submitted sources
//! alike, and a source that may compute different bytes on other devices is refused with
//! the agreed error.

mod common;

use common::*;
use depin_compute_executor::kernels::{self, float::canonical};
use depin_compute_primitives::{
	kernels::{DenseF32Params, MatMulParams},
	BuiltinKernel, ComputeTask, ErrorCode,
};

fn f32s(values: &[f32]) -> Vec<u8> {
	values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn bits(bytes: &[u8]) -> Vec<u32> {
	bytes
		.chunks_exact(4)
		.map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
		.collect()
}

/// `n` floats from `seed` that reach every class: random magnitudes over the whole
/// exponent range (subnormals included), and one in eight an edge value.
fn wild(n: usize, seed: u64) -> Vec<f32> {
	const EDGES: [f32; 8] = [
		0.0,
		-0.0,
		f32::INFINITY,
		f32::NEG_INFINITY,
		f32::MIN_POSITIVE,
		1.0e-40, // subnormal
		f32::MAX,
		f32::NAN,
	];
	(0..n as u64)
		.map(|i| {
			let r = depin_compute_primitives::kernels::mix64(seed, i);
			if r.is_multiple_of(8) {
				EDGES[(r >> 8) as usize % EDGES.len()]
			} else {
				// Any finite bit pattern: sign, exponent 0..=254, mantissa.
				let exponent = ((r >> 16) % 255) as u32;
				f32::from_bits(
					((r >> 63) as u32) << 31 | exponent << 23 | ((r >> 32) as u32 & 0x7f_ffff),
				)
			}
		})
		.collect()
}

/// Floats of moderate size (sums of many products stay finite), every eighth subnormal.
fn moderate(n: usize, seed: u64) -> Vec<f32> {
	(0..n as u64)
		.map(|i| {
			let r = depin_compute_primitives::kernels::mix64(seed, i);
			let x = ((r >> 40) as i32 - (1 << 23)) as f32 / 4096.0;
			if r.is_multiple_of(8) {
				x * 1.0e-40
			} else {
				x
			}
		})
		.collect()
}

fn run(executor: &depin_compute_executor::Executor, task: &ComputeTask) -> Vec<u8> {
	executor.execute(task).result.expect("runs")
}

fn reference(task: &ComputeTask) -> Vec<u8> {
	let depin_compute_primitives::Kernel::BuiltIn(kernel) = &task.kernel else { unreachable!() };
	kernels::reference(kernel, &task.input, task.output_len).expect("valid")
}

#[test]
fn the_float_kernels_equal_their_references_bit_for_bit() {
	let executor = executor(config(), MemStore::default());
	let mut tasks = vec![];
	// Generated matrices: whole blocks, edge blocks, one element.
	for (job, n) in [(1, 1u32), (2, 7), (3, 64), (4, 100)] {
		let kernel = BuiltinKernel::MatMulF32(MatMulParams { n, seed: job });
		tasks.push(builtin(job, kernel, vec![], 4 * n * n));
	}
	// Given matrices with every edge value, and moderate ones whose sums round often.
	for (job, n, values) in [(5, 24u32, wild(2 * 24 * 24, 5)), (6, 40, moderate(2 * 40 * 40, 6))] {
		let kernel = BuiltinKernel::MatMulF32(MatMulParams { n, seed: 0 });
		tasks.push(builtin(job, kernel, f32s(&values), 4 * n * n));
	}
	// Dense layers, with and without ReLU, over wild and moderate values.
	for (job, inputs, outputs, batch, relu, values) in [
		(7, 64u32, 10u32, 33u32, true, moderate(64 * 10 + 10 + 64 * 33, 7)),
		(8, 17, 5, 9, false, moderate(17 * 5 + 5 + 17 * 9, 8)),
		(9, 13, 6, 11, true, wild(13 * 6 + 6 + 13 * 11, 9)),
		(10, 13, 6, 11, false, wild(13 * 6 + 6 + 13 * 11, 10)),
	] {
		let kernel = BuiltinKernel::DenseF32(DenseF32Params { inputs, outputs, batch, relu });
		tasks.push(builtin(job, kernel, f32s(&values), 4 * outputs * batch));
	}
	for task in &tasks {
		let device = run(&executor, task);
		let expected = reference(task);
		let (d, e) = (bits(&device), bits(&expected));
		let differ = d.iter().zip(&e).filter(|(a, b)| a != b).count();
		assert_eq!(differ, 0, "job {}: {differ} of {} values differ", task.job, e.len());
		assert_eq!(d.len(), e.len());
	}
	// The wild cases reached NaN, infinities and subnormals in their outputs.
	let outputs: Vec<u32> =
		[&tasks[4], &tasks[9]].iter().flat_map(|t| bits(&reference(t))).collect();
	assert!(outputs.contains(&0x7fc0_0000), "a NaN, canonical");
	assert!(outputs.iter().any(|b| b & 0x7fff_ffff == 0x7f80_0000), "an infinity");
	let moderate_out = bits(&reference(&tasks[5]));
	assert!(moderate_out.iter().all(|b| b & 0x7f80_0000 != 0x7f80_0000), "finite sums");
}

/// `bias + w·x` for one input, one output: the dense layer as a probe of the device's
/// arithmetic.
fn dense_one(bias: f32, w: f32, x: f32) -> ComputeTask {
	let kernel =
		BuiltinKernel::DenseF32(DenseF32Params { inputs: 1, outputs: 1, batch: 1, relu: false });
	builtin(20, kernel, f32s(&[w, bias, x]), 4)
}

#[test]
fn edges_of_ieee_754_come_out_as_computed_by_hand() {
	let executor = executor(config(), MemStore::default());
	let one_up = f32::from_bits(1.0f32.to_bits() + 1); // 1 + 2⁻²³
	let cases: [(f32, f32, f32, u32, &str); 6] = [
		// (1 + 2⁻²³)² = 1 + 2⁻²² + 2⁻⁴⁶ rounds to 1 + 2⁻²²: unfused, the sum is 0; a fused
		// multiply-add would keep 2⁻⁴⁶.
		(-(1.0 + 1.0 / 4_194_304.0), one_up, one_up, 0, "no contraction"),
		// 2⁻⁷⁰ × 2⁻⁷⁰ = 2⁻¹⁴⁰, a subnormal (2⁻¹⁴⁹ × 2⁹), kept rather than flushed.
		(0.0, 2f32.powi(-70), 2f32.powi(-70), 1 << 9, "subnormal kept"),
		// A subnormal bias plus a subnormal product: 2⁻¹⁴⁹ + 2⁻¹⁴⁰.
		(f32::from_bits(1), 2f32.powi(-70), 2f32.powi(-70), (1 << 9) + 1, "subnormal sum"),
		// ∞ × 0 is NaN, written canonical.
		(1.0, f32::INFINITY, 0.0, 0x7fc0_0000, "canonical NaN"),
		// A NaN with a payload in the input comes out canonical too.
		(f32::from_bits(0xffa1_2345), 1.0, 1.0, 0x7fc0_0000, "NaN payload dropped"),
		// MAX × 2 overflows to +∞.
		(0.0, f32::MAX, 2.0, 0x7f80_0000, "overflow"),
	];
	for (bias, w, x, expected, what) in cases {
		let out = run(&executor, &dense_one(bias, w, x));
		assert_eq!(bits(&out), vec![expected], "{what}");
	}
	// ReLU makes −0 and NaN zero.
	let kernel =
		BuiltinKernel::DenseF32(DenseF32Params { inputs: 1, outputs: 1, batch: 2, relu: true });
	let task = builtin(21, kernel, f32s(&[1.0, -0.0, 0.0, f32::NAN]), 8);
	assert_eq!(bits(&run(&executor, &task)), vec![0, 0]);
}

/// Divides and takes square roots of pairs of the input, and computes `a × b + c` as
/// written: the source kernel's view of the device's arithmetic.
const ARITHMETIC: &str = r#"
__kernel void arithmetic(__global const uchar *input, uint input_len, __global uchar *output, uint output_len) {
	uint i = get_global_id(0);
	__global const float *x = (__global const float *)input;
	__global uint *out = (__global uint *)output;
	float a = x[3 * i], b = x[3 * i + 1], c = x[3 * i + 2];
	out[3 * i] = as_uint(a / b);
	out[3 * i + 1] = as_uint(sqrt(fabs(a)));
	out[3 * i + 2] = as_uint(a * b + c);
}
"#;

#[test]
fn sources_divide_and_take_roots_correctly_rounded_without_contraction() {
	let executor = executor(config(), MemStore::default());
	let count = 4096;
	let mut values = moderate(3 * count, 30);
	// The contraction probe of the dense test, as the last triple.
	let one_up = f32::from_bits(1.0f32.to_bits() + 1);
	values.splice(3 * count - 3.., [one_up, one_up, -(1.0 + 1.0 / 4_194_304.0)]);
	let task =
		source(1, ARITHMETIC, "arithmetic", f32s(&values), [count as u32, 1, 1], 12 * count as u32);
	let out = bits(&executor.execute(&task).result.expect("runs"));
	for (i, t) in values.chunks_exact(3).enumerate() {
		let (a, b, c) = (t[0], t[1], t[2]);
		// Rust's `/` and `sqrt` are IEEE 754's, correctly rounded; it never fuses.
		assert_eq!(out[3 * i], (a / b).to_bits(), "{a} / {b}");
		assert_eq!(out[3 * i + 1], a.abs().sqrt().to_bits(), "sqrt {a}");
		assert_eq!(
			canonical(f32::from_bits(out[3 * i + 2])),
			canonical(a * b + c),
			"{a} × {b} + {c}"
		);
	}
	assert_eq!(out[3 * count - 1], 0, "a × b + c is not contracted in a source kernel");
}

#[test]
fn a_source_that_devices_may_compute_differently_is_the_agreed_error() {
	let executor = executor(config(), MemStore::default());
	let sine = r#"
__kernel void sine(__global const uchar *input, uint input_len, __global uchar *output, uint output_len) {
	((__global float *)output)[0] = sin((float)input[0]);
}"#;
	let (code, why) = executor
		.execute(&source(1, sine, "sine", vec![1], [1, 1, 1], 4))
		.result
		.expect_err("refused");
	assert_eq!(code, ErrorCode::NotReproducible);
	assert!(code.is_result(), "every honest provider refuses it alike");
	assert!(why.contains("line 3") && why.contains("`sin`"), "{why}");
}
