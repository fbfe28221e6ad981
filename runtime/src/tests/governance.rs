//! Governance with the runtime's own pallets and tracks, on the local testnet's genesis
//! (three providers, no root key): referenda decided by the two houses, their calls
//! enacted with the tracks' origins, treasury spends, and the locks votes put on stake.

use super::*;
use crate::{
	configs::TreasuryAccount, Balances, Dao, Delegation, OriginCaller, Providers, RuntimeOrigin,
	Treasury,
};
use frame_support::{assert_noop, assert_ok};
use pallet_dao::{Origin as DaoOrigin, TokenVote, VoteLock, WorkVote};
use pallet_referenda::ReferendumInfo;
use sp_runtime::{traits::Dispatchable, Perbill};

/// Token holders Alice to Eve vote with their whole endowment, without lock.
fn token_house(poll: u32, aye: bool) {
	use Sr25519Keyring::*;
	for k in [Alice, Bob, Charlie, Dave, Eve] {
		let vote = TokenVote::Standard {
			aye,
			lock: VoteLock::None,
			capital: genesis_config_presets::ENDOWMENT / 2,
		};
		assert_ok!(Dao::vote(signed_by(k), poll, vote));
	}
}

/// The three providers (Alice, Bob, Charlie) vote in the work house.
fn work_house(poll: u32, vote: WorkVote) {
	use Sr25519Keyring::*;
	for k in [Alice, Bob, Charlie] {
		assert_ok!(Dao::vote_as_provider(signed_by(k), poll, vote));
	}
}

fn decided(poll: u32) -> Option<bool> {
	match pallet_referenda::ReferendumInfoFor::<Runtime>::get(poll).expect("exists") {
		ReferendumInfo::Ongoing(_) => None,
		ReferendumInfo::Approved(..) => Some(true),
		_ => Some(false),
	}
}

/// Runs blocks until `poll` is decided and its call enacted (or past the decision period).
fn run_until_decided(poll: u32) -> bool {
	for _ in 0..(3 * crate::MINUTES) {
		run_blocks(1);
		if decided(poll).is_some() {
			break;
		}
	}
	run_blocks(3);
	decided(poll).expect("decided within the short pace")
}

fn set_job_fee(percent: u32) -> RuntimeCall {
	RuntimeCall::Jobs(pallet_jobs::Call::set_params {
		params: pallet_jobs::JobParams {
			fee: Perbill::from_percent(percent),
			..pallet_jobs::Params::<Runtime>::get()
		},
	})
}

#[test]
fn a_parameter_change_needs_both_houses_and_then_takes_effect() {
	ext_for("local_testnet").execute_with(|| {
		run_blocks(1);
		// The token house alone: rejected when the decision period ends.
		let alone = propose(DaoOrigin::Parameters, set_job_fee(7));
		token_house(alone, true);
		assert!(!run_until_decided(alone));
		assert_eq!(pallet_jobs::Params::<Runtime>::get().fee, Perbill::from_percent(5));
		// Both houses: approved, enacted with the parameters origin.
		let both = propose(DaoOrigin::Parameters, set_job_fee(7));
		token_house(both, true);
		work_house(both, WorkVote::Aye);
		assert!(run_until_decided(both));
		assert_eq!(pallet_jobs::Params::<Runtime>::get().fee, Perbill::from_percent(7));
		// Nobody can set parameters directly, root included.
		assert!(set_job_fee(9).dispatch(RuntimeOrigin::root()).is_err());
		assert!(set_job_fee(9).dispatch(signed_by(Sr25519Keyring::Alice)).is_err());
	});
}

/// The work house alone, the providers (whose weight is cheap while none has recent work),
/// cannot cancel or kill a referendum over the token house's nays: the canceller track
/// needs both houses, as every track does that can pass without the token house.
#[test]
fn the_work_house_alone_cannot_kill_a_referendum() {
	ext_for("local_testnet").execute_with(|| {
		run_blocks(1);
		let target = propose(DaoOrigin::Parameters, set_job_fee(7));
		let kill = propose(
			DaoOrigin::Canceller,
			RuntimeCall::Referenda(pallet_referenda::Call::kill { index: target }),
		);
		work_house(kill, WorkVote::Aye);
		token_house(kill, false);
		assert!(!run_until_decided(kill));
		assert!(!matches!(
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(target),
			Some(ReferendumInfo::Killed(_))
		));
	});
}

