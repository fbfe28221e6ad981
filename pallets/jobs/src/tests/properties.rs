//! Property test: random sequences of calls from many accounts, with the invariants of
//! both pallets and the conservation of money checked after every step.

use crate::{mock::*, *};
use frame_support::traits::fungible::Inspect;
use proptest::{
	prelude::*,
	test_runner::{Config as ProptestConfig, TestRunner},
};
use std::cell::Cell;

/// Submitters are 20..=25; providers 1..=6.
#[derive(Debug, Clone)]
enum Action {
	Submit {
		who: u64,
		replicas: u8,
		large_output: bool,
	},
	/// The `replica`-th assigned provider of the `job`-th job commits; `honest` decides
	/// its result.
	Commit {
		job: u8,
		replica: u8,
		honest: bool,
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
}

fn action() -> impl Strategy<Value = Action> {
	prop_oneof![
		3 => (20u64..=25, 1u8..=3, any::<bool>()).prop_map(|(who, replicas, large_output)| Action::Submit { who, replicas, large_output }),
		4 => (0u8..8, 0u8..5, prop::bool::weighted(0.8)).prop_map(|(job, replica, honest)| Action::Commit { job, replica, honest }),
		4 => (0u8..8, 0u8..5).prop_map(|(job, replica)| Action::Reveal { job, replica }),
		1 => (0u8..8).prop_map(|job| Action::Cancel { job }),
		1 => (0u8..8).prop_map(|job| Action::Clear { job }),
		3 => (1u8..8).prop_map(|blocks| Action::Advance { blocks }),
		1 => (1u64..=6, any::<bool>()).prop_map(|(provider, all)| Action::Unbond { provider, all }),
		1 => (1u64..=6).prop_map(|provider| Action::BondExtra { provider }),
		1 => (1u64..=6).prop_map(|provider| Action::Withdraw { provider }),
		1 => (1u64..=6).prop_map(|provider| Action::Pause { provider }),
		1 => (1u64..=6).prop_map(|provider| Action::Resume { provider }),
	]
}

/// The output provider `who` computes for `job`: the right one, or its own wrong one.
fn result_of(job: JobId, who: AccountId, honest: bool, len: u32) -> Vec<u8> {
	output(len, if honest { job as u8 } else { 100 + who as u8 })
}

/// Which providers were honest per (job, provider), to reveal what they committed.
type Honesty = std::collections::BTreeMap<(JobId, AccountId), bool>;

fn apply(action: &Action, honesty: &mut Honesty) {
	let job_id = |n: u8| -> Option<JobId> {
		let next = Submissions::<Test>::get().next_id;
		(next > 0).then(|| u64::from(n) % next)
	};
	let origin = RuntimeOrigin::signed;
	// Calls may fail; a failed call must change nothing, which the checks after each step
	// would notice.
	match *action {
		Action::Submit { who, replicas, large_output } => {
			let _ = Jobs::submit(origin(who), spec(replicas, if large_output { 500 } else { 32 }));
		},
		Action::Commit { job, replica, honest } => {
			let Some(job) = job_id(job) else { return };
			let Some(record) = JobRecords::<Test>::get(job) else { return };
			let Some(r) = record.assigned.get(replica as usize) else { return };
			let out = result_of(job, r.provider, honest, record.output_len);
			let c = commitment(&hash_of(&out), &r.provider, job, &salt(r.provider));
			if Jobs::commit(origin(operator(r.provider)), job, c).is_ok() {
				honesty.insert((job, r.provider), honest);
			}
		},
		Action::Reveal { job, replica } => {
			let Some(job) = job_id(job) else { return };
			let Some(record) = JobRecords::<Test>::get(job) else { return };
			let Some(r) = record.assigned.get(replica as usize) else { return };
			let Some(honest) = honesty.get(&(job, r.provider)).copied() else { return };
			let out = result_of(job, r.provider, honest, record.output_len);
			let inline = (record.output_len <= 64).then(|| out.clone().try_into().unwrap());
			let _ = Jobs::reveal(
				origin(operator(r.provider)),
				job,
				hash_of(&out),
				salt(r.provider),
				meta(record.output_len),
				inline,
			);
		},
		Action::Cancel { job } => {
			let Some(job) = job_id(job) else { return };
			let Some(record) = JobRecords::<Test>::get(job) else { return };
			let _ = Jobs::cancel(origin(record.submitter), job);
		},
		Action::Clear { job } => {
			let Some(job) = job_id(job) else { return };
			let Some(record) = JobRecords::<Test>::get(job) else { return };
			let _ = Jobs::clear(origin(record.submitter), job);
		},
		Action::Advance { blocks } => run_to_block(System::block_number() + u64::from(blocks)),
		Action::Unbond { provider, all } => {
			let Some(info) = pallet_providers::ProviderRecords::<Test>::get(provider) else {
				return;
			};
			let amount = if all { info.bond } else { info.bond / 3 };
			let _ = pallet_providers::Pallet::<Test>::unbond(origin(provider), amount);
		},
		Action::BondExtra { provider } => {
			let _ = pallet_providers::Pallet::<Test>::bond_extra(origin(provider), MIN_BOND);
		},
		Action::Withdraw { provider } => {
			let _ = pallet_providers::Pallet::<Test>::withdraw_unbonded(origin(provider));
		},
		Action::Pause { provider } => {
			let _ = pallet_providers::Pallet::<Test>::pause(origin(provider));
		},
		Action::Resume { provider } => {
			let _ = pallet_providers::Pallet::<Test>::resume(origin(provider));
		},
	}
}

/// Sum of every account's total balance (free and held).
fn sum_of_balances() -> Balance {
	frame_system::Account::<Test>::iter_keys()
		.map(|who| Balances::total_balance(&who))
		.sum()
}

#[test]
fn random_call_sequences_conserve_funds_and_keep_the_invariants() {
	let cases = 96;
	let mut runner = TestRunner::new(ProptestConfig {
		cases,
		failure_persistence: None,
		..ProptestConfig::default()
	});
	let steps = Cell::new(0u64);
	let finished = Cell::new(0u64);
	runner
		.run(&prop::collection::vec(action(), 1..80), |actions| {
			ExtBuilder::default().providers(6).build().execute_with(|| {
				let issuance = <Balances as Inspect<AccountId>>::total_issuance();
				let mut honesty = Honesty::new();
				for action in &actions {
					apply(action, &mut honesty);
					steps.set(steps.get() + 1);
					check_invariants();
					// No emission and no burn in this runtime: money only moves.
					prop_assert_eq!(<Balances as Inspect<AccountId>>::total_issuance(), issuance);
					prop_assert_eq!(sum_of_balances(), issuance);
				}
				// Let every job run out, then everything settles.
				run_to_block(System::block_number() + 200);
				check_invariants();
				finished.set(
					finished.get()
						+ JobRecords::<Test>::iter_values()
							.filter(|j| j.status.is_finished())
							.count() as u64,
				);
				prop_assert!(
					JobRecords::<Test>::iter_values().all(|j| j.status.is_finished()),
					"a job is stuck"
				);
				prop_assert_eq!(<Balances as Inspect<AccountId>>::total_issuance(), issuance);
				Ok(())
			})
		})
		.unwrap();
	println!(
		"property test: {cases} cases passed, {} calls checked step by step, {} jobs run to the end",
		steps.get(),
		finished.get()
	);
}
