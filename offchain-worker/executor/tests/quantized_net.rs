//! Quantised networks on this machine's real OpenCL device: the device's bytes equal the
//! reference's for networks that reach every layer, every rounding and clamping edge and
//! the largest tensors; the reference equals a network computed by hand; and every
//! malformed model is the same agreed error.

mod common;

use common::*;
use depin_compute_executor::kernels::{
	self,
	quantized_net::{ModelWriter, Quant, MAX_ACTIVATIONS},
};
use depin_compute_primitives::{
	kernels::QuantizedNetParams, BuiltinKernel, ComputeTask, ErrorCode,
};

fn quant(
	input_zero: i8,
	weight_zero: i8,
	output_zero: i8,
	shift: u8,
	relu: bool,
	multiplier: i32,
) -> Quant {
	Quant { input_zero, weight_zero, output_zero, shift, relu, multiplier }
}

/// `n` int8 values drawn from `seed`.
fn i8s(n: usize, seed: u64) -> Vec<i8> {
	bytes(n, seed).into_iter().map(|b| b as i8).collect()
}

/// `n` biases drawn from `seed`, within `±range`.
fn biases(n: usize, seed: u64, range: i32) -> Vec<i32> {
	i8s(n, seed)
		.into_iter()
		.map(|b| (i64::from(b) * i64::from(range) / 128) as i32)
		.collect()
}

/// A task running `model` over `batch` samples drawn from `seed`, each `sample` bytes, with
/// `result` bytes per sample.
fn task(job: u64, model: Vec<u8>, sample: usize, batch: u32, result: usize) -> ComputeTask {
	let params = QuantizedNetParams { model_len: model.len() as u32, batch };
	let mut input = model;
	input.extend(bytes(sample * batch as usize, 1000 + job));
	builtin(job, BuiltinKernel::QuantizedNet(params), input, (result * batch as usize) as u32)
}

#[test]
fn the_device_computes_the_references_bytes() {
	let executor = executor(config(), MemStore::default());
	let mut cases = vec![];
	// Digits-sized: convolution with ReLU, pooling, two dense layers, argmax.
	let model = ModelWriter::new(1, 8, 8)
		.conv2d(3, quant(-3, 0, -128, 7, true, 1_518_500_250), &i8s(4 * 9, 1), &biases(4, 2, 500))
		.max_pool()
		.dense(
			quant(-128, 0, -128, 8, true, 1_300_000_000),
			&i8s(16 * 64, 3),
			&biases(16, 4, 2_000),
		)
		.dense(quant(-128, 0, 5, 6, false, 2_000_000_000), &i8s(10 * 16, 5), &biases(10, 6, 2_000))
		.argmax()
		.finish();
	cases.push(task(1, model.clone(), 64, 37, 1));
	// A large batch, not a whole number of work-groups: a driver left to size the groups
	// itself kept every work-item's tensors at once and crashed the worker.
	cases.push(task(5, model, 64, 4_100, 1));
	// Odd shapes, a 5 × 5 filter over three channels, pooling that drops a row and a column,
	// non-zero weight zero points, and the extremes of every field: the largest multiplier,
	// no shift and the largest, zero points at both ends, so that outputs clamp both ways.
	let model = ModelWriter::new(3, 5, 7)
		.conv2d(
			5,
			quant(127, -128, -128, 0, false, i32::MAX),
			&i8s(2 * 3 * 25, 7),
			&biases(2, 8, 1 << 20),
		)
		.max_pool()
		.dense(quant(-128, 17, 127, 31, false, i32::MAX), &i8s(6 * 12, 9), &biases(6, 10, 1 << 30))
		.dense(quant(0, -1, 0, 3, true, 123_456_789), &i8s(6 * 6, 11), &biases(6, 12, 100))
		.finish();
	cases.push(task(2, model, 3 * 5 * 7, 5, 6));
	// The largest tensor, and accumulators that wrap: 4,096 products of up to 255 × 255.
	let model = ModelWriter::new(1, 1, MAX_ACTIVATIONS as u16)
		.dense(quant(-128, -128, 0, 4, false, 1 << 30), &[127; 8 * MAX_ACTIVATIONS], &[i32::MAX; 8])
		.dense(quant(0, 0, 0, 0, false, 1 << 29), &i8s(8 * 8, 13), &biases(8, 14, 1_000))
		.finish();
	let mut wrapping = task(3, model, MAX_ACTIVATIONS, 3, 8);
	let model_len = wrapping.input.len() - 3 * MAX_ACTIVATIONS;
	wrapping.input[model_len..].fill(127);
	cases.push(wrapping);
	// A convolution whose output is the largest tensor, one sample.
	let model = ModelWriter::new(4, 32, 32)
		.conv2d(1, quant(0, 0, 0, 9, false, 1_900_000_000), &i8s(4 * 4, 15), &biases(4, 16, 300))
		.finish();
	cases.push(task(4, model, 4 * 32 * 32, 1, 4 * 32 * 32));
	for task in cases {
		let expected = kernels::reference(&kernel_of(&task), &task.input, task.output_len)
			.expect("a valid model");
		let output = executor
			.execute(&task)
			.result
			.unwrap_or_else(|e| panic!("job {}: {e:?}", task.job));
		assert!(
			output == expected,
			"job {}: the device's output differs from the reference",
			task.job
		);
	}
}

