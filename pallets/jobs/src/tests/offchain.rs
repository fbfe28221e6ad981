//! The off-chain worker with the test off-chain externalities and a compute backend
//! without a device (`FakeCompute`, behind the same host functions the node's executor
//! sits behind): dispatch, commit and reveal each happen exactly once, whatever the number
//! of worker runs, and the chain accepts what it sends. The real executor on a real
//! OpenCL device is tested in `depin-compute-executor` and end to end.

use crate::{mock::*, offchain::RESEND_AFTER, *};
use codec::{Decode, Encode};
use depin_compute_primitives::{
	host::{self, ComputeBackend, ComputeExt},
	ComputeTask, DeviceInfo, DispatchAck, ErrorCode, TaskStatus,
};
use frame_support::{assert_ok, traits::Hooks};
use pallet_providers::{DeviceKind, OpenClVersion};
use parking_lot::{Mutex, RwLock};
use sp_core::offchain::{
	testing::{PoolState, TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
};
use sp_runtime::testing::UintAuthorityId;
use std::{collections::HashMap, sync::Arc};

/// What the fake device makes of a task: an output, or a failure.
type Rule = fn(&ComputeTask) -> Result<Vec<u8>, ErrorCode>;

/// The output the fake device computes for a task: `output_len` bytes derived from the
/// whole task, so that two different tasks never agree by accident.
pub(super) fn fake_output(task: &ComputeTask) -> Vec<u8> {
	let seed = sp_io::hashing::blake2_256(&task.encode());
	(0..task.output_len as usize)
		.map(|i| seed[i % 32].wrapping_add((i / 32) as u8))
		.collect()
}

/// A compute backend without a device: a dispatched task is done at once, by `rule`. It
/// counts the tasks it accepted, so that a test sees each job computed once.
struct FakeCompute {
	rule: Rule,
	tasks: Mutex<HashMap<JobId, ([u8; 32], TaskStatus, Vec<u8>)>>,
}

impl FakeCompute {
	fn new(rule: Rule) -> Arc<Self> {
		Arc::new(Self { rule, tasks: Default::default() })
	}

	fn accepted(&self) -> usize {
		self.tasks.lock().len()
	}

	/// The executor's store drops `job` (it keeps only recent jobs).
	fn forget(&self, job: JobId) {
		self.tasks.lock().remove(&job);
	}
}

impl ComputeBackend for FakeCompute {
	fn dispatch(&self, task: ComputeTask) -> DispatchAck {
		let mut tasks = self.tasks.lock();
		let fingerprint = task.fingerprint();
		if tasks.get(&task.job).is_some_and(|(f, ..)| *f == fingerprint) {
			return DispatchAck::AlreadyKnown;
		}
		let (status, output) = match (self.rule)(&task) {
			Ok(output) => (
				TaskStatus::Done {
					result_hash: output_hash(&output).0,
					output_len: output.len() as u32,
					exec_ms: 3,
				},
				output,
			),
			Err(code) => (TaskStatus::Failed { code, exec_ms: 3 }, vec![]),
		};
		tasks.insert(task.job, (fingerprint, status, output));
		DispatchAck::Accepted
	}

	fn poll(&self, job: JobId) -> TaskStatus {
		self.tasks
			.lock()
			.get(&job)
			.map_or(TaskStatus::Unknown, |(_, status, _)| *status)
	}

	/// Tasks are done at dispatch: nothing to wait for.
	fn wait(&self, job: JobId, _timeout_ms: u32) -> TaskStatus {
		self.poll(job)
	}

	fn read_output(&self, job: JobId, offset: u32, out: &mut [u8]) -> Option<u32> {
		let tasks = self.tasks.lock();
		let (_, TaskStatus::Done { .. }, output) = tasks.get(&job)? else { return None };
		copy_output(output, offset, out)
	}

	fn device(&self) -> Option<DeviceInfo> {
		Some(test_device(b"fake device"))
	}
}

/// What a backend's `read_output` answers for a finished task's `output`: the bytes from
/// `offset` that fit in `out`, and the output's whole length.
pub(super) fn copy_output(output: &[u8], offset: u32, out: &mut [u8]) -> Option<u32> {
	let rest = output.get(offset as usize..).unwrap_or_default();
	let n = rest.len().min(out.len());
	out[..n].copy_from_slice(&rest[..n]);
	Some(output.len() as u32)
}

/// The device a test backend declares: a CPU of the class the mock's providers declare.
pub(super) fn test_device(name: &[u8]) -> DeviceInfo {
	DeviceInfo {
		kind: DeviceKind::Cpu,
		vendor: b"test".to_vec(),
		name: name.to_vec(),
		driver: b"1".to_vec(),
		opencl_version: OpenClVersion { major: 3, minor: 0 },
		memory_mib: 1024,
		compute_units: 1,
		device_class: [1; 32],
	}
}

/// Test externalities of a provider node: provider 1's operator key in the keystore, an
/// off-chain database, a transaction pool and `compute` behind the host functions.
pub(super) fn provider_node(
	providers: u64,
	compute: Arc<dyn ComputeBackend>,
) -> (sp_io::TestExternalities, Arc<RwLock<PoolState>>) {
	UintAuthorityId::set_all_keys(vec![operator(1)]);
	let mut ext = ExtBuilder::default().providers(providers).build();
	let (offchain, _state) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(ComputeExt::new(compute));
	(ext, pool_state)
}

/// The calls in the pool, each with its signer; the pool is emptied.
pub(super) fn drain(pool: &Arc<RwLock<PoolState>>) -> Vec<(AccountId, RuntimeCall)> {
	std::mem::take(&mut pool.write().transactions)
		.into_iter()
		.map(|tx| {
			let xt = Extrinsic::decode(&mut &tx[..]).expect("the pool holds extrinsics");
			let sp_runtime::generic::Preamble::Signed(signer, ..) = xt.preamble else {
				panic!("unsigned")
			};
			(signer, xt.function)
		})
		.collect()
}

/// Runs the off-chain worker of the current block once, as a node does: on the block's
/// state, whose changes it never keeps (only its off-chain storage persists).
pub(super) fn run_worker() {
	sp_io::storage::start_transaction();
	Jobs::offchain_worker(System::block_number());
	sp_io::storage::rollback_transaction();
}

/// Runs the off-chain worker of the current block once and returns what it sent.
fn ocw_sent(pool: &Arc<RwLock<PoolState>>) -> Vec<(AccountId, RuntimeCall)> {
	run_worker();
	drain(pool)
}

fn matmul_spec(n: u32) -> JobSpecOf<Test> {
	let mut spec = spec(1, 4 * n * n);
	spec.kernel = Kernel::BuiltIn(BuiltinKernel::MatMulI32(MatMulParams { n, seed: 5 }));
	spec.input = Default::default();
	spec
}

/// What the fake device computes for `job`.
fn expected_output(job: JobId) -> Vec<u8> {
	let record = JobRecords::<Test>::get(job).unwrap();
	fake_output(&Jobs::compute_task(job, &record).unwrap())
}

/// Applies a call the worker sent as its signer would.
pub(super) fn apply(signer: AccountId, call: RuntimeCall) {
	let RuntimeCall::Jobs(call) = call else { panic!("not a jobs call: {call:?}") };
	assert_ok!(frame_support::traits::UnfilteredDispatchable::dispatch_bypass_filter(
		call,
		RuntimeOrigin::signed(signer)
	));
}

#[test]
fn dispatch_poll_commit_reveal_happen_exactly_once() {
	let compute = FakeCompute::new(|task| Ok(fake_output(task)));
	let (mut ext, pool) = provider_node(1, compute.clone());
	ext.execute_with(|| {
		let n = 4; // a 64-byte output: revealed inline
		let job = submit(10, matmul_spec(n));
		next_block(); // assigned to provider 1
		assert_eq!(assigned(job), vec![1]);

		// Many runs in the commit phase produce one commit.
		let sent = ocw_sent(&pool);
		for _ in 0..5 {
			run_worker();
		}
		let more = drain(&pool);
		assert!(more.is_empty(), "sent twice: {more:?}");
		let [(signer, call)] = &sent[..] else { panic!("expected one commit, got {sent:?}") };
		assert_eq!(*signer, operator(1));
		let RuntimeCall::Jobs(Call::commit { job: committed, .. }) = call else {
			panic!("{call:?}")
		};
		assert_eq!(*committed, job);

		// Later blocks in the commit phase send nothing more.
		next_block();
		run_worker();
		assert!(drain(&pool).is_empty());

		// The chain takes the commit; the reveal window opens (the only replica committed).
		apply(*signer, call.clone());
		assert!(matches!(
			JobRecords::<Test>::get(job).unwrap().status,
			JobStatus::Revealing { .. }
		));

		// Many runs in the reveal phase produce one reveal, with the output inline.
		let sent = ocw_sent(&pool);
		run_worker();
		run_worker();
		assert!(drain(&pool).is_empty());
		let [(signer, call)] = &sent[..] else { panic!("expected one reveal, got {sent:?}") };
		let RuntimeCall::Jobs(Call::reveal { result_hash, meta, inline_output, .. }) = call else {
			panic!("{call:?}")
		};
		let expected = expected_output(job);
		assert_eq!(*result_hash, hash_of(&expected));
		assert_eq!(inline_output.as_ref().map(|o| o.to_vec()), Some(expected.clone()));
		assert_eq!(meta.error_code, None);
		assert_eq!(meta.output_len, 4 * n * n);

		let before = free(1);
		apply(*signer, call.clone());
		next_block(); // every replica revealed: settled
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.result_hash, Some(hash_of(&expected)));
		assert_eq!(record.output.as_ref().map(|o| o.to_vec()), Some(expected.clone()));
		assert_eq!(free(1), before + PRICE);

		// Nothing left to do for a finished job, and it was computed once.
		run_worker();
		assert!(drain(&pool).is_empty());
		assert_eq!(compute.accepted(), 1);
	});
}

