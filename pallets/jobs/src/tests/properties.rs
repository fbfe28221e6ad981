//! Property test: random sequences of calls from many accounts, and the hooks of the blocks
//! between them, with both pallets' invariants and the conservation of money checked after
//! every step, and a failed call checked to change nothing at all (the storage root before
//! and after).
//!
//! The calls cover the whole marketplace: submissions of several device kinds, with and
//! without a pinned device class; honest, wrong (shared, so that wrong majorities happen)
//! and error results; cancels and clears; providers that register, leave, rotate their
//! operator key, pause, unbond and bond again; and governance changing both pallets'
//! parameters. A run counts what happened (settlements, error verdicts, slashes,
//! escalations, wrong majorities, give-ups) and fails if it exercised none of one.
//!
//! CI runs a fixed-seed subset. The full run (10,000 cases):
//!
//! ```text
//! DEPIN_PROPTEST_CASES=10000 SKIP_WASM_BUILD=1 cargo test --release -p pallet-jobs \
//!     -- properties --nocapture
//! ```
//!
//! `DEPIN_PROPTEST_SEED` picks another seed.

use crate::{mock::*, *};
use depin_compute_primitives::ErrorCode;
use frame_support::traits::fungible::Inspect;
use pallet_providers::{Capabilities, DeviceKind, ProviderParams};
use proptest::{
	prelude::*,
	test_runner::{Config as ProptestConfig, RngSeed, TestRunner},
};
use sp_runtime::{DispatchResult, Perbill};
use std::cell::RefCell;

/// What a replica computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
	/// The right output.
	Right,
	/// The same wrong output as every other wrong replica of the job: enough of them make
	/// a wrong majority, which the chain cannot tell from a right one.
	Wrong,
	/// An error code (a build failure, or the budget running out).
	Error(u32),
}

/// Submitters are 20..=25; providers 1..=6 from genesis (CPU, class 1) and 7..=10 when
/// they register (GPU, class 2 or 3).
#[derive(Debug, Clone)]
enum Action {
	Submit {
		who: u64,
		replicas: u8,
		large_output: bool,
		gpu: bool,
		pinned: bool,
	},
	/// The `replica`-th assigned provider of the `job`-th job commits to `answer`.
	Commit {
		job: u8,
		replica: u8,
		answer: Answer,
	},
	/// Every replica of the `job`-th job that has not committed commits (replica `i` to
	/// `deviations[i]`, or else to `answer`), then every committed one reveals.
	Attend {
		job: u8,
		answer: Answer,
		deviations: [Option<Answer>; 5],
	},
	Reveal {
		job: u8,
		replica: u8,
	},
	Cancel {
		job: u8,
	},
	Clear {
		job: u8,
	},
	Advance {
		blocks: u8,
	},
	Register {
		provider: u64,
		class: u8,
	},
	Deregister {
		provider: u64,
	},
	SetOperator {
		provider: u64,
		key: u8,
	},
	Unbond {
		provider: u64,
		all: bool,
	},
	BondExtra {
		provider: u64,
	},
	Withdraw {
		provider: u64,
	},
	Pause {
		provider: u64,
	},
	Resume {
		provider: u64,
	},
	SetJobParams {
		fee: u8,
		reveal_window: u8,
		max_queue_blocks: u8,
	},
	SetProviderParams {
		max_exposure_percent: u16,
		min_class_providers: u8,
	},
}

fn answer() -> impl Strategy<Value = Answer> {
	prop_oneof![
		12 => Just(Answer::Right),
		5 => Just(Answer::Wrong),
		2 => Just(Answer::Error(ErrorCode::BuildFailed as u32)),
		1 => Just(Answer::Error(ErrorCode::BudgetExceeded as u32)),
	]
}

