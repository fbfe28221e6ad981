//! Shared setup of the executor tests: a real executor on this machine's OpenCL device
//! (PoCL on the CPU where there is no GPU), with its worker process built by cargo.

#![allow(dead_code)]

pub mod scene;

use depin_compute_executor::{store::MemoryStore, Executor, ExecutorConfig, WorkerCommand};
use depin_compute_primitives::{BuiltinKernel, ComputeTask, Kernel};
use sp_core::bounded::BoundedVec;
use std::time::Duration;

/// A store that outlives the executor, as the node's off-chain database does.
pub type MemStore = MemoryStore;

/// The compute budget of the tests' tasks: the longest the chain allows by default.
pub const BUDGET_MS: u32 = 60_000;

pub fn config() -> ExecutorConfig {
	let mut config = ExecutorConfig::new(WorkerCommand {
		program: env!("CARGO_BIN_EXE_depin-compute-worker").into(),
		args: vec![],
	});
	config.device = std::env::var("DEPIN_COMPUTE_DEVICE")
		.ok()
		.and_then(|d| d.parse().ok())
		.unwrap_or_default();
	config.time_limit = Duration::from_secs(120);
	config
}

pub fn executor(config: ExecutorConfig, store: MemStore) -> Executor {
	Executor::start(config, Box::new(store), None)
}

pub fn builtin(job: u64, kernel: BuiltinKernel, input: Vec<u8>, output_len: u32) -> ComputeTask {
	ComputeTask {
		job,
		kernel: Kernel::BuiltIn(kernel),
		input,
		input_content: None,
		work_size: [1, 1, 1],
		output_len,
		budget_ms: BUDGET_MS,
	}
}

pub fn source(
	job: u64,
	source: &str,
	entry: &str,
	input: Vec<u8>,
	work_size: [u32; 3],
	output_len: u32,
) -> ComputeTask {
	ComputeTask {
		job,
		kernel: Kernel::Source {
			source: BoundedVec::truncate_from(source.as_bytes().to_vec()),
			entry: BoundedVec::truncate_from(entry.as_bytes().to_vec()),
		},
		input,
		input_content: None,
		work_size,
		output_len,
		budget_ms: BUDGET_MS,
	}
}

/// Whether the executor computes on PoCL.
pub fn on_pocl(exec: &depin_compute_executor::Executor) -> bool {
	use depin_compute_primitives::host::ComputeBackend;
	exec.device().is_some_and(|d| {
		let vendor = String::from_utf8_lossy(&d.vendor).to_lowercase();
		vendor.contains("pocl") || vendor.contains("portable computing language")
	})
}

/// Deterministic pseudo-random bytes for inputs.
pub fn bytes(len: usize, seed: u64) -> Vec<u8> {
	(0..len as u64)
		.map(|i| (depin_compute_primitives::kernels::mix64(seed, i) >> 56) as u8)
		.collect()
}

pub fn i32s(values: &[i32]) -> Vec<u8> {
	values.iter().flat_map(|v| v.to_le_bytes()).collect()
}
