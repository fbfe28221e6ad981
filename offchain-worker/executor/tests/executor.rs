//! The executor on this machine's real OpenCL device: every built-in kernel against its
//! reference, custom sources, the failure modes, the limits, and the host functions.

mod common;

use common::*;
use depin_compute_executor::kernels;
use depin_compute_executor::{Executor, Metrics};
use depin_compute_primitives::{
	host::{self, ComputeBackend, ComputeExt},
	kernels::{Conv2dParams, MatMulParams, MonteCarloParams, Sha256BatchParams},
	BuiltinKernel, ComputeTask, DispatchAck, ErrorCode, Kernel, TaskStatus,
};
use std::{
	sync::Arc,
	time::{Duration, Instant},
};
use substrate_prometheus_endpoint::{prometheus::proto::MetricType, Registry};

fn reference(task: &ComputeTask) -> Vec<u8> {
	let Kernel::BuiltIn(kernel) = &task.kernel else { panic!("not a built-in kernel") };
	kernels::reference(kernel, &task.input, task.output_len).expect("valid parameters")
}

fn assert_matches_reference(executor: &depin_compute_executor::Executor, task: ComputeTask) {
	let expected = reference(&task);
	let outcome = executor.execute(&task);
	let output = outcome.result.unwrap_or_else(|e| panic!("{:?} failed: {e:?}", task.kernel));
	assert_eq!(output.len(), task.output_len as usize);
	assert!(
		output == expected,
		"{:?}: the device's output differs from the reference",
		task.kernel
	);
}

#[test]
fn every_builtin_kernel_equals_its_reference() {
	let executor = executor(config(), MemStore::default());
	let mut cases = vec![];
	// SHA-256 over one, two and several 64-byte chunks per block, including the padding edges.
	// Whole chunks read as words, then a padding chunk (64, 128, 1000, 4096); lengths that are
	// not whole words read byte by byte (1, 55, 119); 56, whose padding needs a second chunk.
	for (i, block_len) in [1u32, 55, 56, 64, 119, 128, 1000, 4096].into_iter().enumerate() {
		let blocks = 37;
		cases.push(builtin(
			i as u64,
			BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len }),
			bytes((block_len * blocks) as usize, i as u64),
			32 * blocks,
		));
	}
	// Matrix products: generated and given inputs, sizes on and off the kernel's 4 × 8
	// blocks.
	for (i, n) in [1u32, 15, 16, 33, 64, 100].into_iter().enumerate() {
		cases.push(builtin(
			10 + i as u64,
			BuiltinKernel::MatMulI32(MatMulParams { n, seed: i as u64 }),
			vec![],
			4 * n * n,
		));
	}
	let n = 23u32;
	let given: Vec<i32> = (0..2 * n * n)
		.map(|i| (i as i32).wrapping_mul(-7919).wrapping_add(i32::MAX - 5))
		.collect();
	cases.push(builtin(
		20,
		BuiltinKernel::MatMulI32(MatMulParams { n, seed: 0 }),
		i32s(&given),
		4 * n * n,
	));
	// Monte-Carlo π.
	cases.push(builtin(
		30,
		BuiltinKernel::MonteCarloPi(MonteCarloParams { samples_per_item: 1000, seed: 42 }),
		vec![],
		4 * 256,
	));
	cases.push(builtin(
		31,
		BuiltinKernel::MonteCarloPi(MonteCarloParams { samples_per_item: 1, seed: u64::MAX }),
		vec![],
		4 * 3,
	));
	// Convolutions with 1x1, 3x3 and 7x7 filters on a non-square image with negative values.
	for (i, k) in [1u32, 3, 7].into_iter().enumerate() {
		let (width, height) = (41u32, 17u32);
		let image: Vec<i32> = (0..width * height).map(|p| (p as i32 % 97) - 48).collect();
		let filter: Vec<i32> = (0..k * k).map(|f| f as i32 - 4).collect();
		let mut input = i32s(&image);
		input.extend(i32s(&filter));
		cases.push(builtin(
			40 + i as u64,
			BuiltinKernel::Conv2dI32(Conv2dParams { width, height, k }),
			input,
			4 * width * height,
		));
	}
	for task in cases {
		assert_matches_reference(&executor, task);
	}
}