fn action() -> impl Strategy<Value = Action> {
	prop_oneof![
		4 => (20u64..=25, 1u8..=3, any::<bool>(), prop::bool::weighted(0.25), prop::bool::weighted(0.25))
			.prop_map(|(who, replicas, large_output, gpu, pinned)| Action::Submit { who, replicas, large_output, gpu, pinned }),
		6 => (0u8..8, 0u8..5, answer()).prop_map(|(job, replica, answer)| Action::Commit { job, replica, answer }),
		6 => (0u8..8, answer(), prop::array::uniform5(prop::option::weighted(0.2, answer())))
			.prop_map(|(job, answer, deviations)| Action::Attend { job, answer, deviations }),
		6 => (0u8..8, 0u8..5).prop_map(|(job, replica)| Action::Reveal { job, replica }),
		1 => (0u8..8).prop_map(|job| Action::Cancel { job }),
		1 => (0u8..8).prop_map(|job| Action::Clear { job }),
		4 => (1u8..8).prop_map(|blocks| Action::Advance { blocks }),
		1 => (7u64..=10, 2u8..=3).prop_map(|(provider, class)| Action::Register { provider, class }),
		1 => (1u64..=10).prop_map(|provider| Action::Deregister { provider }),
		1 => (1u64..=10, 0u8..3).prop_map(|(provider, key)| Action::SetOperator { provider, key }),
		1 => (1u64..=10, any::<bool>()).prop_map(|(provider, all)| Action::Unbond { provider, all }),
		1 => (1u64..=10).prop_map(|provider| Action::BondExtra { provider }),
		1 => (1u64..=10).prop_map(|provider| Action::Withdraw { provider }),
		1 => (1u64..=10).prop_map(|provider| Action::Pause { provider }),
		1 => (1u64..=10).prop_map(|provider| Action::Resume { provider }),
		1 => (0u8..=20, 5u8..=8, 2u8..=5).prop_map(|(fee, reveal_window, max_queue_blocks)| Action::SetJobParams { fee, reveal_window, max_queue_blocks }),
		1 => (50u16..=300, 1u8..=3).prop_map(|(max_exposure_percent, min_class_providers)| Action::SetProviderParams { max_exposure_percent, min_class_providers }),
	]
}

/// What `answer` makes of `job`: its result hash, and the output to reveal (if any).
fn result_of(job: JobId, answer: Answer, len: u32) -> (sp_core::H256, Option<Vec<u8>>) {
	match answer {
		Answer::Right => {
			let out = output(len, job as u8);
			(hash_of(&out), Some(out))
		},
		Answer::Wrong => {
			let out = output(len, 100u8.wrapping_add(job as u8));
			(hash_of(&out), Some(out))
		},
		Answer::Error(code) => (error_result_hash(code), None),
	}
}

/// What each provider committed to, per job, to reveal it.
type Answers = std::collections::BTreeMap<(JobId, AccountId), Answer>;

/// A GPU of class `class`, for providers that register during a run.
fn gpu(class: u8) -> Capabilities {
	Capabilities { kind: DeviceKind::Gpu, device_class: [class; 32], ..cpu() }
}

/// The operator key provider `who` signs with now (it may have rotated it).
fn operator_now(who: AccountId) -> AccountId {
	pallet_providers::ProviderRecords::<Test>::get(who).map_or(operator(who), |p| p.operator)
}

/// Runs a call; a call that fails must leave the storage exactly as it was.
fn call(f: impl FnOnce() -> DispatchResult) -> Result<(), TestCaseError> {
	let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
	if f().is_err() {
		prop_assert_eq!(
			sp_io::storage::root(sp_runtime::StateVersion::V1),
			before,
			"a failed call changed the storage"
		);
	}
	Ok(())
}

