//! The built-in kernel library on the node: OpenCL C sources (`cl/`), launch plans that
//! check a kernel's parameters against the task's input and output, and plain-Rust
//! reference implementations that tests compare the device's output with, byte for byte
//! (integer and floating point alike: see [`float`]).
//! The kernels and their parameters are declared in `depin_compute_primitives::kernels`.

use depin_compute_primitives::{
	kernels::{matmul_i32, mix64, Conv2dParams, MatMulParams},
	BuiltinKernel, ErrorCode,
};
use sha2::{Digest, Sha256};

pub mod float;
pub mod quantized_net;
pub mod ray_trace;

const COMMON: &str = include_str!("cl/common.cl");

/// How to run a built-in kernel on a device, once its parameters are checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launch {
	/// OpenCL C source (the common prelude included).
	pub source: String,
	/// Kernel function.
	pub entry: &'static str,
	/// Global work size (unused dimensions are 1).
	pub global: [usize; 3],
	/// Local work size, when the kernel requires one.
	pub local: Option<[usize; 3]>,
	/// The three `ulong` parameters after the buffers.
	pub args: [u64; 3],
	/// Input bytes the kernel reads: the task's input, or generated data.
	pub generated_input: Option<Vec<u8>>,
}

fn source(kernel: &str) -> String {
	let mut source = String::with_capacity(COMMON.len() + kernel.len() + 1);
	source.push_str(COMMON);
	source.push('\n');
	source.push_str(kernel);
	source
}

fn ensure(condition: bool) -> Result<(), ErrorCode> {
	if condition {
		Ok(())
	} else {
		Err(ErrorCode::InvalidParams)
	}
}

/// `n × n × 4` bytes, or an error when it does not fit the address space.
fn matrix_bytes(n: u32) -> Result<usize, ErrorCode> {
	(n as usize)
		.checked_mul(n as usize)
		.and_then(|c| c.checked_mul(4))
		.ok_or(ErrorCode::InvalidParams)
}

pub use depin_compute_primitives::kernels::matmul_inputs;

/// One tiny task of each built-in kernel: `(kernel, input, output length)`. The executor
/// runs them when it starts, so that the programs are built (and the driver has compiled
/// their launches) before the first job arrives.
pub fn warm_up() -> [(BuiltinKernel, Vec<u8>, u32); 8] {
	use depin_compute_primitives::kernels::{
		DenseF32Params, MatMulParams, MonteCarloParams, QuantizedNetParams, RayTraceParams,
		Sha256BatchParams,
	};
	let quant = quantized_net::Quant {
		input_zero: 0,
		weight_zero: 0,
		output_zero: 0,
		shift: 0,
		relu: false,
		multiplier: 1 << 30,
	};
	let model = quantized_net::ModelWriter::new(1, 1, 1).dense(quant, &[1], &[0]).finish();
	let net = QuantizedNetParams { model_len: model.len() as u32, batch: 1 };
	let mut net_input = model;
	net_input.push(0);
	let dense = DenseF32Params { inputs: 1, outputs: 1, batch: 1, relu: false };
	let scene =
		ray_trace::SceneWriter::new([0.0; 3], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0], 1.0).finish();
	let render = RayTraceParams { width: 1, height: 1, samples: 1, bounces: 0 };
	[
		(BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 64 }), vec![0; 64], 32),
		(BuiltinKernel::MatMulI32(MatMulParams { n: 8, seed: 0 }), vec![], 4 * 8 * 8),
		(BuiltinKernel::MonteCarloPi(MonteCarloParams { samples_per_item: 1, seed: 0 }), vec![], 4),
		(
			BuiltinKernel::Conv2dI32(Conv2dParams { width: 4, height: 4, k: 3 }),
			vec![0; 4 * (16 + 9)],
			4 * 16,
		),
		(BuiltinKernel::QuantizedNet(net), net_input, 1),
		(BuiltinKernel::MatMulF32(MatMulParams { n: 8, seed: 0 }), vec![], 4 * 8 * 8),
		(BuiltinKernel::DenseF32(dense), vec![0; 12], 4),
		(BuiltinKernel::RayTrace(render), scene, 3),
	]
}

