//! The chain's money under the runtime's own pallets together, on the local testnet's
//! genesis with two more providers (five in all, Alice to Eve):
//! - **Self-dealing never pays, through the jobs pallet.** A submitter that controls some of
//!   the providers a job may be drawn to, and votes with part of its balance (held by the
//!   DAO while the poll runs), submits a job whose replicas answer as the case says
//!   (agreeing, disagreeing, withholding, so that jobs escalate, settle, or give up). Its
//!   wealth (its accounts' free and held balance, and what its providers' pools owe them)
//!   never grows, and falls whenever its providers were credited with work: the credit is a
//!   share of the fee it paid (`user_work_rate < 100 %`), and the fee and the other
//!   providers' pay leave it. Governance's most generous setting: every era's emission for
//!   work, none for stake (so no income that time alone earns).
//! - **Mixed traffic conserves money.** Jobs (with replicas that agree, disagree or stay
//!   silent), cancellations, delegations, unbonding, claims, DAO votes in both houses on
//!   live referenda (and standing work votes measured again) and eras, in any order: after every step each pallet's invariants hold (`try_state`),
//!   every unit of issuance sits in some account, and issuance grew by exactly what the
//!   eras minted.

use super::*;
use crate::{Dao, Delegation, Jobs, Providers, RuntimeOrigin, MILLI_UNIT, UNIT};
use frame_support::{assert_ok, traits::fungible::Inspect};
use pallet_dao::{TokenVote, VoteLock, WorkVote};
use pallet_jobs::{BuiltinKernel, JobId, JobSpec, JobStatus, Kernel, ReplicaState, ResultMeta};
use pallet_providers::{DeviceKind, Requirements};
use proptest::prelude::*;
use sp_runtime::Perbill;
use Sr25519Keyring::*;

/// The providers after [`world`]: Alice, Bob and Charlie from genesis, Dave and Eve
/// registered.
const PROVIDERS: [Sr25519Keyring; 5] = [Alice, Bob, Charlie, Dave, Eve];

/// Bytes of every test job's output.
const OUTPUT_LEN: u32 = 4;

/// The local testnet with Dave and Eve registered as providers too, eras of 20 blocks
/// (each minting for work only), and a referendum open for votes.
fn world() -> sp_io::TestExternalities {
	let mut ext = ext_for("local_testnet");
	ext.execute_with(|| {
		for (k, name) in [(Dave, "Dave"), (Eve, "Eve")] {
			let bond = pallet_providers::Params::<Runtime>::get().min_bond;
			assert_ok!(Providers::register(
				signed_by(k),
				genesis_config_presets::dev_capabilities(),
				operator_of(name),
				bond,
			));
		}
		let mut rewards = pallet_rewards::Params::<Runtime>::get();
		rewards.era_length = 20;
		rewards.work_share = Perbill::one();
		rewards.stake_share = Perbill::zero();
		rewards.user_work_rate = Perbill::from_parts(999_999_999);
		rewards.audits_per_era = 0;
		pallet_rewards::Params::<Runtime>::put(rewards);
		// Into an era minted under these parameters (the genesis era mints nothing).
		run_blocks(20);
		assert_eq!(pallet_rewards::CurrentEra::<Runtime>::get().index, 1);
		propose(pallet_dao::Origin::Parameters, keep_job_params());
	});
	ext
}

/// A parameters-track call that changes nothing: something to vote on.
fn keep_job_params() -> RuntimeCall {
	RuntimeCall::Jobs(pallet_jobs::Call::set_params {
		params: pallet_jobs::Params::<Runtime>::get(),
	})
}

fn operator_key(provider: &AccountId) -> AccountId {
	pallet_providers::ProviderRecords::<Runtime>::get(provider)
		.expect("a provider")
		.operator
}

/// A SHA-256 job of `replicas` replicas at `price` each, on any CPU provider.
fn spec(replicas: u8, price: Balance) -> pallet_jobs::JobSpecOf<Runtime> {
	JobSpec {
		kernel: Kernel::BuiltIn(BuiltinKernel::Sha256Batch(pallet_jobs::Sha256BatchParams {
			block_len: 64,
		})),
		input: vec![7u8; 64].try_into().expect("short input"),
		input_content: None,
		work_size: [1, 1, 1],
		output_len: OUTPUT_LEN,
		replicas,
		requirements: Requirements {
			kind: DeviceKind::Cpu,
			min_memory_mib: 0,
			min_reputation: 0,
			same_device_class: false,
		},
		price_per_replica: price,
		deadline: 5,
		compute_budget_ms: 100,
	}
}