#[test]
fn the_references_are_right() {
	// SHA-256 of "abc" (FIPS 180-4 example).
	let digest = kernels::reference(
		&BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 3 }),
		b"abc",
		32,
	)
	.unwrap();
	assert_eq!(
		sp_core::hexdisplay::HexDisplay::from(&digest).to_string(),
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	);
	// [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
	let out = kernels::reference(
		&BuiltinKernel::MatMulI32(MatMulParams { n: 2, seed: 0 }),
		&i32s(&[1, 2, 3, 4, 5, 6, 7, 8]),
		16,
	)
	.unwrap();
	assert_eq!(out, i32s(&[19, 22, 43, 50]));
	// Monte-Carlo: a million samples estimate π to within 0.01.
	let out = kernels::reference(
		&BuiltinKernel::MonteCarloPi(MonteCarloParams { samples_per_item: 10_000, seed: 7 }),
		&[],
		400,
	)
	.unwrap();
	let hits: u64 = out.chunks(4).map(|w| u32::from_le_bytes(w.try_into().unwrap()) as u64).sum();
	let pi = 4.0 * hits as f64 / 1_000_000.0;
	assert!((pi - std::f64::consts::PI).abs() < 0.01, "estimate {pi}");
	// A 3x3 box filter over a 3x3 image of ones: corners see 4, edges 6, the centre 9.
	let mut input = i32s(&[1; 9]);
	input.extend(i32s(&[1; 9]));
	let out = kernels::reference(
		&BuiltinKernel::Conv2dI32(Conv2dParams { width: 3, height: 3, k: 3 }),
		&input,
		36,
	)
	.unwrap();
	assert_eq!(out, i32s(&[4, 6, 4, 6, 9, 6, 4, 6, 4]));
}

#[test]
fn invalid_parameters_are_an_agreed_error() {
	let executor = executor(config(), MemStore::default());
	let cases = [
		builtin(1, BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 0 }), vec![1; 8], 32),
		builtin(2, BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 3 }), vec![1; 8], 32),
		builtin(3, BuiltinKernel::MatMulI32(MatMulParams { n: 4, seed: 0 }), vec![], 60),
		builtin(
			4,
			BuiltinKernel::Conv2dI32(Conv2dParams { width: 2, height: 2, k: 2 }),
			vec![0; 32],
			16,
		),
		builtin(
			5,
			BuiltinKernel::MonteCarloPi(MonteCarloParams { samples_per_item: 0, seed: 1 }),
			vec![],
			4,
		),
	];
	for task in cases {
		let outcome = executor.execute(&task);
		assert_eq!(outcome.result.map_err(|e| e.0), Err(ErrorCode::InvalidParams), "{task:?}");
		assert!(ErrorCode::InvalidParams.is_result());
	}
}

const SQUARE: &str = r#"
__kernel void square(__global const uchar *input, uint input_len, __global uchar *output, uint output_len) {
	uint i = get_global_id(0);
	if (i < input_len && i < output_len) output[i] = (uchar)(input[i] * input[i]);
}
"#;

#[test]
fn custom_source_kernels_run() {
	let executor = executor(config(), MemStore::default());
	let input: Vec<u8> = (0..=255).collect();
	let task = source(1, SQUARE, "square", input.clone(), [256, 1, 1], 300);
	let output = executor.execute(&task).result.expect("runs");
	let mut expected: Vec<u8> = input.iter().map(|x| x.wrapping_mul(*x)).collect();
	expected.resize(300, 0); // the output buffer starts zeroed
	assert_eq!(output, expected);
}

#[test]
fn invalid_source_is_a_build_error_with_its_log() {
	let executor = executor(config(), MemStore::default());
	let broken = "__kernel void broken(__global uchar *out) { this is not C; }";
	let outcome = executor.execute(&source(1, broken, "broken", vec![], [1, 1, 1], 4));
	let (code, log) = outcome.result.expect_err("must not build");
	assert_eq!(code, ErrorCode::BuildFailed);
	assert!(log.contains("error"), "the compiler log comes back: {log:?}");
	// A source that builds but lacks the entry.
	let outcome = executor.execute(&source(2, SQUARE, "cube", vec![1], [1, 1, 1], 4));
	assert_eq!(outcome.result.map_err(|e| e.0), Err(ErrorCode::EntryNotFound));
	// The executor still works afterwards.
	assert!(
		executor.execute(&source(3, SQUARE, "square", vec![3], [1, 1, 1], 1)).result == Ok(vec![9])
	);
}

