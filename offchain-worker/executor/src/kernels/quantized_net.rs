//! Exact inference of quantised neural networks
//! ([`BuiltinKernel::QuantizedNet`](depin_compute_primitives::BuiltinKernel::QuantizedNet)).
//!
//! Floating-point inference differs between devices (fused multiply-adds, reduction order,
//! approximate functions), so replicas would not agree on its bytes. This kernel uses the
//! integer-only scheme of TensorFlow Lite and gemmlowp instead (Jacob et al., *Quantization
//! and Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference*, 2018):
//! a real value `r` is stored as an int8 `q` with `r = S (q − Z)`; a layer multiplies and
//! adds `(x − Zx)(w − Zw)` in a 32-bit accumulator, adds an int32 bias, and maps the sum to
//! the next int8 tensor with a fixed-point multiplier and a rounding right shift (the
//! real factor `Sx Sw / Sy = multiplier × 2⁻³¹ × 2⁻shift`), then clamps (to `[Zy, 127]`
//! with ReLU). Every step is integer arithmetic with one defined result, the same in the
//! OpenCL kernel (`cl/quantized_net.cl`) and in [`reference`]; the accumulator wraps
//! rather than overflowing into undefined behaviour.
//!
//! # The model
//!
//! The job's input is the model, then the samples. All numbers are little-endian.
//!
//! | part | bytes |
//! | --- | --- |
//! | header | `"DQN1"`, then `channels`, `height`, `width` and the number of layers, each a `u16` |
//! | each layer | a tag (`u8`) and what the tag says, below |
//! | samples | `batch` × `channels × height × width` int8, channel by channel, rows top to bottom |
//!
//! | tag | layer | after the tag |
//! | --- | --- | --- |
//! | 1 | dense | `outputs` (`u16`), [`Quant`], the weights (`outputs × inputs` int8, one output's row after another), the biases (`outputs` × `i32`) |
//! | 2 | 2-D convolution, stride 1, same size (padding with the input's zero point) | output channels (`u16`), `k` (`u8`, odd, at most 7), [`Quant`], the weights (`outputs × channels × k × k` int8), the biases (`outputs` × `i32`) |
//! | 3 | 2 × 2 max pooling, stride 2 | nothing: height and width halve (rounded down; both at least 2) |
//! | 4 | argmax | nothing: the index (`u8`) of the largest value, the first of equals; last layer only, over at most 256 values |
//!
//! A dense layer reads its input as one vector (the tensor flattened in order). Every
//! tensor, the input's and each layer's, holds at most [`MAX_ACTIVATIONS`] values, and a
//! model has at most [`MAX_LAYERS`] layers: each sample runs on one work-item, with its
//! activations in private memory. A sample's result is the last layer's tensor (int8), or
//! one byte with argmax last.

use super::{ensure, source, window, Launch};
use depin_compute_primitives::{kernels::QuantizedNetParams, ErrorCode};

/// Values in any one tensor of a model.
pub const MAX_ACTIVATIONS: usize = 4096;
/// Layers of a model.
pub const MAX_LAYERS: usize = 16;
/// Largest convolution filter.
pub const MAX_K: usize = 7;

/// Work-items in a work-group. Chosen here rather than by the driver: each work-item keeps
/// two tensors in private memory, and a CPU driver that picks large groups keeps every
/// item's copy at once (PoCL crashed the worker at 4,096 samples); 32 is a GPU's warp.
/// Work-items past the batch return at once.
const WORK_GROUP: usize = 32;

const MAGIC: &[u8; 4] = b"DQN1";
const QUANT_LEN: usize = 9;

