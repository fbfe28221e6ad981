//! Queueing on a provider's device: the executor runs one task at a time, in the order it
//! was given them, and a task's compute budget starts when the task starts. A provider is
//! honest here (its node runs the real off-chain worker against a backend that takes time);
//! what is tested is that the chain never gives it more work than it can finish inside
//! each job's commit window, so that it is never slashed for the chain's own scheduling.

use super::offchain::{
	apply, copy_output, drain, fake_output, provider_node, run_worker, test_device,
};
use crate::{mock::*, *};
use depin_compute_primitives::{
	host::ComputeBackend, ComputeTask, DeviceInfo, DispatchAck, TaskStatus,
};
use parking_lot::Mutex;
use std::sync::Arc;

/// A device that runs tasks one at a time, first dispatched first run, each for its
/// whole compute budget (the worst an honest provider must plan for). A block lasts twice
/// `compute_ms_per_block`, as in the runtime, where the chain plans half of each block's
/// time for compute and leaves the rest for the commitment to reach a block.
#[derive(Default)]
struct SerialCompute {
	state: Mutex<Serial>,
}

#[derive(Default)]
struct Serial {
	/// Milliseconds since genesis, as the test sets them block by block.
	now_ms: u64,
	/// When the device is free of everything dispatched so far.
	free_at_ms: u64,
	/// Each dispatched task, with its output and when it ends.
	tasks: Vec<(JobId, Vec<u8>, u64)>,
}

impl SerialCompute {
	fn set_block(&self, block: u64) {
		let per_block = u64::from(Params::<Test>::get().compute_ms_per_block);
		self.state.lock().now_ms = block * 2 * per_block;
	}
}

impl ComputeBackend for SerialCompute {
	fn dispatch(&self, task: ComputeTask) -> DispatchAck {
		let mut s = self.state.lock();
		if s.tasks.iter().any(|(job, ..)| *job == task.job) {
			return DispatchAck::AlreadyKnown;
		}
		let start = s.free_at_ms.max(s.now_ms);
		let end = start + u64::from(task.budget_ms);
		s.free_at_ms = end;
		s.tasks.push((task.job, fake_output(&task), end));
		DispatchAck::Accepted
	}

	fn poll(&self, job: JobId) -> TaskStatus {
		let s = self.state.lock();
		match s.tasks.iter().find(|(j, ..)| *j == job) {
			None => TaskStatus::Unknown,
			Some((_, output, end)) if *end <= s.now_ms => TaskStatus::Done {
				result_hash: output_hash(output).0,
				output_len: output.len() as u32,
				exec_ms: 1,
			},
			Some(_) => TaskStatus::Running,
		}
	}

	fn wait(&self, job: JobId, _timeout_ms: u32) -> TaskStatus {
		self.poll(job)
	}

	fn read_output(&self, job: JobId, offset: u32, out: &mut [u8]) -> Option<u32> {
		let s = self.state.lock();
		let (_, output, end) = s.tasks.iter().find(|(j, ..)| *j == job)?;
		if *end > s.now_ms {
			return None;
		}
		copy_output(output, offset, out)
	}

	fn device(&self) -> Option<DeviceInfo> {
		Some(test_device(b"serial device"))
	}
}

/// Runs blocks up to `until`: each block's hooks, then the calls the provider node sent
/// in the block before (included now), then the node's worker for this block.
fn run_provider_node(
	compute: &SerialCompute,
	pool: &Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>,
	until: u64,
) {
	let mut sent = Vec::new();
	while System::block_number() < until {
		next_block();
		for (signer, call) in std::mem::take(&mut sent) {
			apply(signer, call);
		}
		compute.set_block(System::block_number());
		run_worker();
		sent = drain(pool);
	}
}

/// Jobs that each need most of their commit window's compute, submitted together: a
/// provider that runs them one after the other could finish only the first two in time.
fn window_filling_spec() -> JobSpecOf<Test> {
	let mut spec = spec(1, 32);
	let params = Params::<Test>::get();
	spec.compute_budget_ms = params.max_compute_budget_ms;
	spec.deadline = u64::from(params.max_compute_budget_ms / params.compute_ms_per_block) + 2;
	spec
}

#[test]
fn an_honest_provider_is_never_slashed_for_work_queued_on_it() {
	let compute = Arc::new(SerialCompute::default());
	let (mut ext, pool) = provider_node(1, compute.clone());
	ext.execute_with(|| {
		// Time enough in the queue for the jobs to wait for the provider's device.
		Params::<Test>::mutate(|p| p.max_queue_blocks = 60);
		let jobs: Vec<JobId> = (0..4).map(|_| submit(20, window_filling_spec())).collect();
		run_provider_node(&compute, &pool, 80);

		// The chain gave the provider no more than it could compute in time: nobody was a
		// no-show, and every job was completed and paid.
		assert!(!was_slashed(1), "an honest provider was slashed: {:?}", job_events());
		for job in jobs {
			let record = JobRecords::<Test>::get(job).unwrap();
			assert_eq!(
				record.status,
				JobStatus::Completed,
				"job {job}: {record:?} {:?}",
				job_events()
			);
		}
		check_invariants();
	});
}
