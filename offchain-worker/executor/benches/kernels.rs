//! Benchmarks of the compute bridge on this machine's OpenCL device (PoCL on the CPU where
//! there is no GPU). Run with `scripts/bench-compute` (or
//! `cargo bench -p depin-compute-executor`).
//!
//! - `host_overhead`: one matrix product run directly on the executor, and the same through
//!   the host functions (dispatch, then wait for its end) as the off-chain worker runs it.
//!   The difference at n = 32 (a 4 KiB output) is the executor's fixed cost per task:
//!   queueing, waking the supervisor, hashing and storing the output, waking the waiter.
//! - `throughput/*`: the integer matrix product (n = 256, 512, 1024), the `f32` product
//!   (n = 512), batch SHA-256 and the ray tracer (the README's scene) on the device, next to
//!   the plain single-threaded Rust reference of the same work, and SHA-256 next to a
//!   portable software SHA-256 (no CPU SHA instructions) on two threads; a quantised
//!   convolutional network (digits-sized: 8 × 8 input, a 3 × 3 convolution to 8 channels,
//!   pooling, two dense layers, argmax) over 4,096 samples, next to its Rust reference.
//!   Criterion reports time per run and, from the declared throughput, operations, bytes
//!   or samples per second.

#[path = "../tests/common/scene.rs"]
mod scene;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use depin_compute_executor::{
	kernels, store::MemoryStore, Executor, ExecutorConfig, WorkerCommand,
};
use depin_compute_primitives::{
	host::{self, ComputeExt},
	kernels::{MatMulParams, QuantizedNetParams, Sha256BatchParams},
	BuiltinKernel, ComputeTask, DispatchAck, Kernel, TaskStatus,
};
use std::{
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
	time::Duration,
};

fn executor() -> Executor {
	let mut config = ExecutorConfig::new(WorkerCommand {
		program: env!("CARGO_BIN_EXE_depin-compute-worker").into(),
		args: vec![],
	});
	config.device = std::env::var("DEPIN_COMPUTE_DEVICE")
		.ok()
		.and_then(|d| d.parse().ok())
		.unwrap_or_default();
	config.time_limit = Duration::from_secs(600);
	config.keep_results = 4;
	Executor::start(config, Box::new(MemoryStore::default()), None)
}

fn task(job: u64, kernel: BuiltinKernel, input: Vec<u8>, output_len: u32) -> ComputeTask {
	ComputeTask {
		job,
		kernel: Kernel::BuiltIn(kernel),
		input,
		input_content: None,
		work_size: [1, 1, 1],
		output_len,
		budget_ms: u32::MAX,
	}
}

fn matmul(job: u64, n: u32) -> ComputeTask {
	task(job, BuiltinKernel::MatMulI32(MatMulParams { n, seed: 1 }), vec![], 4 * n * n)
}

fn host_overhead(c: &mut Criterion) {
	let executor = executor();
	let mut group = c.benchmark_group("host_overhead");
	group.sample_size(20).measurement_time(Duration::from_secs(20));
	let mut ext = sp_io::TestExternalities::default();
	ext.register_extension(ComputeExt::new(Arc::new(executor.clone())));
	let next = AtomicU64::new(1);
	// A small and a larger product: the host-function path adds a fixed cost per task,
	// and hashing the output adds a cost per byte.
	for n in [32, 192] {
		// Warm: the program is built once and cached by the worker.
		assert!(executor.execute(&matmul(0, n)).result.is_ok());
		group.bench_function(BenchmarkId::new("direct", n), |b| {
			b.iter(|| assert!(executor.execute(&matmul(0, n)).result.is_ok()))
		});
		group.bench_function(BenchmarkId::new("dispatch_wait", n), |b| {
			b.iter(|| {
				ext.execute_with(|| {
					// A new job id each time: the executor computes instead of answering from
					// its results.
					let job = next.fetch_add(1, Ordering::Relaxed);
					assert_eq!(host::dispatch(matmul(job, n)), DispatchAck::Accepted);
					match host::wait(job, 60_000) {
						TaskStatus::Done { .. } => {},
						other => panic!("{other:?}"),
					}
				})
			})
		});
	}
	group.finish();
}