/// How a layer's accumulators become its int8 output, and the zero points it reads with:
/// `input_zero`, `weight_zero`, `output_zero` (each an `i8`), `shift` (`u8`, at most 31),
/// `relu` (`u8`, 0 or 1), `multiplier` (`i32`, not negative), in that order (9 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quant {
	/// Zero point of the layer's input.
	pub input_zero: i8,
	/// Zero point of the layer's weights.
	pub weight_zero: i8,
	/// Zero point of the layer's output.
	pub output_zero: i8,
	/// Rounding right shift after the multiplier.
	pub shift: u8,
	/// Whether the output is clamped at its zero point from below.
	pub relu: bool,
	/// Fixed-point multiplier, the real factor times 2³¹ (before the shift).
	pub multiplier: i32,
}

/// One layer of a checked model, with where its weights and biases start in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layer {
	Dense { outputs: usize, quant: Quant, weights: usize, biases: usize },
	Conv2d { outputs: usize, k: usize, quant: Quant, weights: usize, biases: usize },
	MaxPool,
	Argmax,
}

/// A tensor's shape: channels, height, width.
type Shape = (usize, usize, usize);

/// A model that [`check`] accepted: its input shape and layers.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Model {
	input: Shape,
	layers: Vec<Layer>,
	/// Bytes of one sample's result.
	output_len: usize,
}

/// Reads the model's bytes, in order, refusing anything past its end.
struct Reader<'a> {
	bytes: &'a [u8],
	at: usize,
}

impl Reader<'_> {
	fn take(&mut self, n: usize) -> Result<&[u8], ErrorCode> {
		let end = self.at.checked_add(n).ok_or(ErrorCode::InvalidParams)?;
		let out = self.bytes.get(self.at..end).ok_or(ErrorCode::InvalidParams)?;
		self.at = end;
		Ok(out)
	}
	fn u8(&mut self) -> Result<u8, ErrorCode> {
		Ok(self.take(1)?[0])
	}
	fn u16(&mut self) -> Result<usize, ErrorCode> {
		let b = self.take(2)?;
		Ok(u16::from_le_bytes([b[0], b[1]]) as usize)
	}
	fn quant(&mut self) -> Result<Quant, ErrorCode> {
		let b = self.take(QUANT_LEN)?;
		let quant = Quant {
			input_zero: b[0] as i8,
			weight_zero: b[1] as i8,
			output_zero: b[2] as i8,
			shift: b[3],
			relu: b[4] == 1,
			multiplier: i32::from_le_bytes([b[5], b[6], b[7], b[8]]),
		};
		ensure(quant.shift <= 31 && b[4] <= 1 && quant.multiplier >= 0)?;
		Ok(quant)
	}
	/// Skips a layer's weights and biases, returning where each starts.
	fn weights_and_biases(
		&mut self,
		weights: usize,
		outputs: usize,
	) -> Result<(usize, usize), ErrorCode> {
		let w = self.at;
		self.take(weights)?;
		let b = self.at;
		self.take(outputs.checked_mul(4).ok_or(ErrorCode::InvalidParams)?)?;
		Ok((w, b))
	}
}

fn values((c, h, w): Shape) -> Option<usize> {
	c.checked_mul(h)?.checked_mul(w)
}

