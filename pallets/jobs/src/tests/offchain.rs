//! The off-chain worker with the test off-chain externalities and the real executor on
//! this machine's OpenCL device: dispatch, poll, commit and reveal each happen exactly
//! once, whatever the number of worker runs, and the chain accepts what it sends.

use crate::mock::Jobs;
use crate::{mock::*, offchain::RESEND_AFTER, pallet, *};
use codec::Decode;
use depin_offchain_worker::{
	executor::{store::MemoryStore, Executor, ExecutorConfig, WorkerCommand},
	host::ComputeExt,
	kernels::{self, MatMulParams},
	BuiltinKernel as Builtin, ErrorCode,
};
use frame_support::{assert_ok, traits::Hooks};
use parking_lot::RwLock;
use sp_core::offchain::{
	testing::{PoolState, TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
};
use sp_runtime::testing::UintAuthorityId;
use std::{
	path::PathBuf,
	sync::Arc,
	time::{Duration, Instant},
};

/// The worker binary that `cargo test --workspace` builds next to the test binaries.
fn worker_binary() -> PathBuf {
	let exe = std::env::current_exe().expect("the test binary has a path");
	let binary = exe
		.parent()
		.and_then(|deps| deps.parent())
		.expect("target/<profile>/deps")
		.join("depin-compute-worker");
	assert!(
		binary.exists(),
		"{} is missing: build it with `cargo build --release -p depin-offchain-worker --features executor --bins` (scripts/test does)",
		binary.display()
	);
	binary
}

fn executor(configure: impl FnOnce(&mut ExecutorConfig)) -> Executor {
	let mut config = ExecutorConfig::new(WorkerCommand { program: worker_binary(), args: vec![] });
	config.time_limit = Duration::from_secs(120);
	configure(&mut config);
	Executor::start(config, Box::new(MemoryStore::default()))
}

/// Test externalities of a provider node: provider 1's operator key in the keystore, an
/// off-chain database, a transaction pool and the executor.
fn provider_node(
	providers: u64,
	executor: Executor,
) -> (sp_io::TestExternalities, Arc<RwLock<PoolState>>) {
	UintAuthorityId::set_all_keys(vec![operator(1)]);
	let mut ext = ExtBuilder::default().providers(providers).build();
	let (offchain, _state) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(ComputeExt::new(Arc::new(executor)));
	(ext, pool_state)
}

/// The calls in the pool, each with its signer; the pool is emptied.
fn drain(pool: &Arc<RwLock<PoolState>>) -> Vec<(AccountId, RuntimeCall)> {
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

/// Runs the off-chain worker of the current block until it has sent something (the
/// executor computes in the background), at most two minutes.
fn ocw_until_sent(pool: &Arc<RwLock<PoolState>>) -> Vec<(AccountId, RuntimeCall)> {
	let deadline = Instant::now() + Duration::from_secs(120);
	loop {
		Jobs::offchain_worker(System::block_number());
		if !pool.read().transactions.is_empty() || Instant::now() > deadline {
			return drain(pool);
		}
		std::thread::sleep(Duration::from_millis(20));
	}
}

fn matmul_spec(n: u32) -> JobSpecOf<Test> {
	let mut spec = spec(1, 4 * n * n);
	spec.kernel = Kernel::BuiltIn {
		kernel: Builtin::MatMulI32,
		params: codec::Encode::encode(&MatMulParams { n, seed: 5 }).try_into().unwrap(),
	};
	spec.input = Default::default();
	spec
}

fn expected_output(n: u32) -> Vec<u8> {
	kernels::reference(
		Builtin::MatMulI32,
		&codec::Encode::encode(&MatMulParams { n, seed: 5 }),
		&[],
		4 * n * n,
	)
	.unwrap()
}

/// Applies a call the worker sent as its signer would.
fn apply(signer: AccountId, call: RuntimeCall) {
	let RuntimeCall::Jobs(call) = call else { panic!("not a jobs call: {call:?}") };
	assert_ok!(frame_support::traits::UnfilteredDispatchable::dispatch_bypass_filter(
		call,
		RuntimeOrigin::signed(signer)
	));
}

#[test]
fn dispatch_poll_commit_reveal_happen_exactly_once() {
	let (mut ext, pool) = provider_node(1, executor(|_| {}));
	ext.execute_with(|| {
		let n = 4; // a 64-byte output: revealed inline
		let job = submit(10, matmul_spec(n));
		next_block(); // assigned to provider 1
		assert_eq!(assigned(job), vec![1]);

		// Many runs in the commit phase produce one commit.
		let sent = ocw_until_sent(&pool);
		for _ in 0..5 {
			Jobs::offchain_worker(System::block_number());
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
		Jobs::offchain_worker(System::block_number());
		assert!(drain(&pool).is_empty());

		// The chain takes the commit; the reveal window opens (the only replica committed).
		apply(*signer, call.clone());
		assert!(matches!(
			pallet::Jobs::<Test>::get(job).unwrap().status,
			JobStatus::Revealing { .. }
		));

		// Many runs in the reveal phase produce one reveal, with the output inline.
		let sent = ocw_until_sent(&pool);
		Jobs::offchain_worker(System::block_number());
		Jobs::offchain_worker(System::block_number());
		assert!(drain(&pool).is_empty());
		let [(signer, call)] = &sent[..] else { panic!("expected one reveal, got {sent:?}") };
		let RuntimeCall::Jobs(Call::reveal { result_hash, meta, inline_output, .. }) = call else {
			panic!("{call:?}")
		};
		let expected = expected_output(n);
		assert_eq!(*result_hash, hash_of(&expected));
		assert_eq!(inline_output.as_ref().map(|o| o.to_vec()), Some(expected.clone()));
		assert_eq!(meta.error_code, None);
		assert_eq!(meta.output_len, 4 * n * n);

		let before = free(1);
		apply(*signer, call.clone());
		next_block(); // every replica revealed: settled
		let record = pallet::Jobs::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.result_hash, Some(hash_of(&expected)));
		assert_eq!(record.output.as_ref().map(|o| o.to_vec()), Some(expected.clone()));
		assert_eq!(free(1), before + PRICE);

		// Nothing left to do for a finished job.
		Jobs::offchain_worker(System::block_number());
		assert!(drain(&pool).is_empty());
	});
}

#[test]
fn a_lost_commit_is_sent_again_with_the_same_salt() {
	let (mut ext, pool) = provider_node(1, executor(|_| {}));
	ext.execute_with(|| {
		let job = submit(10, matmul_spec(2));
		next_block();
		let first = ocw_until_sent(&pool);
		// The transaction is lost (say the node restarted before it was included).
		for _ in 1..RESEND_AFTER {
			next_block();
			Jobs::offchain_worker(System::block_number());
			assert!(drain(&pool).is_empty(), "resent too early");
		}
		next_block();
		Jobs::offchain_worker(System::block_number());
		let again = drain(&pool);
		assert_eq!(again, first, "the same commitment, salt included");
		let [(signer, call)] = &again[..] else { panic!() };
		apply(*signer, call.clone());
		assert!(matches!(
			pallet::Jobs::<Test>::get(job).unwrap().status,
			JobStatus::Revealing { .. }
		));
	});
}

#[test]
fn a_build_error_is_attested_as_an_error() {
	let (mut ext, pool) = provider_node(1, executor(|_| {}));
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
		let [(signer, commit)] = &ocw_until_sent(&pool)[..] else { panic!("one commit") };
		apply(*signer, commit.clone());
		let [(signer, reveal)] = &ocw_until_sent(&pool)[..] else { panic!("one reveal") };
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
			pallet::Jobs::<Test>::get(job).unwrap().status,
			JobStatus::Failed { code: ErrorCode::BuildFailed.code() }
		);
	});
}