fn throughput(c: &mut Criterion) {
	let executor = executor();
	let mut group = c.benchmark_group("throughput");
	group.sample_size(10).measurement_time(Duration::from_secs(20));

	for n in [256u32, 512, 1024] {
		let mm = matmul(0, n);
		let Kernel::BuiltIn(params) = &mm.kernel else { unreachable!() };
		group.throughput(Throughput::Elements(u64::from(n).pow(3))); // multiply-adds
		group.bench_function(BenchmarkId::new("matmul_i32_opencl", n), |b| {
			b.iter(|| assert!(executor.execute(&mm).result.is_ok()))
		});
		if n <= 512 {
			group.bench_function(BenchmarkId::new("matmul_i32_rust_1thread", n), |b| {
				b.iter(|| kernels::reference(params, &[], mm.output_len).unwrap())
			});
		}
	}
	let n = 512u32;
	let mm = task(0, BuiltinKernel::MatMulF32(MatMulParams { n, seed: 1 }), vec![], 4 * n * n);
	let Kernel::BuiltIn(params) = &mm.kernel else { unreachable!() };
	group.throughput(Throughput::Elements(u64::from(n).pow(3)));
	group.bench_function(BenchmarkId::new("matmul_f32_opencl", n), |b| {
		b.iter(|| assert!(executor.execute(&mm).result.is_ok()))
	});
	group.bench_function(BenchmarkId::new("matmul_f32_rust_1thread", n), |b| {
		b.iter(|| kernels::reference(params, &[], mm.output_len).unwrap())
	});

	let block_len = 4096u32;
	let blocks = 256u32; // 1 MiB
	let input: Vec<u8> = (0..block_len * blocks).map(|i| (i * 31 % 251) as u8).collect();
	let params = BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len });
	let sha = task(0, params, input.clone(), 32 * blocks);
	group.throughput(Throughput::Bytes(input.len() as u64));
	group.bench_function(BenchmarkId::new("sha256_batch_opencl", "1MiB"), |b| {
		b.iter(|| assert!(executor.execute(&sha).result.is_ok()))
	});
	group.bench_function(BenchmarkId::new("sha256_batch_rust_1thread", "1MiB"), |b| {
		b.iter(|| kernels::reference(&params, &input, sha.output_len).unwrap())
	});
	// The kernel's target: half of this. The reference above uses the CPU's SHA
	// instructions where it has them; a GPU has none, nor does PoCL's generated code.
	let soft = soft_sha256_2threads(&input, block_len as usize);
	assert_eq!(soft, kernels::reference(&params, &input, sha.output_len).unwrap());
	group.bench_function(BenchmarkId::new("sha256_batch_soft_2threads", "1MiB"), |b| {
		b.iter(|| soft_sha256_2threads(&input, block_len as usize))
	});

	let batch = 4096u32;
	let (net, params) = digits_sized_net(batch);
	group.throughput(Throughput::Elements(u64::from(batch))); // samples
	group.bench_function(BenchmarkId::new("quantized_net_opencl", batch), |b| {
		b.iter(|| executor.execute(&net).result.expect("the network runs"))
	});
	group.bench_function(BenchmarkId::new("quantized_net_rust_1thread", batch), |b| {
		b.iter(|| kernels::reference(&params, &net.input, net.output_len).unwrap())
	});

	let (render, params) = showcase_render();
	group.throughput(Throughput::Elements(320 * 200 * 4)); // primary rays
	group.bench_function(BenchmarkId::new("ray_trace_opencl", "320x200x4"), |b| {
		b.iter(|| executor.execute(&render).result.expect("renders"))
	});
	group.bench_function(BenchmarkId::new("ray_trace_rust_1thread", "320x200x4"), |b| {
		b.iter(|| kernels::reference(&params, &render.input, render.output_len).unwrap())
	});
	group.finish();
}

/// A digits-sized convolutional network with weights and `batch` samples drawn from a
/// fixed sequence: 8 × 8 → 3 × 3 convolution to 8 channels with ReLU → 2 × 2 pooling →
/// dense 128 → 32 with ReLU → dense 32 → 10 → argmax (about 9,000 multiply-adds a sample).
fn digits_sized_net(batch: u32) -> (ComputeTask, BuiltinKernel) {
	use kernels::quantized_net::{ModelWriter, Quant};
	let draw = |n: usize, seed: usize| -> Vec<i8> {
		(0..n).map(|i| ((i * 7919 + seed * 104_729) % 255) as i8).collect()
	};
	let q = |relu| Quant {
		input_zero: -128,
		weight_zero: 0,
		output_zero: -128,
		shift: 8,
		relu,
		multiplier: 1_500_000_000,
	};
	let model = ModelWriter::new(1, 8, 8)
		.conv2d(3, q(true), &draw(8 * 9, 1), &[100; 8])
		.max_pool()
		.dense(q(true), &draw(32 * 128, 2), &[-50; 32])
		.dense(q(false), &draw(10 * 32, 3), &[0; 10])
		.argmax()
		.finish();
	let params =
		BuiltinKernel::QuantizedNet(QuantizedNetParams { model_len: model.len() as u32, batch });
	let mut input = model;
	input.extend(draw(64 * batch as usize, 4).into_iter().map(|v| v as u8));
	(task(0, params, input, batch), params)
}

/// The README's showcase scene (`scripts/scenes/showcase.json`) at 320 × 200, 2 × 2 rays a
/// pixel, four reflections.
fn showcase_render() -> (ComputeTask, BuiltinKernel) {
	let scene = scene::showcase().finish();
	let params = BuiltinKernel::RayTrace(depin_compute_primitives::kernels::RayTraceParams {
		width: 320,
		height: 200,
		samples: 2,
		bounces: 4,
	});
	(task(0, params, scene, 320 * 200 * 3), params)
}

/// SHA-256 of each `block_len` block of `input` with a portable software SHA-256, the
/// blocks split between two threads.
fn soft_sha256_2threads(input: &[u8], block_len: usize) -> Vec<u8> {
	let blocks: Vec<&[u8]> = input.chunks(block_len).collect();
	let (first, second) = blocks.split_at(blocks.len() / 2);
	let hash_all = |blocks: &[&[u8]]| -> Vec<u8> {
		blocks.iter().flat_map(|b| hmac_sha256::Hash::hash(b)).collect()
	};
	std::thread::scope(|scope| {
		let other = scope.spawn(|| hash_all(second));
		let mut out = hash_all(first);
		out.extend(other.join().expect("hashing does not panic"));
		out
	})
}

criterion_group!(benches, host_overhead, throughput);
criterion_main!(benches);