/// Checks a built-in kernel's parameters against the input and output and says how to run it.
pub fn plan(kernel: &BuiltinKernel, input: &[u8], output_len: u32) -> Result<Launch, ErrorCode> {
	let output_len = output_len as usize;
	match kernel {
		BuiltinKernel::Sha256Batch(p) => {
			let block_len = p.block_len as usize;
			ensure(block_len > 0 && !input.is_empty() && input.len().is_multiple_of(block_len))?;
			let blocks = input.len() / block_len;
			ensure(blocks.checked_mul(32) == Some(output_len))?;
			Ok(Launch {
				source: source(include_str!("cl/sha256_batch.cl")),
				entry: "sha256_batch",
				// Eight blocks per work-item (`LANES` in the kernel).
				global: [blocks.div_ceil(8), 1, 1],
				local: None,
				args: [p.block_len as u64, 0, 0],
				generated_input: None,
			})
		},
		BuiltinKernel::MatMulI32(p) => plan_matmul(p, input, output_len, false),
		BuiltinKernel::MonteCarloPi(p) => {
			ensure(p.samples_per_item > 0 && output_len > 0 && output_len.is_multiple_of(4))?;
			Ok(Launch {
				source: source(include_str!("cl/monte_carlo_pi.cl")),
				entry: "monte_carlo_pi",
				global: [output_len / 4, 1, 1],
				local: None,
				args: [p.samples_per_item as u64, p.seed, 0],
				generated_input: None,
			})
		},
		BuiltinKernel::Conv2dI32(p) => {
			ensure(p.width > 0 && p.height > 0 && p.k % 2 == 1 && p.k <= Conv2dParams::MAX_K)?;
			let image = (p.width as usize)
				.checked_mul(p.height as usize)
				.and_then(|c| c.checked_mul(4))
				.ok_or(ErrorCode::InvalidParams)?;
			let filter = matrix_bytes(p.k)?;
			ensure(Some(input.len()) == image.checked_add(filter) && output_len == image)?;
			Ok(Launch {
				source: source(include_str!("cl/conv2d_i32.cl")),
				entry: "conv2d_i32",
				global: [p.width as usize, p.height as usize, 1],
				local: None,
				args: [p.width as u64, p.height as u64, p.k as u64],
				generated_input: None,
			})
		},
		BuiltinKernel::QuantizedNet(p) => quantized_net::plan(p, input, output_len),
		BuiltinKernel::MatMulF32(p) => plan_matmul(p, input, output_len, true),
		BuiltinKernel::DenseF32(p) => float::plan_dense(p, input, output_len),
		BuiltinKernel::RayTrace(p) => ray_trace::plan(p, input, output_len),
	}
}

/// The matrix product of `u32` (wrapping) or, with `float`, of `f32` elements: one source,
/// `cl/matmul.cl`, with the element type defined before it.
fn plan_matmul(
	p: &MatMulParams,
	input: &[u8],
	output_len: usize,
	float: bool,
) -> Result<Launch, ErrorCode> {
	ensure(p.n > 0)?;
	let bytes = matrix_bytes(p.n)?;
	ensure(output_len == bytes)?;
	let generated_input = if input.is_empty() {
		Some(if float { float::matmul_f32_inputs(p.n, p.seed) } else { matmul_inputs(p.n, p.seed) })
	} else {
		ensure(Some(input.len()) == bytes.checked_mul(2))?;
		None
	};
	let (entry, types) = if float {
		(
			"matmul_f32",
			"#define T float\n#define T16 float16\n#define OUT(x) canonical(x)\n\
			 #define OUT16(v) select(as_uint16(v), (uint16)(0x7fc00000u), isnan(v))\n",
		)
	} else {
		(
			"matmul_i32",
			"#define T uint\n#define T16 uint16\n#define OUT(x) (x)\n#define OUT16(v) (v)\n",
		)
	};
	// One work-item per 8 × 16 block of C (`ROWS` × `COLS` in the kernel).
	let n = p.n as usize;
	Ok(Launch {
		source: source(&format!("#define ENTRY {entry}\n{types}{}", include_str!("cl/matmul.cl"))),
		entry,
		global: [n.div_ceil(16), n.div_ceil(8), 1],
		local: None,
		args: [p.n as u64, 0, 0],
		generated_input,
	})
}