fn apply(action: &Action, answers: &mut Answers) -> Result<(), TestCaseError> {
	let job_id = |n: u8| -> Option<JobId> {
		let next = Submissions::<Test>::get().next_id;
		(next > 0).then(|| u64::from(n) % next)
	};
	let origin = RuntimeOrigin::signed;
	let providers = pallet_providers::Pallet::<Test>::set_params;
	match *action {
		Action::Submit { who, replicas, large_output, gpu, pinned } => {
			let mut s = spec(replicas, if large_output { 500 } else { 32 });
			if gpu {
				s.requirements.kind = DeviceKind::Gpu;
			}
			s.requirements.same_device_class = pinned;
			call(|| Jobs::submit(origin(who), s))?;
		},
		Action::Commit { job, replica, answer } => {
			let Some(job) = job_id(job) else { return Ok(()) };
			let Some(record) = JobRecords::<Test>::get(job) else { return Ok(()) };
			let Some(r) = record.assigned.get(replica as usize) else { return Ok(()) };
			let (hash, _) = result_of(job, answer, record.output_len);
			let c = commitment(&hash, &r.provider, job, &salt(r.provider));
			let provider = r.provider;
			let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
			match Jobs::commit(origin(operator_now(provider)), job, c) {
				Ok(()) => {
					answers.insert((job, provider), answer);
				},
				Err(_) => prop_assert_eq!(
					sp_io::storage::root(sp_runtime::StateVersion::V1),
					before,
					"a failed commit changed the storage"
				),
			}
		},
		Action::Attend { job, answer, deviations } => {
			let Some(n) = job_id(job) else { return Ok(()) };
			let Some(record) = JobRecords::<Test>::get(n) else { return Ok(()) };
			for (replica, r) in record.assigned.iter().enumerate() {
				if r.state == ReplicaState::Assigned {
					let answer = deviations[replica % 5].unwrap_or(answer);
					apply(&Action::Commit { job, replica: replica as u8, answer }, answers)?;
				}
			}
			for replica in 0..record.assigned.len() {
				apply(&Action::Reveal { job, replica: replica as u8 }, answers)?;
			}
		},
		Action::Reveal { job, replica } => {
			let Some(job) = job_id(job) else { return Ok(()) };
			let Some(record) = JobRecords::<Test>::get(job) else { return Ok(()) };
			let Some(r) = record.assigned.get(replica as usize) else { return Ok(()) };
			let Some(answer) = answers.get(&(job, r.provider)).copied() else { return Ok(()) };
			let (hash, out) = result_of(job, answer, record.output_len);
			let (meta, inline) = match (answer, out) {
				(Answer::Error(code), _) => {
					(ResultMeta { error_code: Some(code), ..meta(0) }, None)
				},
				(_, Some(out)) => (
					meta(record.output_len),
					(record.output_len <= 64).then(|| out.try_into().unwrap()),
				),
				(_, None) => return Ok(()),
			};
			let provider = r.provider;
			call(|| {
				Jobs::reveal(
					origin(operator_now(provider)),
					job,
					hash,
					salt(provider),
					meta,
					inline,
				)
				.map(|_| ())
				.map_err(|e| e.error)
			})?;
		},
		Action::Cancel { job } => {
			let Some(job) = job_id(job) else { return Ok(()) };
			let Some(record) = JobRecords::<Test>::get(job) else { return Ok(()) };
			call(|| Jobs::cancel(origin(record.submitter), job))?;
		},
		Action::Clear { job } => {
			let Some(job) = job_id(job) else { return Ok(()) };
			let Some(record) = JobRecords::<Test>::get(job) else { return Ok(()) };
			call(|| Jobs::clear(origin(record.submitter), job))?;
		},
		Action::Advance { blocks } => run_to_block(System::block_number() + u64::from(blocks)),
		Action::Register { provider, class } => call(|| {
			pallet_providers::Pallet::<Test>::register(
				origin(provider),
				gpu(class),
				operator(provider),
				MIN_BOND,
			)
		})?,
		Action::Deregister { provider } => {
			call(|| pallet_providers::Pallet::<Test>::deregister(origin(provider)))?
		},
		Action::SetOperator { provider, key } => call(|| {
			let key = 1_000 + provider * 10 + u64::from(key);
			pallet_providers::Pallet::<Test>::set_operator(origin(provider), key)
		})?,
		Action::Unbond { provider, all } => {
			let Some(info) = pallet_providers::ProviderRecords::<Test>::get(provider) else {
				return Ok(());
			};
			let amount = if all { info.bond } else { info.bond / 3 };
			call(|| pallet_providers::Pallet::<Test>::unbond(origin(provider), amount))?;
		},
		Action::BondExtra { provider } => {
			call(|| pallet_providers::Pallet::<Test>::bond_extra(origin(provider), MIN_BOND))?
		},
		Action::Withdraw { provider } => {
			call(|| pallet_providers::Pallet::<Test>::withdraw_unbonded(origin(provider)))?
		},
		Action::Pause { provider } => {
			call(|| pallet_providers::Pallet::<Test>::pause(origin(provider)))?
		},
		Action::Resume { provider } => {
			call(|| pallet_providers::Pallet::<Test>::resume(origin(provider)))?
		},
		Action::SetJobParams { fee, reveal_window, max_queue_blocks } => {
			let params = JobParams {
				fee: Perbill::from_percent(fee.into()),
				reveal_window: reveal_window.into(),
				max_queue_blocks: max_queue_blocks.into(),
				..Params::<Test>::get()
			};
			call(|| Jobs::set_params(RuntimeOrigin::root(), params))?;
		},
		Action::SetProviderParams { max_exposure_percent, min_class_providers } => {
			let params = ProviderParams {
				max_exposure_percent: max_exposure_percent.into(),
				min_class_providers: min_class_providers.into(),
				..pallet_providers::Params::<Test>::get()
			};
			call(|| providers(RuntimeOrigin::root(), params))?;
		},
	}
	Ok(())
}