/// A finality stall has a recovery short of an upgrade: GRANDPA's `note_stalled` (Root
/// only) is reached by a referendum on the emergency track, with both houses, and by no
/// other track.
#[test]
fn a_finality_stall_is_recovered_through_the_emergency_track() {
	ext_for("local_testnet").execute_with(|| {
		run_blocks(1);
		let stalled = RuntimeCall::Grandpa(pallet_grandpa::Call::note_stalled {
			delay: 10,
			best_finalized_block_number: 1,
		});
		use DaoOrigin::*;
		for origin in
			[Parameters, SmallSpender, BigSpender, ValidatorAdmin, RuntimeUpgrade, Canceller]
		{
			assert!(stalled.clone().dispatch(OriginCaller::Dao(origin).into()).is_err());
		}
		let recover = RuntimeCall::Dao(pallet_dao::Call::emergency { call: Box::new(stalled) });
		// The token house alone does not pass it.
		let alone = propose(Emergency, recover.clone());
		token_house(alone, true);
		assert!(!run_until_decided(alone));
		assert_eq!(pallet_grandpa::Stalled::<Runtime>::get(), None);
		let both = propose(Emergency, recover);
		token_house(both, true);
		work_house(both, WorkVote::Aye);
		assert!(run_until_decided(both));
		// GRANDPA schedules the forced change at the next session.
		assert_eq!(pallet_grandpa::Stalled::<Runtime>::get(), Some((10, 1)));
	});
}

/// Ten junk referenda used to fill the canceller track for its whole decision period, so
/// that nothing could be cancelled or killed meanwhile. The track now decides a hundred at
/// once, and a kill with both houses behind it passes in its first blocks.
#[test]
fn junk_referenda_do_not_hold_the_canceller_track() {
	ext_for("local_testnet").execute_with(|| {
		run_blocks(1);
		let junk: Vec<u32> = (0..10)
			.map(|i| {
				let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![i] });
				propose(DaoOrigin::Canceller, remark)
			})
			.collect();
		run_blocks(2);
		let kill = propose(
			DaoOrigin::Canceller,
			RuntimeCall::Referenda(pallet_referenda::Call::kill { index: junk[0] }),
		);
		token_house(kill, true);
		work_house(kill, WorkVote::Aye);
		// Well inside the junk's decision period (two minutes on the short pace).
		for _ in 0..20 {
			run_blocks(1);
			if decided(kill).is_some() {
				break;
			}
		}
		assert_eq!(decided(kill), Some(true), "the kill waited behind the junk");
		run_blocks(3);
		assert!(matches!(
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(junk[0]),
			Some(ReferendumInfo::Killed(_))
		));
	});
}

/// The emergency track also removes referenda: junk on the canceller track can be killed
/// from there.
#[test]
fn the_emergency_track_can_kill_a_referendum() {
	ext_for("local_testnet").execute_with(|| {
		run_blocks(1);
		let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
		let junk = propose(DaoOrigin::Canceller, remark);
		let kill = propose(
			DaoOrigin::Emergency,
			RuntimeCall::Referenda(pallet_referenda::Call::kill { index: junk }),
		);
		token_house(kill, true);
		work_house(kill, WorkVote::Aye);
		assert!(run_until_decided(kill));
		assert!(matches!(
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(junk),
			Some(ReferendumInfo::Killed(_))
		));
	});
}

/// A work vote weighed what its provider had when it was cast: its counted stake (DCC)
/// while no provider had recent work, its recent work (mDCC) after. Cast in the first
/// regime and counted in the second, one provider of three outvoted the whole work house
/// of the second. A vote now weighs its share of the electorate it was measured against.
#[test]
fn a_work_vote_keeps_its_share_when_the_electorate_changes_regime() {
	ext_for("local_testnet").execute_with(|| {
		use depin_interfaces::{VerifiedWork, WorkCredit};
		use Sr25519Keyring::*;
		// Into era 1, whose work budget pays verified work (the genesis era mints nothing).
		run_blocks(crate::MINUTES + 1);
		let poll = propose(DaoOrigin::Parameters, set_job_fee(7));
		token_house(poll, true);
		assert_eq!(crate::Rewards::network_recent_work(), 0, "the regime without recent work");
		// Alice, a third of the counted stake, votes for.
		assert_ok!(Dao::vote_as_provider(signed_by(Alice), poll, WorkVote::Aye));
		// Bob is credited with verified work, the only provider with any: the work house is
		// his now, and he votes against.
		let work =
			VerifiedWork { replicas: 3, price_per_replica: UNIT, fee: 3 * UNIT / 20, audit: false };
		<crate::Rewards as WorkCredit<_, _>>::credit_work(&who(Bob), work);
		assert!(crate::Rewards::network_recent_work() > 0);
		assert_ok!(Dao::vote_as_provider(signed_by(Bob), poll, WorkVote::Nay));
		assert!(!run_until_decided(poll), "a third of the old electorate outvoted all of the new");
	});
}