/// The taps of a `k × k` window (`k` odd) centred on `(x, y)` that fall inside a `w × h`
/// image, as `(filter row, filter column, image row, image column)`, row by row: zero
/// padding is the taps left out.
fn window(
	w: usize,
	h: usize,
	k: usize,
	x: usize,
	y: usize,
) -> impl Iterator<Item = (usize, usize, usize, usize)> {
	let r = k / 2;
	let inside = move |centre: usize, tap: usize, len: usize| {
		(centre + tap).checked_sub(r).filter(|i| *i < len)
	};
	(0..k)
		.filter_map(move |ky| inside(y, ky, h).map(|yy| (ky, yy)))
		.flat_map(move |(ky, yy)| {
			(0..k).filter_map(move |kx| inside(x, kx, w).map(|xx| (ky, kx, yy, xx)))
		})
}

fn words(bytes: &[u8]) -> Vec<u32> {
	bytes
		.chunks_exact(4)
		.map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
		.collect()
}

fn to_bytes(words: &[u32]) -> Vec<u8> {
	words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// The output a built-in kernel must produce, computed in plain single-threaded Rust.
pub fn reference(
	kernel: &BuiltinKernel,
	input: &[u8],
	output_len: u32,
) -> Result<Vec<u8>, ErrorCode> {
	let launch = plan(kernel, input, output_len)?;
	let input = launch.generated_input.as_deref().unwrap_or(input);
	Ok(match kernel {
		BuiltinKernel::Sha256Batch(_) => {
			let block_len = launch.args[0] as usize;
			input.chunks_exact(block_len).flat_map(Sha256::digest).collect()
		},
		BuiltinKernel::MatMulI32(_) => matmul_i32(launch.args[0] as usize, input),
		BuiltinKernel::MonteCarloPi(_) => {
			let (per_item, seed) = (launch.args[0], launch.args[1]);
			let items = launch.global[0] as u64;
			let hits: Vec<u32> = (0..items)
				.map(|item| {
					(0..per_item)
						.filter(|k| {
							let r = mix64(seed, item * per_item + k);
							let (x, y) = (r & 0x7fff_ffff, (r >> 32) & 0x7fff_ffff);
							x * x + y * y < 1u64 << 62
						})
						.count() as u32
				})
				.collect();
			to_bytes(&hits)
		},
		BuiltinKernel::Conv2dI32(_) => {
			let [w, h, k] = launch.args.map(|a| a as usize);
			let all = words(input);
			let (image, filter) = all.split_at(w * h);
			let mut out = vec![0u32; w * h];
			for y in 0..h {
				for x in 0..w {
					out[y * w + x] = window(w, h, k, x, y).fold(0u32, |acc, (ky, kx, yy, xx)| {
						acc.wrapping_add(image[yy * w + xx].wrapping_mul(filter[ky * k + kx]))
					});
				}
			}
			to_bytes(&out)
		},
		BuiltinKernel::QuantizedNet(p) => quantized_net::reference(p, input)?,
		BuiltinKernel::MatMulF32(_) => float::matmul_f32(launch.args[0] as usize, input),
		BuiltinKernel::DenseF32(p) => float::dense_f32(p, input),
		BuiltinKernel::RayTrace(p) => ray_trace::reference(p, input)?,
	})
}