#[test]
fn a_lost_commit_is_sent_again_with_the_same_salt() {
	let (mut ext, pool) = provider_node(1, FakeCompute::new(|task| Ok(fake_output(task))));
	ext.execute_with(|| {
		let job = submit(10, matmul_spec(2));
		next_block();
		let first = ocw_sent(&pool);
		// The transaction is lost (say the node restarted before it was included).
		for _ in 1..RESEND_AFTER {
			next_block();
			run_worker();
			assert!(drain(&pool).is_empty(), "resent too early");
		}
		next_block();
		run_worker();
		let again = drain(&pool);
		assert_eq!(again, first, "the same commitment, salt included");
		let [(signer, call)] = &again[..] else { panic!() };
		apply(*signer, call.clone());
		assert!(matches!(
			JobRecords::<Test>::get(job).unwrap().status,
			JobStatus::Revealing { .. }
		));
	});
}

#[test]
fn a_build_error_is_attested_as_an_error() {
	// The device fails to build every source kernel: an error every honest provider gets.
	let compute = FakeCompute::new(|task| match task.kernel {
		Kernel::Source { .. } => Err(ErrorCode::BuildFailed),
		Kernel::BuiltIn(_) => Ok(fake_output(task)),
	});
	let (mut ext, pool) = provider_node(1, compute);
	ext.execute_with(|| {
		let mut spec = spec(1, 16);
		spec.kernel = Kernel::Source {
			source: b"__kernel void k(__global uchar *o) { not valid }"
				.to_vec()
				.try_into()
				.unwrap(),
			entry: b"k".to_vec().try_into().unwrap(),
		};
		let job = submit(10, spec);
		next_block();
		let [(signer, commit)] = &ocw_sent(&pool)[..] else { panic!("one commit") };
		apply(*signer, commit.clone());
		let [(signer, reveal)] = &ocw_sent(&pool)[..] else { panic!("one reveal") };
		let RuntimeCall::Jobs(Call::reveal { result_hash, meta, inline_output, .. }) = reveal
		else {
			panic!()
		};
		assert_eq!(meta.error_code, Some(ErrorCode::BuildFailed.code()));
		assert_eq!(*result_hash, error_result_hash(ErrorCode::BuildFailed.code()));
		assert_eq!(*inline_output, None);
		apply(*signer, reveal.clone());
		next_block();
		assert_eq!(
			JobRecords::<Test>::get(job).unwrap().status,
			JobStatus::Failed { code: ErrorCode::BuildFailed.code() }
		);
	});
}