/// A kernel that never ends.
const ENDLESS: &str = r#"
__kernel void spin(__global const uchar *input, uint input_len, __global uchar *output, uint output_len) {
	volatile uint x = input_len;
	while (x != 0xffffffffu || input_len != 12345u) { x = x * 1664525u + 1013904223u; }
	output[0] = (uchar)x;
}"#;

#[test]
fn an_endless_kernel_runs_out_of_its_budget_which_is_a_result() {
	let mut config = config();
	config.time_limit = Duration::from_secs(10);
	let executor = executor(config, MemStore::default());
	// Warm the worker so that the limit measures the kernel, not the device's start-up.
	assert!(
		executor.execute(&source(1, SQUARE, "square", vec![2], [1, 1, 1], 1)).result == Ok(vec![4])
	);
	let mut task = source(2, ENDLESS, "spin", vec![1], [64, 1, 1], 1);
	task.budget_ms = 3_000;
	let started = Instant::now();
	let outcome = executor.execute(&task);
	let waited = started.elapsed();
	// Every honest provider stops it at the job's budget: a result the chain can agree on,
	// which pays the providers' time instead of slashing them as no-shows.
	let code = outcome.result.map_err(|e| e.0).unwrap_err();
	assert_eq!(code, ErrorCode::BudgetExceeded);
	assert!(code.is_result(), "running out of the budget is attested");
	assert!(
		waited >= Duration::from_secs(3) && waited < Duration::from_secs(10),
		"stopped after {waited:?}"
	);
	// The next task gets a fresh worker and the right answer.
	assert!(
		executor.execute(&source(3, SQUARE, "square", vec![5], [1, 1, 1], 1)).result
			== Ok(vec![25])
	);
}

#[test]
fn a_kernel_that_crashes_the_worker_twice_is_a_result() {
	let executor = executor(config(), MemStore::default());
	// A store through a wild pointer: native code on PoCL, so the worker process dies.
	let wild = r#"
__kernel void wild(__global const uchar *input, uint input_len, __global uchar *output, uint output_len) {
	__global volatile uint *p = (__global volatile uint *)((ulong)input_len * 0x100000000000UL);
	*p = 1;
	output[0] = 1;
}"#;
	let outcome = executor.execute(&source(1, wild, "wild", vec![1], [1, 1, 1], 1));
	if !on_pocl(&executor) {
		// A GPU driver may catch the fault instead; what matters there is that the
		// executor keeps serving.
		assert!(outcome.result.is_err());
	} else {
		let code = outcome.result.map_err(|e| e.0).unwrap_err();
		assert_eq!(code, ErrorCode::KernelCrashed, "a crash that repeats is the kernel's doing");
		assert!(code.is_result());
	}
	assert!(
		executor.execute(&source(2, SQUARE, "square", vec![5], [1, 1, 1], 1)).result
			== Ok(vec![25])
	);
}

#[test]
fn a_node_limit_below_the_budget_is_a_local_timeout() {
	let mut config = config();
	// Ten seconds: room for a first build and run on a loaded machine (other tests compute
	// meanwhile), still well below the job's minute.
	config.time_limit = Duration::from_secs(10);
	let executor = executor(config, MemStore::default());
	assert!(
		executor.execute(&source(1, SQUARE, "square", vec![2], [1, 1, 1], 1)).result == Ok(vec![4])
	);
	// The job allows a minute; this node stops after ten seconds: its own limit, not a
	// result, so it attests nothing.
	let outcome = executor.execute(&source(2, ENDLESS, "spin", vec![1], [64, 1, 1], 1));
	let code = outcome.result.map_err(|e| e.0).unwrap_err();
	assert_eq!(code, ErrorCode::Timeout);
	assert!(!code.is_result(), "a timeout is this node's problem, not a result");
}

#[test]
fn oversized_output_and_memory_are_refused() {
	let mut config = config();
	config.max_output = 2048;
	config.max_memory = 4096;
	let executor = executor(config, MemStore::default());
	let outcome = executor.execute(&source(1, SQUARE, "square", vec![1], [1, 1, 1], 2049));
	assert_eq!(outcome.result.map_err(|e| e.0), Err(ErrorCode::OutputTooLarge));
	let outcome = executor.execute(&source(2, SQUARE, "square", vec![1; 4000], [1, 1, 1], 1000));
	assert_eq!(outcome.result.map_err(|e| e.0), Err(ErrorCode::MemoryLimit));
	// Generated matrix inputs count too: n = 20 needs 3200 + 1600 bytes.
	let outcome = executor.execute(&builtin(
		3,
		BuiltinKernel::MatMulI32(MatMulParams { n: 20, seed: 1 }),
		vec![],
		1600,
	));
	assert_eq!(outcome.result.map_err(|e| e.0), Err(ErrorCode::MemoryLimit));
}