/// While no provider has recent verified work (a new chain), the work house weighed every
/// registered provider one: four providers registered at the minimum bond outvoted the
/// three with ten times the bond. In that regime a provider now weighs its counted stake,
/// as the electorate is the counted stake of all: weight costs the bond behind it.
#[test]
fn providers_registered_at_the_minimum_bond_do_not_outvote_the_work_house() {
	ext_for("local_testnet").execute_with(|| {
		use frame_support::traits::fungible::Mutate;
		run_blocks(1);
		assert_eq!(crate::Rewards::network_recent_work(), 0, "the regime without recent work");
		let capabilities =
			pallet_providers::ProviderRecords::<Runtime>::get(who(Sr25519Keyring::Alice))
				.expect("Alice provides")
				.capabilities;
		let min_bond = pallet_providers::Params::<Runtime>::get().min_bond;
		let sybils: Vec<AccountId> = (0..4u8)
			.map(|i| {
				let sybil = AccountId::from([100 + i; 32]);
				let operator = AccountId::from([110 + i; 32]);
				Balances::set_balance(&sybil, 10 * min_bond);
				Balances::set_balance(&operator, UNIT);
				assert_ok!(Providers::register(
					RuntimeOrigin::signed(sybil.clone()),
					capabilities.clone(),
					operator,
					min_bond,
				));
				sybil
			})
			.collect();
		let poll = propose(DaoOrigin::Parameters, set_job_fee(7));
		token_house(poll, true);
		for sybil in &sybils {
			assert_ok!(Dao::vote_as_provider(
				RuntimeOrigin::signed(sybil.clone()),
				poll,
				WorkVote::Aye
			));
		}
		use Sr25519Keyring::*;
		for k in [Alice, Bob, Charlie] {
			assert_ok!(Dao::vote_as_provider(signed_by(k), poll, WorkVote::Nay));
		}
		assert!(!run_until_decided(poll), "the minimum-bond providers carried the work house");
		assert_eq!(pallet_jobs::Params::<Runtime>::get().fee, Perbill::from_percent(5));
	});
}

#[test]
fn a_small_spend_needs_both_houses_like_every_track() {
	ext_for("local_testnet").execute_with(|| {
		use frame_support::traits::fungible::Mutate;
		run_blocks(1);
		let treasury = TreasuryAccount::get();
		assert_ok!(Balances::mint_into(&treasury, 10_000 * UNIT));
		let dest = Sr25519Keyring::numeric_id(42);
		let spend = |amount| {
			RuntimeCall::Treasury(pallet_treasury::Call::spend {
				asset_kind: Box::new(()),
				amount,
				beneficiary: Box::new(dest.clone()),
				valid_from: None,
			})
		};
		// The token house alone, with every holder for and no provider against: rejected.
		let alone = propose(DaoOrigin::SmallSpender, spend(400 * UNIT));
		token_house(alone, true);
		let both = propose(DaoOrigin::SmallSpender, spend(500 * UNIT));
		token_house(both, true);
		work_house(both, WorkVote::Aye);
		let against = propose(DaoOrigin::SmallSpender, spend(600 * UNIT));
		token_house(against, true);
		work_house(against, WorkVote::Nay);
		// Over the small-spend cap: approved, but the treasury refuses it when enacted.
		let too_big = propose(DaoOrigin::SmallSpender, spend(1_001 * UNIT));
		token_house(too_big, true);
		work_house(too_big, WorkVote::Aye);
		assert!(!run_until_decided(alone), "the token house passed a spend alone");
		assert!(run_until_decided(both));
		assert!(!run_until_decided(against));
		assert!(run_until_decided(too_big));
		assert_eq!(pallet_treasury::SpendCount::<Runtime>::get(), 1);
		assert_ok!(Treasury::payout(signed_by(Sr25519Keyring::Eve), 0));
		assert_eq!(Balances::balance(&dest), 500 * UNIT);
	});
}