#[test]
fn a_local_failure_is_not_attested() {
	// This node's own limit, not a result: nothing goes on chain.
	let compute = FakeCompute::new(|_| Err(ErrorCode::MemoryLimit));
	let (mut ext, pool) = provider_node(1, compute.clone());
	ext.execute_with(|| {
		let job = submit(10, matmul_spec(4));
		next_block();
		for _ in 0..3 {
			assert!(ocw_sent(&pool).is_empty(), "a node-local failure must not be attested");
		}
		assert!(matches!(host::poll(job), TaskStatus::Failed { code: ErrorCode::MemoryLimit, .. }));
		assert_eq!(compute.accepted(), 1, "dispatched once");
	});
}

#[test]
fn jobs_of_other_providers_are_left_alone() {
	let compute = FakeCompute::new(|task| Ok(fake_output(task)));
	let (mut ext, pool) = provider_node(3, compute.clone());
	ext.execute_with(|| {
		// Single-replica jobs: the node acts on exactly those assigned to provider 1.
		// Twenty of them, over five blocks (four are assigned per block).
		let mut jobs = Vec::new();
		for _ in 0..5 {
			jobs.extend((0..4).map(|_| submit(10, matmul_spec(2))));
			next_block();
		}
		let mine: Vec<_> = jobs.iter().copied().filter(|j| assigned(*j) == vec![1]).collect();
		let all: Vec<_> = jobs.iter().map(|j| assigned(*j)).collect();
		assert!(
			!mine.is_empty() && mine.len() < jobs.len(),
			"provider 1 holds some, not all: {all:?}"
		);
		let mut sent = ocw_sent(&pool);
		sent.extend(ocw_sent(&pool));
		let mut committed: Vec<_> = sent
			.iter()
			.map(|(signer, call)| {
				assert_eq!(*signer, operator(1));
				let RuntimeCall::Jobs(Call::commit { job, .. }) = call else { panic!("{call:?}") };
				*job
			})
			.collect();
		committed.sort();
		assert_eq!(committed, mine);
		assert_eq!(compute.accepted(), mine.len(), "only its own jobs are computed");
	});
}

