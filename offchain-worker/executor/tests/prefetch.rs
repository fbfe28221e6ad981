//! A task whose input content is still arriving does not hold up the device: its fetch
//! starts when it is dispatched, on a thread of its own, and the tasks behind it run
//! meanwhile. The data source here is a peer that takes its time (the executor's side of
//! the network: what arrives, and when).

mod common;

use common::*;
use depin_compute_executor::{DataError, DataSource};
use depin_compute_primitives::{
	content::{content_id, ContentId},
	host::ComputeBackend,
	kernels::{MatMulParams, Sha256BatchParams},
	BuiltinKernel, DispatchAck, JobId, TaskStatus,
};
use std::{
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

/// Content that arrives `delay` after it is asked for; records when it was asked.
struct SlowPeer {
	bytes: Vec<u8>,
	delay: Duration,
	asked: Mutex<Option<Instant>>,
}

impl DataSource for SlowPeer {
	fn content(&self, _: JobId, id: &ContentId, _: Duration) -> Result<Vec<u8>, DataError> {
		*self.asked.lock().unwrap() = Some(Instant::now());
		std::thread::sleep(self.delay);
		assert_eq!(*id, content_id(&self.bytes));
		Ok(self.bytes.clone())
	}

	fn keep_output(&self, _: JobId, output: &[u8]) -> Result<ContentId, String> {
		Ok(content_id(output))
	}
}

fn done(status: TaskStatus) -> Option<([u8; 32], u32)> {
	match status {
		TaskStatus::Done { result_hash, output_len, .. } => Some((result_hash, output_len)),
		_ => None,
	}
}

#[test]
fn a_task_waiting_for_its_input_lets_the_next_one_run() {
	let executor = executor(config(), MemStore::default());
	let input = bytes(4 << 20, 3);
	let peer = Arc::new(SlowPeer {
		bytes: input.clone(),
		delay: Duration::from_secs(4),
		asked: Mutex::new(None),
	});
	executor.set_data_source(peer.clone());
	// The device is warm (its built-in kernels built) before the two tasks come.
	let warm =
		builtin(0, BuiltinKernel::MatMulI32(MatMulParams { n: 8, seed: 0 }), vec![], 4 * 8 * 8);
	assert_eq!(executor.dispatch(warm), DispatchAck::Accepted);
	assert!(done(executor.wait(0, 120_000)).is_some());

	// Job 1: SHA-256 of 1 MiB blocks of content that takes four seconds to arrive.
	let mut by_content = builtin(
		1,
		BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 1 << 20 }),
		vec![],
		4 * 32,
	);
	by_content.input_content = Some(content_id(&input));
	let dispatched = Instant::now();
	assert_eq!(executor.dispatch(by_content.clone()), DispatchAck::Accepted);
	// Job 2, dispatched after it: a matrix product with its input inline.
	let inline =
		builtin(2, BuiltinKernel::MatMulI32(MatMulParams { n: 64, seed: 1 }), vec![], 4 * 64 * 64);
	assert_eq!(executor.dispatch(inline), DispatchAck::Accepted);

	// The second is done while the first still waits for its data.
	let second = executor.wait(2, 60_000);
	assert!(done(second).is_some(), "job 2: {second:?}");
	assert_eq!(executor.poll(1), TaskStatus::Queued, "job 1 still waits for its input");
	let asked = peer.asked.lock().unwrap().expect("the fetch started");
	assert!(asked.duration_since(dispatched) < Duration::from_secs(2), "fetched from dispatch on");

	// Then the first runs on what arrived, and its result is the reference's.
	let (hash, len) = done(executor.wait(1, 60_000)).expect("job 1 done");
	assert_eq!(len, 4 * 32);
	let expected = depin_compute_executor::kernels::reference(
		&BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 1 << 20 }),
		&input,
		4 * 32,
	)
	.unwrap();
	assert_eq!(hash, depin_compute_primitives::content::output_hash(&expected).0);
}