/// The task's end, as the off-chain worker waits for it: woken by the executor.
fn wait_for(job: u64) -> TaskStatus {
	host::wait(job, 300_000)
}

#[test]
fn host_functions_dispatch_poll_and_read_outputs() {
	let store = MemStore::default();
	let executor = executor(config(), store.clone());
	let task =
		builtin(7, BuiltinKernel::MatMulI32(MatMulParams { n: 40, seed: 3 }), vec![], 4 * 40 * 40);
	let expected = reference(&task);

	// Outside an off-chain worker (no extension) nothing reaches the executor.
	sp_io::TestExternalities::default().execute_with(|| {
		assert_eq!(host::dispatch(task.clone()), DispatchAck::Unavailable);
		assert_eq!(host::poll(7), TaskStatus::Unavailable);
		assert_eq!(host::wait(7, 1_000), TaskStatus::Unavailable);
		assert_eq!(host::output(7, u32::MAX), None);
		assert_eq!(host::device(), None);
	});

	let mut ext = sp_io::TestExternalities::default();
	ext.register_extension(ComputeExt::new(Arc::new(executor.clone())));
	ext.execute_with(|| {
		let device = host::device().expect("the executor opened a device");
		assert!(!device.name.is_empty() && device.compute_units > 0);
		assert_eq!(host::poll(7), TaskStatus::Unknown);
		assert_eq!(host::dispatch(task.clone()), DispatchAck::Accepted);
		assert_eq!(host::dispatch(task.clone()), DispatchAck::AlreadyKnown);
		let TaskStatus::Done { result_hash, output_len, .. } = wait_for(7) else {
			panic!("not done")
		};
		assert_eq!(output_len, 6400);
		assert_eq!(result_hash, depin_compute_primitives::content::output_hash(&expected).0);
		assert_eq!(host::output(7, 6400), Some(expected.clone()));
		assert_eq!(host::output(7, 6399), None, "outputs above the caller's bound are not copied");
		assert_eq!(
			host::dispatch(task.clone()),
			DispatchAck::AlreadyKnown,
			"a finished task is not run again"
		);
		// A failing task reports its code.
		assert_eq!(
			host::dispatch(source(8, "nonsense", "x", vec![], [1, 1, 1], 1)),
			DispatchAck::Accepted
		);
		assert!(matches!(wait_for(8), TaskStatus::Failed { code: ErrorCode::BuildFailed, .. }));
		assert_eq!(host::output(8, u32::MAX), None);
		let log = executor.error_log(8).expect("the compiler log is kept");
		assert!(log.contains("error"), "{log}");
	});
	drop(ext);
	drop(executor);

	// A restarted node finds its results in the store and does not compute them again.
	let restarted = common::executor(config(), store);
	let mut ext = sp_io::TestExternalities::default();
	ext.register_extension(ComputeExt::new(Arc::new(restarted)));
	ext.execute_with(|| {
		assert!(matches!(host::poll(7), TaskStatus::Done { output_len: 6400, .. }));
		assert_eq!(host::dispatch(task.clone()), DispatchAck::AlreadyKnown);
		assert_eq!(host::output(7, u32::MAX), Some(expected));
	});
}

#[test]
fn the_queue_is_bounded() {
	let mut config = config();
	config.max_jobs = 2;
	let executor = executor(config, MemStore::default());
	let mut ext = sp_io::TestExternalities::default();
	ext.register_extension(ComputeExt::new(Arc::new(executor)));
	ext.execute_with(|| {
		let big = |job| {
			builtin(
				job,
				BuiltinKernel::MatMulI32(MatMulParams { n: 200, seed: job }),
				vec![],
				4 * 200 * 200,
			)
		};
		assert_eq!(host::dispatch(big(1)), DispatchAck::Accepted);
		assert_eq!(host::dispatch(big(2)), DispatchAck::Accepted);
		assert_eq!(host::dispatch(big(3)), DispatchAck::QueueFull);
		// A wait that runs out answers where the task is.
		assert!(matches!(host::wait(2, 0), TaskStatus::Queued | TaskStatus::Running));
		assert_eq!(host::wait(3, 10), TaskStatus::Unknown, "refused tasks are not waited for");
		assert!(matches!(wait_for(1), TaskStatus::Done { .. }));
		assert!(matches!(wait_for(2), TaskStatus::Done { .. }));
		assert_eq!(
			host::dispatch(big(3)),
			DispatchAck::Accepted,
			"room again once the queue drains"
		);
		assert!(matches!(wait_for(3), TaskStatus::Done { .. }));
	});
}