/// Checks a model: its header, every layer's fields and lengths, every tensor's size, and
/// that nothing follows its last layer. The same checks on every provider: a model that
/// fails them is an error the replicas agree on.
fn check(model: &[u8]) -> Result<Model, ErrorCode> {
	let mut r = Reader { bytes: model, at: 0 };
	ensure(r.take(4)? == MAGIC)?;
	let input = (r.u16()?, r.u16()?, r.u16()?);
	let count = r.u16()?;
	let size = values(input).ok_or(ErrorCode::InvalidParams)?;
	ensure((1..=MAX_ACTIVATIONS).contains(&size) && (1..=MAX_LAYERS).contains(&count))?;
	let mut shape = input;
	let mut layers = Vec::with_capacity(count);
	let mut output_len = size;
	for i in 0..count {
		let layer = match r.u8()? {
			1 => {
				let outputs = r.u16()?;
				let quant = r.quant()?;
				let inputs = values(shape).ok_or(ErrorCode::InvalidParams)?;
				let weights = outputs.checked_mul(inputs).ok_or(ErrorCode::InvalidParams)?;
				let (weights, biases) = r.weights_and_biases(weights, outputs)?;
				shape = (outputs, 1, 1);
				Layer::Dense { outputs, quant, weights, biases }
			},
			2 => {
				let outputs = r.u16()?;
				let k = r.u8()? as usize;
				ensure(k % 2 == 1 && k <= MAX_K)?;
				let quant = r.quant()?;
				let weights = outputs
					.checked_mul(shape.0)
					.and_then(|w| w.checked_mul(k * k))
					.ok_or(ErrorCode::InvalidParams)?;
				let (weights, biases) = r.weights_and_biases(weights, outputs)?;
				shape = (outputs, shape.1, shape.2);
				Layer::Conv2d { outputs, k, quant, weights, biases }
			},
			3 => {
				ensure(shape.1 >= 2 && shape.2 >= 2)?;
				shape = (shape.0, shape.1 / 2, shape.2 / 2);
				Layer::MaxPool
			},
			4 => {
				ensure(i + 1 == count && values(shape).is_some_and(|n| n <= 256))?;
				Layer::Argmax
			},
			_ => return Err(ErrorCode::InvalidParams),
		};
		if layer != Layer::Argmax {
			output_len = values(shape).ok_or(ErrorCode::InvalidParams)?;
			ensure((1..=MAX_ACTIVATIONS).contains(&output_len))?;
		} else {
			output_len = 1;
		}
		layers.push(layer);
	}
	ensure(r.at == model.len())?;
	Ok(Model { input, layers, output_len })
}

/// Checks the parameters, the model and the lengths, and says how to run the batch: one
/// work-item per sample.
pub(super) fn plan(
	p: &QuantizedNetParams,
	input: &[u8],
	output_len: usize,
) -> Result<Launch, ErrorCode> {
	let model_len = p.model_len as usize;
	let batch = p.batch as usize;
	ensure(batch > 0)?;
	let model = check(input.get(..model_len).ok_or(ErrorCode::InvalidParams)?)?;
	let sample = values(model.input).ok_or(ErrorCode::InvalidParams)?;
	ensure(
		batch.checked_mul(sample).and_then(|s| s.checked_add(model_len)) == Some(input.len())
			&& batch.checked_mul(model.output_len) == Some(output_len),
	)?;
	Ok(Launch {
		source: source(include_str!("cl/quantized_net.cl")),
		entry: "quantized_net",
		global: [batch.div_ceil(WORK_GROUP) * WORK_GROUP, 1, 1],
		local: Some([WORK_GROUP, 1, 1]),
		args: [p.model_len as u64, p.batch as u64, model.output_len as u64],
		generated_input: None,
	})
}

/// Writes a model in the format above, layer by layer; the executor's checks of a task
/// say whether the result is valid.
#[derive(Clone, Debug)]
pub struct ModelWriter {
	bytes: Vec<u8>,
	layers: u16,
}

impl ModelWriter {
	/// A model whose samples are `channels × height × width`.
	pub fn new(channels: u16, height: u16, width: u16) -> Self {
		let mut bytes = MAGIC.to_vec();
		for v in [channels, height, width, 0] {
			bytes.extend(v.to_le_bytes());
		}
		Self { bytes, layers: 0 }
	}

	fn quant(&mut self, q: &Quant) {
		self.bytes
			.extend([q.input_zero as u8, q.weight_zero as u8, q.output_zero as u8]);
		self.bytes.extend([q.shift, u8::from(q.relu)]);
		self.bytes.extend(q.multiplier.to_le_bytes());
	}

	fn weights_and_biases(&mut self, weights: &[i8], biases: &[i32]) {
		self.bytes.extend(weights.iter().map(|w| *w as u8));
		self.bytes.extend(biases.iter().flat_map(|b| b.to_le_bytes()));
		self.layers += 1;
	}