#[test]
fn a_local_failure_is_not_attested() {
	// This node allows far less memory than the job needs: its own limit, not a result.
	let (mut ext, pool) = provider_node(1, executor(|c| c.max_memory = 16));
	ext.execute_with(|| {
		let job = submit(10, matmul_spec(4));
		next_block();
		let deadline = Instant::now() + Duration::from_secs(60);
		while !matches!(
			depin_offchain_worker::host::poll(job),
			depin_offchain_worker::TaskStatus::Failed { .. }
		) {
			Jobs::offchain_worker(System::block_number());
			assert!(Instant::now() < deadline, "the executor never reported");
			std::thread::sleep(Duration::from_millis(20));
		}
		Jobs::offchain_worker(System::block_number());
		assert!(drain(&pool).is_empty(), "a node-local failure must not be attested");
	});
}

#[test]
fn jobs_of_other_providers_are_left_alone() {
	let (mut ext, pool) = provider_node(3, executor(|_| {}));
	ext.execute_with(|| {
		// Three single-replica jobs: the node acts on exactly those assigned to provider 1.
		let jobs: Vec<_> = (0..3).map(|_| submit(10, matmul_spec(2))).collect();
		next_block();
		let mine: Vec<_> = jobs.iter().copied().filter(|j| assigned(*j) == vec![1]).collect();
		let deadline = Instant::now() + Duration::from_secs(120);
		let mut sent = vec![];
		while sent.len() < mine.len() && Instant::now() < deadline {
			Jobs::offchain_worker(System::block_number());
			sent.extend(drain(&pool));
			std::thread::sleep(Duration::from_millis(20));
		}
		Jobs::offchain_worker(System::block_number());
		sent.extend(drain(&pool));
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
	});
}