/// The output a replica answering `tag` reveals.
fn output(tag: u8) -> Vec<u8> {
	vec![tag; OUTPUT_LEN as usize]
}

const SALT: [u8; 32] = [3; 32];

/// What the providers of unfinished jobs do this block: replica `i` of a job (in
/// assignment order, escalations included) commits the output `answers[i]` says while its
/// commit window is open, or stays silent (`None`), and reveals what it committed once the
/// job is revealing. Refusals are the protocol's (a window closed): ignored.
fn providers_work(jobs: &[JobId], answers: &[Option<u8>]) {
	for &job in jobs {
		let Some(record) = pallet_jobs::JobRecords::<Runtime>::get(job) else { continue };
		for (i, replica) in record.assigned.iter().enumerate() {
			let Some(tag) = answers.get(i % answers.len().max(1)).copied().flatten() else {
				continue;
			};
			let hash = pallet_jobs::output_hash(&output(tag));
			let operator = RuntimeOrigin::signed(operator_key(&replica.provider));
			match (record.status, replica.state) {
				(JobStatus::Committing { .. }, ReplicaState::Assigned) => {
					let commitment = pallet_jobs::commitment(&hash, &replica.provider, job, &SALT);
					let _ = Jobs::commit(operator, job, commitment);
				},
				(JobStatus::Revealing { .. }, ReplicaState::Committed { .. }) => {
					let meta = ResultMeta {
						exec_ms: 1,
						output_len: OUTPUT_LEN,
						device_class: replica.device_class,
						error_code: None,
					};
					let inline = Some(output(tag).try_into().expect("short output"));
					let _ = Jobs::reveal(operator, job, hash, SALT, meta, inline);
				},
				_ => {},
			}
		}
	}
}

fn finished(job: JobId) -> bool {
	pallet_jobs::JobRecords::<Runtime>::get(job).is_none_or(|r| r.status.is_finished())
}

/// What `accounts` own: free and held balance, and what their pools owe them as providers
/// and as members.
fn wealth(accounts: &[AccountId]) -> Balance {
	accounts
		.iter()
		.map(|a| {
			// `pending_rewards` counts both: a member's income and a pool owner's.
			pallet_balances::Pallet::<Runtime>::total_balance(a)
				+ Delegation::pending_rewards(a.clone())
		})
		.sum()
}

/// Work credited to `providers` in the events so far.
fn work_credited(providers: &[AccountId]) -> Balance {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Rewards(pallet_rewards::Event::WorkCredited {
				provider, paid, ..
			}) if providers.contains(&provider) => Some(paid),
			_ => None,
		})
		.sum()
}

/// Every pallet's invariants.
fn invariants() -> Result<(), TestCaseError> {
	for (pallet, result) in [
		("providers", pallet_providers::Pallet::<Runtime>::do_try_state()),
		("jobs", pallet_jobs::Pallet::<Runtime>::do_try_state()),
		("delegation", pallet_delegation::Pallet::<Runtime>::do_try_state()),
		("rewards", pallet_rewards::Pallet::<Runtime>::do_try_state()),
		("dao", pallet_dao::Pallet::<Runtime>::do_try_state()),
	] {
		prop_assert!(result.is_ok(), "{pallet}: {result:?}");
	}
	Ok(())
}