	/// A dense layer with `biases.len()` outputs.
	pub fn dense(mut self, quant: Quant, weights: &[i8], biases: &[i32]) -> Self {
		self.bytes.push(1);
		self.bytes.extend((biases.len() as u16).to_le_bytes());
		self.quant(&quant);
		self.weights_and_biases(weights, biases);
		self
	}

	/// A `k × k` convolution with `biases.len()` output channels.
	pub fn conv2d(mut self, k: u8, quant: Quant, weights: &[i8], biases: &[i32]) -> Self {
		self.bytes.push(2);
		self.bytes.extend((biases.len() as u16).to_le_bytes());
		self.bytes.push(k);
		self.quant(&quant);
		self.weights_and_biases(weights, biases);
		self
	}

	/// A 2 × 2 max pooling.
	pub fn max_pool(mut self) -> Self {
		self.bytes.push(3);
		self.layers += 1;
		self
	}

	/// Argmax, the last layer.
	pub fn argmax(mut self) -> Self {
		self.bytes.push(4);
		self.layers += 1;
		self
	}

	/// The model's bytes.
	pub fn finish(mut self) -> Vec<u8> {
		self.bytes[10..12].copy_from_slice(&self.layers.to_le_bytes());
		self.bytes
	}
}

/// `a × b × 2⁻³¹`, rounded to nearest (a positive tie up, a negative one toward zero):
/// gemmlowp's `SaturatingRoundingDoublingHighMul`, which cannot saturate with a multiplier
/// that is not negative. Kept in 64 bits.
fn doubling_high_mul(a: i32, b: i32) -> i64 {
	let ab = i64::from(a) * i64::from(b);
	let nudge = if ab >= 0 { 1 << 30 } else { 1 - (1 << 30) };
	// Division truncates toward zero, as in OpenCL C.
	(ab + nudge) / (1 << 31)
}

/// `x × 2⁻ᵉ`, rounded to nearest (ties away from zero): gemmlowp's `RoundingDivideByPOT`.
fn rounding_shift(x: i64, e: u8) -> i64 {
	let mask = (1i64 << e) - 1;
	let remainder = x & mask;
	let threshold = (mask >> 1) + i64::from(x < 0);
	(x >> e) + i64::from(remainder > threshold)
}

/// The int8 value of accumulator `acc` (a wrapped 32-bit sum) under `q`.
fn requantize(acc: u32, q: &Quant) -> i8 {
	let scaled = rounding_shift(doubling_high_mul(acc as i32, q.multiplier), q.shift);
	let low = if q.relu { i64::from(q.output_zero) } else { -128 };
	(i64::from(q.output_zero) + scaled).clamp(low, 127) as i8
}

/// `(x − zx)(w − zw)` added to a wrapping 32-bit accumulator.
fn mac(acc: u32, x: i8, w: i8, q: &Quant) -> u32 {
	let product =
		(i32::from(x) - i32::from(q.input_zero)) * (i32::from(w) - i32::from(q.weight_zero));
	acc.wrapping_add(product as u32)
}