/// Sum of every account's total balance (free and held).
fn sum_of_balances() -> Balance {
	frame_system::Account::<Test>::iter_keys()
		.map(|who| Balances::total_balance(&who))
		.sum()
}

/// What the runs exercised, from their events.
#[derive(Default, Debug)]
struct Exercised {
	completed: u64,
	wrong_majorities: u64,
	failed: u64,
	exhausted: u64,
	unresolved: u64,
	cancelled: u64,
	escalations: u64,
	slashes: u64,
	operators_rotated: u64,
}

impl Exercised {
	/// Adds what this case's events show.
	fn count(&mut self) {
		for record in System::events() {
			match record.event {
				RuntimeEvent::Jobs(Event::Completed { job, result_hash, .. }) => {
					self.completed += 1;
					let len = JobRecords::<Test>::get(job).map_or(32, |j| j.output_len);
					if result_hash == result_of(job, Answer::Wrong, len).0 {
						self.wrong_majorities += 1;
					}
				},
				RuntimeEvent::Jobs(Event::Failed { code, .. }) => {
					self.failed += 1;
					if ErrorCode::is_exhaustion(code) {
						self.exhausted += 1;
					}
				},
				RuntimeEvent::Jobs(Event::Unresolved { .. }) => self.unresolved += 1,
				RuntimeEvent::Jobs(Event::Cancelled { .. }) => self.cancelled += 1,
				RuntimeEvent::Jobs(Event::Escalated { .. }) => self.escalations += 1,
				RuntimeEvent::Providers(pallet_providers::Event::Slashed { .. }) => {
					self.slashes += 1
				},
				RuntimeEvent::Providers(pallet_providers::Event::OperatorChanged { .. }) => {
					self.operators_rotated += 1
				},
				_ => {},
			}
		}
	}
}

/// A number from the environment, or `default`.
fn env_or(name: &str, default: u64) -> u64 {
	std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn random_call_sequences_conserve_funds_and_keep_the_invariants() {
	let cases = env_or("DEPIN_PROPTEST_CASES", 128) as u32;
	let seed = env_or("DEPIN_PROPTEST_SEED", 20_261_122);
	let mut runner = TestRunner::new(ProptestConfig {
		cases,
		rng_seed: RngSeed::Fixed(seed),
		failure_persistence: None,
		..ProptestConfig::default()
	});
	let exercised = RefCell::new(Exercised::default());
	let steps = RefCell::new(0u64);
	runner
		.run(&prop::collection::vec(action(), 1..100), |actions| {
			ExtBuilder::default().providers(6).build().execute_with(|| {
				let issuance = <Balances as Inspect<AccountId>>::total_issuance();
				let mut answers = Answers::new();
				for action in &actions {
					apply(action, &mut answers)?;
					*steps.borrow_mut() += 1;
					check_invariants();
					// No emission and no burn in this runtime: money only moves.
					prop_assert_eq!(<Balances as Inspect<AccountId>>::total_issuance(), issuance);
					prop_assert_eq!(sum_of_balances(), issuance);
				}
				// Let every job run out, then everything settles.
				run_to_block(System::block_number() + 300);
				check_invariants();
				prop_assert!(
					JobRecords::<Test>::iter_values().all(|j| j.status.is_finished()),
					"a job is stuck"
				);
				prop_assert_eq!(<Balances as Inspect<AccountId>>::total_issuance(), issuance);
				exercised.borrow_mut().count();
				Ok(())
			})
		})
		.unwrap();
	let exercised = exercised.into_inner();
	println!(
		"property test: {cases} cases (seed {seed}), {} calls checked step by step: {exercised:?}",
		steps.into_inner()
	);
	// A run that exercised none of these proved nothing about them.
	assert!(exercised.completed > 0, "no job completed");
	assert!(exercised.wrong_majorities > 0, "no wrong majority");
	assert!(exercised.failed > 0 && exercised.exhausted > 0, "no error verdict");
	assert!(exercised.unresolved > 0, "no job given up");
	assert!(exercised.cancelled > 0, "no cancel");
	assert!(exercised.escalations > 0, "no escalation");
	assert!(exercised.slashes > 0, "no slash");
	assert!(exercised.operators_rotated > 0, "no operator key rotated");
}