#[cfg(feature = "fault-injection")]
#[test]
fn the_fault_switch_corrupts_outputs() {
	let mut config = config();
	config.fault = Some(depin_compute_executor::Fault::CorruptOutput);
	let executor = executor(config, MemStore::default());
	let task = builtin(
		1,
		BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 3 }),
		b"abc".to_vec(),
		32,
	);
	let honest = reference(&task);
	let output = executor.execute(&task).result.expect("runs");
	assert_ne!(output, honest);
	assert_eq!(output[1..], honest[1..]);
	assert_eq!(output[0], honest[0] ^ 0xff);
}

/// The value of the metric `name` whose labels include `labels`, as the node's Prometheus
/// endpoint would export it: a counter's or gauge's value, a histogram's sample count.
fn metric(registry: &Registry, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
	let family = registry.gather().into_iter().find(|f| f.get_name() == name)?;
	let m = family.get_metric().iter().find(|m| {
		labels
			.iter()
			.all(|(k, v)| m.get_label().iter().any(|l| l.get_name() == *k && l.get_value() == *v))
	})?;
	Some(match family.get_field_type() {
		MetricType::COUNTER => m.get_counter().get_value(),
		MetricType::GAUGE => m.get_gauge().get_value(),
		MetricType::HISTOGRAM => m.get_histogram().get_sample_count() as f64,
		other => panic!("{name} is a {other:?}"),
	})
}

#[test]
fn metrics_follow_the_tasks() {
	let registry = Registry::new();
	let metrics = Metrics::register(&registry).expect("registers once");
	let executor = Executor::start(config(), Box::new(MemStore::default()), Some(metrics));
	let device = executor.device().expect("a device");
	let kind = format!("{:?}", device.kind);
	let name = String::from_utf8_lossy(&device.name).into_owned();
	assert_eq!(
		metric(&registry, "depin_compute_device_info", &[("kind", &kind), ("name", &name)]),
		Some(1.0)
	);
	let mut ext = sp_io::TestExternalities::default();
	ext.register_extension(ComputeExt::new(Arc::new(executor)));
	ext.execute_with(|| {
		let good = |job| {
			builtin(job, BuiltinKernel::MatMulI32(MatMulParams { n: 16, seed: job }), vec![], 1024)
		};
		assert_eq!(host::dispatch(good(1)), DispatchAck::Accepted);
		assert_eq!(host::dispatch(good(2)), DispatchAck::Accepted);
		assert_eq!(
			host::dispatch(source(3, "nonsense", "x", vec![], [1, 1, 1], 1)),
			DispatchAck::Accepted
		);
		assert!(matches!(wait_for(1), TaskStatus::Done { .. }));
		assert!(matches!(wait_for(2), TaskStatus::Done { .. }));
		assert!(matches!(wait_for(3), TaskStatus::Failed { code: ErrorCode::BuildFailed, .. }));
	});
	assert_eq!(metric(&registry, "depin_compute_tasks_queued", &[]), Some(0.0));
	assert_eq!(metric(&registry, "depin_compute_tasks_running", &[]), Some(0.0));
	assert_eq!(metric(&registry, "depin_compute_tasks_done_total", &[]), Some(2.0));
	assert_eq!(
		metric(&registry, "depin_compute_tasks_failed_total", &[("reason", "BuildFailed")]),
		Some(1.0)
	);
	// Every built-in kernel was built and run once when the executor started; the matrix
	// products took their program from the cache, the broken source was built (and failed):
	// one build more than there are built-in kernels, two kernel runs more.
	let builtins = kernels::warm_up().len() as f64;
	assert_eq!(metric(&registry, "depin_compute_build_seconds", &[]), Some(builtins + 1.0));
	assert_eq!(metric(&registry, "depin_compute_kernel_seconds", &[]), Some(builtins + 2.0));
}