proptest! {
	#![proptest_config(ProptestConfig {
		cases: 256,
		rng_seed: proptest::test_runner::RngSeed::Fixed(20261205),
		..ProptestConfig::default()
	})]

	/// See the module docs. `own`: which of the five providers the submitter controls (a
	/// bit each); `answers`: each replica's answer in assignment order (`None`: silent);
	/// `voted`: the share of its balance its standing vote holds.
	#[test]
	fn self_dealing_through_jobs_never_pays(
		own in 0u8..32,
		replicas in 3u8..=5,
		price in 1u128..=2_000,
		answers in proptest::collection::vec(proptest::option::weighted(0.85, 0u8..3), 7),
		voted in 0u32..=900,
	) {
		world().execute_with(|| -> Result<(), TestCaseError> {
			let submitter = who(Ferdie);
			let providers: Vec<AccountId> = PROVIDERS
				.iter()
				.enumerate()
				.filter(|(i, _)| own & (1 << i) != 0)
				.map(|(_, k)| who(*k))
				.collect();
			let mut accounts = providers.clone();
			accounts.push(submitter.clone());
			// A standing vote holds part of its balance (as the vote-escrow attack did).
			let poll = pallet_referenda::ReferendumCount::<Runtime>::get() - 1;
			let free = pallet_balances::Pallet::<Runtime>::balance(&submitter);
			let capital = Perbill::from_parts(voted * 1_000_000) * free;
			if capital > 0 {
				let vote = TokenVote::Standard { aye: true, lock: VoteLock::None, capital };
				assert_ok!(Dao::vote(signed_by(Ferdie), poll, vote));
			}
			let before = wealth(&accounts);
			System::reset_events();

			let job = pallet_jobs::Submissions::<Runtime>::get().next_id;
			let price = price * MILLI_UNIT;
			assert_ok!(Jobs::submit(signed_by(Ferdie), spec(replicas, price)));
			for _ in 0..200 {
				if finished(job) {
					break;
				}
				run_blocks(1);
				providers_work(&[job], &answers);
			}
			prop_assert!(finished(job), "job {job} still running");
			let record = pallet_jobs::JobRecords::<Runtime>::get(job).expect("not cleared yet");
			assert_ok!(Jobs::clear(signed_by(Ferdie), job));
			invariants()?;

			let after = wealth(&accounts);
			let credit = work_credited(&providers);
			prop_assert!(
				after <= before && (credit == 0 || after < before),
				"owning {own:#07b}: wealth {before} -> {after}, credited {credit}, {:?}, {} replicas, {:?}",
				record.status,
				record.assigned.len(),
				record.settlement
			);
			Ok(())
		})?;
	}
}

/// A step of mixed traffic. Accounts are indices: submitters, members and voters into
/// [`TRADERS`], providers into [`PROVIDERS`].
#[derive(Clone, Debug)]
enum Action {
	Submit { trader: usize, replicas: u8, price: u128 },
	Cancel { trader: usize },
	Clear,
	Delegate { trader: usize, provider: usize, amount: u128 },
	Unbond { trader: usize, amount: u128 },
	Withdraw { trader: usize },
	Claim { trader: usize },
	Vote { trader: usize, aye: bool, permille: u32, lock: u8 },
	RemoveVote { trader: usize },
	WorkVote { provider: usize, vote: u8 },
	Remeasure { provider: usize },
	Propose,
	Blocks { count: u32 },
}

/// Accounts that submit, delegate and vote (Ferdie also proposes).
const TRADERS: [Sr25519Keyring; 3] = [Ferdie, AliceStash, BobStash];

fn action() -> impl Strategy<Value = Action> {
	let trader = 0usize..TRADERS.len();
	prop_oneof![
		3 => (trader.clone(), 1u8..=4, 1u128..=2_000)
			.prop_map(|(trader, replicas, price)| Action::Submit { trader, replicas, price }),
		1 => trader.clone().prop_map(|trader| Action::Cancel { trader }),
		1 => Just(Action::Clear),
		2 => (trader.clone(), 0usize..PROVIDERS.len(), 1u128..=50)
			.prop_map(|(trader, provider, amount)| Action::Delegate { trader, provider, amount }),
		1 => (trader.clone(), 1u128..=30).prop_map(|(trader, amount)| Action::Unbond { trader, amount }),
		1 => trader.clone().prop_map(|trader| Action::Withdraw { trader }),
		1 => trader.clone().prop_map(|trader| Action::Claim { trader }),
		2 => (trader.clone(), any::<bool>(), 1u32..=1_000, 0u8..5).prop_map(
			|(trader, aye, permille, lock)| Action::Vote { trader, aye, permille, lock }
		),
		1 => trader.prop_map(|trader| Action::RemoveVote { trader }),
		1 => (0usize..PROVIDERS.len(), 0u8..3)
			.prop_map(|(provider, vote)| Action::WorkVote { provider, vote }),
		1 => (0usize..PROVIDERS.len()).prop_map(|provider| Action::Remeasure { provider }),
		1 => Just(Action::Propose),
		5 => (1u32..=12).prop_map(|count| Action::Blocks { count }),
	]
}

/// Minted by the eras that started in the events so far.
fn minted() -> Balance {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Rewards(pallet_rewards::Event::EraStarted { minted, .. }) => Some(minted),
			_ => None,
		})
		.sum()
}

fn issuance() -> Balance {
	pallet_balances::Pallet::<Runtime>::total_issuance()
}

/// Every account's free and held balance.
fn all_balances() -> Balance {
	frame_system::Account::<Runtime>::iter()
		.map(|(_, info)| info.data.free + info.data.reserved)
		.sum()
}