#[test]
fn votes_keep_the_stake_they_stand_on() {
	ext_for("local_testnet").execute_with(|| {
		use Sr25519Keyring::*;
		run_blocks(1);
		let poll = propose(DaoOrigin::Parameters, set_job_fee(6));
		// Eve delegates 5,000 DCC to Bob and votes with her balance (all of it that can go
		// on hold: the existential deposit stays free) and that stake.
		let staked = 5_000 * UNIT;
		assert_ok!(Delegation::delegate(signed_by(Eve), who(Bob), staked));
		let capital = genesis_config_presets::ENDOWMENT - crate::EXISTENTIAL_DEPOSIT;
		let vote = TokenVote::Standard { aye: true, lock: VoteLock::None, capital };
		assert_ok!(Dao::vote(signed_by(Eve), poll, vote));
		assert_ok!(Dao::vote_as_provider(signed_by(Charlie), poll, WorkVote::Aye));
		// Her whole stake is locked: she unbonds, the eras pass (and the poll ends), she
		// cannot withdraw while her vote stands.
		assert_ok!(Delegation::unbond(signed_by(Eve), staked));
		run_blocks(4 * crate::MINUTES);
		assert_noop!(
			Delegation::withdraw_unbonded(signed_by(Eve)),
			pallet_delegation::Error::<Runtime>::LockedByVote
		);
		// Charlie's work-house vote stands too: his bond cannot be unbonded to nothing.
		let bond = pallet_providers::ProviderRecords::<Runtime>::get(who(Charlie)).unwrap().bond;
		assert_noop!(
			Providers::unbond(signed_by(Charlie), bond),
			pallet_providers::Error::<Runtime>::LockedByVote
		);
		// Once their votes are removed, both go.
		assert_ok!(Dao::remove_vote(signed_by(Eve), poll));
		assert_ok!(Delegation::withdraw_unbonded(signed_by(Eve)));
		assert_ok!(Dao::remove_provider_vote(signed_by(Charlie), poll));
		assert_ok!(Providers::unbond(signed_by(Charlie), bond));
		Dao::do_try_state().expect("DAO invariants hold");
	});
}

/// A delegator's unbonding stake stays slashable until `unbonding_eras` eras after the one
/// it unbonded in begin (at least `unbonding_eras - 1` whole eras); a job settles
/// (and slashes) up to the jobs pallet's longest job after its assignment. Governance
/// could make the first shorter than the second (fewer eras, shorter eras, or longer
/// jobs), and a provider's own delegated stake would leave before the slash of a job it
/// cheated on. Each of the three pallets now refuses a change that breaks the rule.
/// (Development presets start with minute-long eras, so that an unbonding passes while one
/// watches: governance may keep such a chain's unbonding, not shorten it, nor lengthen its
/// jobs.)
#[test]
fn delegated_stake_stays_slashable_for_the_longest_job() {
	ext_for("local_testnet").execute_with(|| {
		let parameters = || -> RuntimeOrigin { OriginCaller::Dao(DaoOrigin::Parameters).into() };
		// The production parameters: day-long eras, a week of delegation unbonding.
		let mut rewards = pallet_rewards::Params::<Runtime>::get();
		rewards.era_length = crate::DAYS;
		pallet_rewards::Params::<Runtime>::put(rewards.clone());
		let mut delegation = pallet_delegation::Params::<Runtime>::get();
		delegation.unbonding_eras = 7;
		pallet_delegation::Params::<Runtime>::put(delegation.clone());
		let longest = <crate::configs::LongestJob as frame_support::traits::Get<u32>>::get();
		assert!(longest < crate::DAYS, "the longest job ({longest} blocks) fits in a day");
		// The runtime's defaults keep the rule.
		use crate::configs::{DelegationDefaults, JobDefaults, RewardDefaults};
		assert!(
			(DelegationDefaults::get().unbonding_eras - 1) * RewardDefaults::get().era_length
				>= pallet_jobs::Pallet::<Runtime>::longest_job(&JobDefaults::get())
		);

		// Unbonding stays slashable for at least `unbonding_eras - 1` whole eras: two
		// day-long eras of unbonding still cover it, one would not.
		delegation.unbonding_eras = 1;
		assert!(Delegation::set_params(parameters(), delegation.clone()).is_err());
		delegation.unbonding_eras = 2;
		assert_ok!(Delegation::set_params(parameters(), delegation.clone()));
		// Hour-long eras would not.
		rewards.era_length = crate::HOURS;
		assert!(crate::Rewards::set_params(parameters(), rewards.clone()).is_err());
		// Nor jobs that outlast a day.
		let jobs = pallet_jobs::Params::<Runtime>::get();
		let too_long = pallet_jobs::JobParams { max_deadline: 2 * jobs.max_deadline, ..jobs };
		assert!(pallet_jobs::Pallet::<Runtime>::longest_job(&too_long) > crate::DAYS);
		assert!(crate::Jobs::set_params(parameters(), too_long).is_err());
		// On a chain whose eras are already too short (set outside governance, as at a
		// development chain's genesis), unbonding may grow but not shrink.
		pallet_rewards::Params::<Runtime>::put(rewards);
		delegation.unbonding_eras = 7;
		assert_ok!(Delegation::set_params(parameters(), delegation.clone()));
		delegation.unbonding_eras = 6;
		assert!(Delegation::set_params(parameters(), delegation).is_err());
	});
}