#[test]
fn a_lost_attestation_is_sent_again_inside_the_shortest_window() {
	let (mut ext, pool) = provider_node(1, FakeCompute::new(|task| Ok(fake_output(task))));
	ext.execute_with(|| {
		let mut spec = matmul_spec(2);
		spec.deadline = JobDefaults::get().min_deadline;
		let job = submit(10, spec);
		next_block();
		let until = JobRecords::<Test>::get(job).unwrap().status.phase_end().unwrap();
		assert_eq!(ocw_sent(&pool).len(), 1);
		// The commit is lost. The resend must come while a block of the window is left to
		// include it: at `until` the window has closed.
		let mut resent = None;
		while System::block_number() + 1 < until {
			next_block();
			if let [(signer, call)] = &ocw_sent(&pool)[..] {
				resent = Some((*signer, call.clone()));
				break;
			}
		}
		let (signer, call) = resent.expect("sent again inside the window");
		apply(signer, call);
		assert!(matches!(
			JobRecords::<Test>::get(job).unwrap().status,
			JobStatus::Revealing { .. }
		));
	});
}

#[test]
fn attestations_pending_in_the_pool_do_not_share_a_nonce() {
	let (mut ext, pool) = provider_node(1, FakeCompute::new(|task| Ok(fake_output(task))));
	ext.execute_with(|| {
		SIGNED_NONCES.with(|n| n.borrow_mut().clear());
		let first = submit(10, matmul_spec(2));
		next_block();
		assert_eq!(ocw_sent(&pool).len(), 1, "commit of the first job");
		// The first commit waits in the pool; the second job's commit follows a block
		// later. The chain's nonce is still 0 for both.
		let second = submit(10, matmul_spec(2));
		next_block();
		assert_eq!(assigned(first), vec![1]);
		assert_eq!(assigned(second), vec![1]);
		let sent = ocw_sent(&pool);
		assert_eq!(sent.len(), 1, "commit of the second job: {sent:?}");
		let nonces: Vec<u32> = SIGNED_NONCES.with(|n| n.borrow().iter().map(|(_, n)| *n).collect());
		assert_eq!(nonces, vec![0, 1]);
	});
}

#[test]
fn the_output_is_kept_from_commit_to_reveal() {
	let compute = FakeCompute::new(|task| Ok(fake_output(task)));
	let (mut ext, pool) = provider_node(1, compute.clone());
	ext.execute_with(|| {
		let job = submit(10, matmul_spec(4)); // 64 bytes: revealed inline
		next_block();
		let [(signer, commit)] = &ocw_sent(&pool)[..] else { panic!("one commit") };
		apply(*signer, commit.clone());
		// The executor's store moves on and drops the job before the reveal.
		compute.forget(job);
		let [(signer, reveal)] = &ocw_sent(&pool)[..] else { panic!("one reveal") };
		apply(*signer, reveal.clone());
		next_block();
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.output.map(|o| o.to_vec()), Some(expected_output(job)));
	});
}