/// Dispatches `action`; refused calls are part of the traffic. Returns the jobs submitted.
fn apply(action: &Action, jobs: &mut Vec<(JobId, AccountId)>, answers: &[Option<u8>]) {
	let trader = |i: usize| TRADERS[i];
	match *action {
		Action::Submit { trader: t, replicas, price } => {
			let job = pallet_jobs::Submissions::<Runtime>::get().next_id;
			if Jobs::submit(signed_by(trader(t)), spec(replicas, price * MILLI_UNIT)).is_ok() {
				jobs.push((job, who(trader(t))));
			}
		},
		Action::Cancel { trader: t } => {
			if let Some((job, _)) = jobs.iter().find(|(j, s)| *s == who(trader(t)) && !finished(*j))
			{
				let _ = Jobs::cancel(signed_by(trader(t)), *job);
			}
		},
		Action::Clear => jobs.retain(|(job, submitter)| {
			!(finished(*job) && Jobs::clear(RuntimeOrigin::signed(submitter.clone()), *job).is_ok())
		}),
		Action::Delegate { trader: t, provider, amount } => {
			let provider = who(PROVIDERS[provider]);
			let _ = Delegation::delegate(signed_by(trader(t)), provider, amount * UNIT);
		},
		Action::Unbond { trader: t, amount } => {
			let _ = Delegation::unbond(signed_by(trader(t)), amount * UNIT);
		},
		Action::Withdraw { trader: t } => {
			let _ = Delegation::withdraw_unbonded(signed_by(trader(t)));
		},
		Action::Claim { trader: t } => {
			let _ = Delegation::claim(signed_by(trader(t)));
		},
		Action::Vote { trader: t, aye, permille, lock } => {
			let poll = pallet_referenda::ReferendumCount::<Runtime>::get().saturating_sub(1);
			let free = pallet_balances::Pallet::<Runtime>::balance(&who(trader(t)));
			let capital = Perbill::from_parts(permille * 1_000_000) * free;
			let lock = [
				VoteLock::None,
				VoteLock::OnePeriod,
				VoteLock::TwoPeriods,
				VoteLock::FourPeriods,
				VoteLock::EightPeriods,
			][usize::from(lock)];
			let _ =
				Dao::vote(signed_by(trader(t)), poll, TokenVote::Standard { aye, lock, capital });
		},
		Action::RemoveVote { trader: t } => {
			let votes = pallet_dao::TokenVotes::<Runtime>::get(who(trader(t)));
			if let Some((poll, ..)) = votes.votes.first() {
				let _ = Dao::remove_vote(signed_by(trader(t)), *poll);
			}
		},
		Action::WorkVote { provider, vote } => {
			let poll = pallet_referenda::ReferendumCount::<Runtime>::get().saturating_sub(1);
			let vote = [WorkVote::Aye, WorkVote::Nay, WorkVote::Abstain][usize::from(vote)];
			let _ = Dao::vote_as_provider(signed_by(PROVIDERS[provider]), poll, vote);
		},
		Action::Remeasure { provider } => {
			let provider = who(PROVIDERS[provider]);
			let votes = pallet_dao::WorkVotes::<Runtime>::get(&provider);
			if let Some((poll, _)) = votes.first() {
				let _ = Dao::remeasure_provider_vote(signed_by(Ferdie), provider.clone(), *poll);
			}
		},
		Action::Propose => {
			let _ = try_propose(pallet_dao::Origin::Parameters, keep_job_params());
		},
		Action::Blocks { count } => {
			let open: Vec<JobId> = jobs.iter().map(|(j, _)| *j).collect();
			for _ in 0..count {
				run_blocks(1);
				providers_work(&open, answers);
			}
		},
	}
}

proptest! {
	#![proptest_config(ProptestConfig {
		cases: 64,
		rng_seed: proptest::test_runner::RngSeed::Fixed(20261205),
		..ProptestConfig::default()
	})]

	/// See the module docs.
	#[test]
	fn money_is_conserved_under_mixed_traffic(
		actions in proptest::collection::vec(action(), 1..80),
		answers in proptest::collection::vec(proptest::option::weighted(0.85, 0u8..2), 7),
	) {
		world().execute_with(|| -> Result<(), TestCaseError> {
			let initial = issuance();
			let mut jobs = Vec::new();
			let mut minted_so_far = 0;
			System::reset_events();
			for action in &actions {
				apply(action, &mut jobs, &answers);
				minted_so_far += minted();
				System::reset_events();
				invariants()?;
				prop_assert_eq!(all_balances(), issuance(), "issuance outside the accounts after {:?}", action);
				prop_assert_eq!(
					issuance(),
					initial + minted_so_far,
					"issuance changed by more than the eras minted after {:?}", action
				);
			}
			Ok(())
		})?;
	}
}
