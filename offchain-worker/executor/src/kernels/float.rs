//! Reproducible `f32` kernels: the matrix product
//! ([`BuiltinKernel::MatMulF32`](depin_compute_primitives::BuiltinKernel::MatMulF32)) and
//! the dense layer
//! ([`BuiltinKernel::DenseF32`](depin_compute_primitives::BuiltinKernel::DenseF32)).
//!
//! They follow the rules of `depin_compute_primitives::kernels` ("Floating point"): each
//! sum is added in one written order (`k = 0, 1, …` for the product; the bias, then
//! `i = 0, 1, …` for the layer), every product is rounded before it is added
//! (`FP_CONTRACT OFF`), subnormals are kept, and a NaN is written as the canonical one.
//! The references below do the same operations in the same order in Rust, which never
//! contracts: the device's bytes and theirs are equal on every IEEE-754 device.

// `!(x > y)` is true for NaN, as in the OpenCL kernel, where `x <= y` is not: the
// reference says what the kernel says, NaN included.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::{ensure, source, Launch};
use depin_compute_primitives::{
	kernels::{mix64, DenseF32Params},
	ErrorCode,
};

/// The bits a kernel writes for `x`: its own, or the canonical NaN (devices agree on
/// which results are NaN, not on their bits).
pub fn canonical(x: f32) -> u32 {
	if x.is_nan() {
		0x7fc0_0000
	} else {
		x.to_bits()
	}
}

fn floats(bytes: &[u8]) -> Vec<f32> {
	bytes
		.chunks_exact(4)
		.map(|w| f32::from_le_bytes([w[0], w[1], w[2], w[3]]))
		.collect()
}

fn to_bytes(values: impl Iterator<Item = f32>) -> Vec<u8> {
	values.flat_map(|x| canonical(x).to_le_bytes()).collect()
}

/// The `A ‖ B` input of an `f32` product drawn from the RNG (an empty input): element `i`
/// of the `2 n²` is `(h − 2²³) / 2²³` for the high 24 bits `h` of `mix64(seed, i)`, a
/// value in `[−1, 1)` that `f32` holds exactly.
pub fn matmul_f32_inputs(n: u32, seed: u64) -> Vec<u8> {
	let count = 2 * u64::from(n) * u64::from(n);
	(0..count)
		.flat_map(|i| {
			let high = (mix64(seed, i) >> 40) as i32 - (1 << 23);
			(high as f32 / (1 << 23) as f32).to_le_bytes()
		})
		.collect()
}

/// `C = A × B` for the `n × n` `f32` matrices of `input` (`A ‖ B`), each element summed
/// over `k = 0, 1, …` from zero.
pub fn matmul_f32(n: usize, input: &[u8]) -> Vec<u8> {
	let all = floats(input);
	let (a, b) = all.split_at(n * n);
	let mut c = vec![0f32; n * n];
	for row in 0..n {
		let out = &mut c[row * n..(row + 1) * n];
		for k in 0..n {
			let x = a[row * n + k];
			for (acc, y) in out.iter_mut().zip(&b[k * n..(k + 1) * n]) {
				*acc += x * *y;
			}
		}
	}
	to_bytes(c.into_iter())
}

/// Values of a dense layer's parts: `(weights, biases, samples, outputs)`.
fn dense_sizes(p: &DenseF32Params) -> Option<(usize, usize, usize, usize)> {
	let (inputs, outputs, batch) = (p.inputs as usize, p.outputs as usize, p.batch as usize);
	Some((
		inputs.checked_mul(outputs)?,
		outputs,
		batch.checked_mul(inputs)?,
		batch.checked_mul(outputs)?,
	))
}

pub(super) fn plan_dense(
	p: &DenseF32Params,
	input: &[u8],
	output_len: usize,
) -> Result<Launch, ErrorCode> {
	ensure(p.inputs > 0 && p.outputs > 0 && p.batch > 0)?;
	let (weights, biases, samples, outputs) = dense_sizes(p).ok_or(ErrorCode::InvalidParams)?;
	let values = weights.checked_add(biases).and_then(|v| v.checked_add(samples));
	ensure(values.and_then(|v| v.checked_mul(4)) == Some(input.len()))?;
	ensure(outputs.checked_mul(4) == Some(output_len))?;
	Ok(Launch {
		source: source(include_str!("cl/dense_f32.cl")),
		entry: "dense_f32",
		global: [p.outputs as usize, p.batch as usize, 1],
		local: None,
		args: [p.inputs as u64, p.outputs as u64, u64::from(p.relu)],
		generated_input: None,
	})
}

/// A dense layer: for each sample and output, `bias + w₀x₀ + w₁x₁ + …` in that order,
/// then `x > 0 ? x : 0` with ReLU (which makes `−0` and NaN zero).
pub fn dense_f32(p: &DenseF32Params, input: &[u8]) -> Vec<u8> {
	let (inputs, outputs) = (p.inputs as usize, p.outputs as usize);
	let all = floats(input);
	let (weights, rest) = all.split_at(inputs * outputs);
	let (biases, samples) = rest.split_at(outputs);
	let results = samples.chunks_exact(inputs).flat_map(|x| {
		(0..outputs).map(move |o| {
			let row = &weights[o * inputs..(o + 1) * inputs];
			let sum = row.iter().zip(x).fold(biases[o], |acc, (w, x)| acc + w * x);
			if p.relu && !(sum > 0.0) {
				0.0
			} else {
				sum
			}
		})
	});
	to_bytes(results)
}