fn kernel_of(task: &ComputeTask) -> BuiltinKernel {
	match &task.kernel {
		depin_compute_primitives::Kernel::BuiltIn(k) => *k,
		_ => panic!("not a built-in kernel"),
	}
}

/// Two inputs, a dense layer of two outputs and argmax, by hand.
#[test]
fn the_reference_is_right() {
	// Input zero point 1, weight zero point 0, output zero point −2, multiplier ½, shift 1:
	// y = −2 + (acc × ½, rounded) / 2, rounded. Weights [[2, 3], [−1, 4]], biases [10, −6].
	let model = ModelWriter::new(2, 1, 1)
		.dense(quant(1, 0, -2, 1, false, 1 << 30), &[2, 3, -1, 4], &[10, -6])
		.finish();
	let params = QuantizedNetParams { model_len: model.len() as u32, batch: 2 };
	let mut input = model.clone();
	input.extend([5u8, 3, (-7i8) as u8, 1]);
	let out = kernels::reference(&BuiltinKernel::QuantizedNet(params), &input, 4).unwrap();
	let out: Vec<i8> = out.into_iter().map(|b| b as i8).collect();
	// Sample 1: x = (5, 3), (4, 2) from the zero point. acc = 8 + 6 + 10 = 24 → 12 → 6,
	// y = 4; acc = −4 + 8 − 6 = −2 → −1 → −0.5, a tie the shift rounds away from zero: −1,
	// y = −3.
	assert_eq!(out[..2], [4, -3]);
	// Sample 2: x = (−7, 1), (−8, 0). acc = −16 + 10 = −6 → −3 → −1.5 → −2, y = −4;
	// acc = 8 − 6 = 2 → 1 → 0.5 → 1, y = −1.
	assert_eq!(out[2..], [-4, -1]);
	// The same with argmax: sample 1's largest is output 0, sample 2's output 1.
	let model = ModelWriter::new(2, 1, 1)
		.dense(quant(1, 0, -2, 1, false, 1 << 30), &[2, 3, -1, 4], &[10, -6])
		.argmax()
		.finish();
	let params = QuantizedNetParams { model_len: model.len() as u32, batch: 2 };
	let mut input = model;
	input.extend([5u8, 3, (-7i8) as u8, 1]);
	let out = kernels::reference(&BuiltinKernel::QuantizedNet(params), &input, 2).unwrap();
	assert_eq!(out, [0, 1]);
}

#[test]
fn a_malformed_model_is_an_agreed_error() {
	let executor = executor(config(), MemStore::default());
	let q = quant(0, 0, 0, 0, false, 1 << 30);
	let dense = |inputs: u16| {
		ModelWriter::new(1, 1, inputs).dense(q, &vec![1; 2 * inputs as usize], &[0, 0])
	};
	let good = dense(4).finish();
	let with = |model: Vec<u8>, batch: u32, result: usize| task(0, model, 4, batch, result);
	let mut trailing = good.clone();
	trailing.push(0);
	let mut bad_magic = good.clone();
	bad_magic[0] = b'X';
	let mut bad_relu = good.clone();
	bad_relu[12 + 3 + 4] = 2;
	let mut bad_shift = good.clone();
	bad_shift[12 + 3 + 3] = 32;
	let mut negative_multiplier = good.clone();
	negative_multiplier[12 + 3 + 8] = 0x80;
	let mut unknown_layer = good.clone();
	unknown_layer[12] = 9;
	let mut cases = vec![
		with(trailing, 1, 2),
		with(bad_magic, 1, 2),
		with(bad_relu, 1, 2),
		with(bad_shift, 1, 2),
		with(negative_multiplier, 1, 2),
		with(unknown_layer, 1, 2),
		with(good[..good.len() - 1].to_vec(), 1, 2),
		// No samples; a result length that is not the batch's.
		with(good.clone(), 0, 2),
		with(good.clone(), 2, 3),
		// Argmax before the last layer; an even filter; pooling a single row.
		with(ModelWriter::new(1, 1, 4).argmax().dense(q, &[1; 8], &[0, 0]).finish(), 1, 2),
		with(ModelWriter::new(1, 2, 2).conv2d(2, q, &[1; 4], &[0]).finish(), 1, 4),
		with(ModelWriter::new(1, 1, 4).max_pool().finish(), 1, 2),
		// A tensor over the bound; no layers.
		with(
			ModelWriter::new(1, 1, MAX_ACTIVATIONS as u16 + 1)
				.dense(q, &vec![1; MAX_ACTIVATIONS + 1], &[0])
				.finish(),
			1,
			1,
		),
		with(ModelWriter::new(1, 1, 4).finish(), 1, 4),
	];
	// The model longer than the input.
	let mut short = with(good, 1, 2);
	if let depin_compute_primitives::Kernel::BuiltIn(BuiltinKernel::QuantizedNet(p)) =
		&mut short.kernel
	{
		p.model_len += 100;
	}
	cases.push(short);
	for task in cases {
		let outcome = executor.execute(&task);
		assert_eq!(outcome.result.map_err(|e| e.0), Err(ErrorCode::InvalidParams), "{task:?}");
	}
}