fn bias(model: &[u8], at: usize, o: usize) -> u32 {
	let b = &model[at + 4 * o..at + 4 * o + 4];
	u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// One sample through a checked model.
fn infer(model: &[u8], m: &Model, sample: &[u8]) -> Vec<u8> {
	let mut x: Vec<i8> = sample.iter().map(|b| *b as i8).collect();
	let (mut c, mut h, mut w) = m.input;
	for layer in &m.layers {
		match *layer {
			Layer::Dense { outputs, quant, weights, biases } => {
				let inputs = x.len();
				x = (0..outputs)
					.map(|o| {
						let row = &model[weights + o * inputs..weights + (o + 1) * inputs];
						let acc =
							x.iter().zip(row).fold(bias(model, biases, o), |acc, (xi, wi)| {
								mac(acc, *xi, *wi as i8, &quant)
							});
						requantize(acc, &quant)
					})
					.collect();
				(c, h, w) = (outputs, 1, 1);
			},
			Layer::Conv2d { outputs, k, quant, weights, biases } => {
				let mut y = vec![0i8; outputs * h * w];
				for o in 0..outputs {
					for py in 0..h {
						for px in 0..w {
							let mut acc = bias(model, biases, o);
							for ic in 0..c {
								for (ky, kx, yy, xx) in window(w, h, k, px, py) {
									let xi = x[(ic * h + yy) * w + xx];
									let wi = model[weights + ((o * c + ic) * k + ky) * k + kx];
									acc = mac(acc, xi, wi as i8, &quant);
								}
							}
							y[(o * h + py) * w + px] = requantize(acc, &quant);
						}
					}
				}
				x = y;
				c = outputs;
			},
			Layer::MaxPool => {
				let (ph, pw) = (h / 2, w / 2);
				let at = |ch: usize, yy: usize, xx: usize| x[(ch * h + yy) * w + xx];
				x = (0..c * ph * pw)
					.map(|i| {
						let (ch, py, px) = (i / (ph * pw), i / pw % ph, i % pw);
						let (y0, x0) = (2 * py, 2 * px);
						at(ch, y0, x0).max(at(ch, y0, x0 + 1)).max(at(ch, y0 + 1, x0)).max(at(
							ch,
							y0 + 1,
							x0 + 1,
						))
					})
					.collect();
				(h, w) = (ph, pw);
			},
			Layer::Argmax => {
				let best = x
					.iter()
					.enumerate()
					.fold(0, |best, (i, v)| if *v > x[best] { i } else { best });
				return vec![best as u8];
			},
		}
	}
	x.into_iter().map(|v| v as u8).collect()
}

/// Every sample's result, in plain single-threaded Rust: what a device must output, byte
/// for byte.
pub(super) fn reference(p: &QuantizedNetParams, input: &[u8]) -> Result<Vec<u8>, ErrorCode> {
	let model = input.get(..p.model_len as usize).ok_or(ErrorCode::InvalidParams)?;
	let m = check(model)?;
	let size = values(m.input).ok_or(ErrorCode::InvalidParams)?;
	Ok(input[model.len()..]
		.chunks_exact(size)
		.flat_map(|sample| infer(model, &m, sample))
		.collect())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn requantisation_rounds_like_gemmlowp() {
		// 2³⁰ is one half: 5 × ½ = 2.5 rounds up to 3; gemmlowp's nudge for a negative
		// product is one short of a half, so −2.5 rounds to −2 (and −9.75 to −10).
		let half = 1 << 30;
		assert_eq!(doubling_high_mul(5, half), 3);
		assert_eq!(doubling_high_mul(-5, half), -2);
		assert_eq!(doubling_high_mul(-26, 3 << 28), -10);
		// Rounding right shifts: 5 / 4 = 1.25 → 1, 6 / 4 = 1.5 → 2, −6 / 4 → −2, −5 / 4 → −1.
		assert_eq!(rounding_shift(5, 2), 1);
		assert_eq!(rounding_shift(6, 2), 2);
		assert_eq!(rounding_shift(-6, 2), -2);
		assert_eq!(rounding_shift(-5, 2), -1);
		// Output zero point 10, ReLU: negatives clamp at 10; large values at 127.
		let q = Quant {
			input_zero: 0,
			weight_zero: 0,
			output_zero: 10,
			shift: 1,
			relu: true,
			multiplier: half,
		};
		assert_eq!(requantize(40, &q), 20);
		assert_eq!(requantize((-400i32) as u32, &q), 10);
		assert_eq!(requantize(4_000, &q), 127);
		assert_eq!(requantize((-400i32) as u32, &Quant { relu: false, ..q }), -90);
	}
}
