//! The token house: capital, lock multipliers, split and abstaining votes, replacing and
//! removing votes.

use crate::{mock::*, Error, Event, HouseTally, TokenVote, VoteLock};
use frame_support::{assert_noop, assert_ok};

fn aye(capital: Balance, lock: VoteLock) -> TokenVote<Balance> {
	TokenVote::Standard { aye: true, lock, capital }
}

fn nay(capital: Balance, lock: VoteLock) -> TokenVote<Balance> {
	TokenVote::Standard { aye: false, lock, capital }
}

#[test]
fn longer_locks_weigh_more_up_to_three_times() {
	execute(|| {
		let poll = propose(crate::Origin::Parameters);
		let locks = [
			(VoteLock::None, 20),
			(VoteLock::OnePeriod, 30),
			(VoteLock::TwoPeriods, 40),
			(VoteLock::FourPeriods, 50),
			(VoteLock::EightPeriods, 60),
		];
		for (who, (lock, weight)) in (1..).zip(locks) {
			assert_ok!(Dao::vote(RuntimeOrigin::signed(who), poll, aye(20, lock)));
			let expected: Balance = locks.iter().take(who as usize).map(|(_, w)| w).sum();
			assert_eq!(tally(poll).token.ayes, expected, "after a vote weighing {weight}");
		}
		// Support counts capital, without multipliers.
		assert_eq!(tally(poll).token.support, 100);
		assert_eq!(tally(poll).token.nays, 0);
	});
}

#[test]
fn split_and_abstaining_votes_count_their_parts_once() {
	execute(|| {
		let poll = propose(crate::Origin::Parameters);
		assert_ok!(Dao::vote(
			RuntimeOrigin::signed(1),
			poll,
			TokenVote::Split { aye: 30, nay: 10 }
		));
		assert_ok!(Dao::vote(
			RuntimeOrigin::signed(2),
			poll,
			TokenVote::SplitAbstain { aye: 5, nay: 15, abstain: 50 }
		));
		assert_eq!(tally(poll).token, HouseTally { ayes: 35, nays: 25, support: 85 });
		assert_eq!(held(1), 40);
		assert_eq!(held(2), 70);
	});
}

#[test]
fn a_new_vote_replaces_the_old_one_on_the_same_poll() {
	execute(|| {
		let poll = propose(crate::Origin::Parameters);
		assert_ok!(Dao::vote(RuntimeOrigin::signed(1), poll, aye(50, VoteLock::EightPeriods)));
		assert_ok!(Dao::vote(RuntimeOrigin::signed(1), poll, nay(10, VoteLock::None)));
		assert_eq!(tally(poll).token, HouseTally { ayes: 0, nays: 10, support: 0 });
		assert_eq!(held(1), 10);
	});
}

#[test]
fn capital_is_balance_then_delegated_stake_and_no_more() {
	execute(|| {
		let poll = propose(crate::Origin::Parameters);
		Staked::mutate(|s| s.insert(1, 40));
		assert_noop!(
			Dao::vote(RuntimeOrigin::signed(1), poll, aye(140, VoteLock::None)),
			Error::<Test>::InsufficientCapital
		);
		assert_ok!(Dao::vote(RuntimeOrigin::signed(1), poll, aye(139, VoteLock::None)));
		// All the balance it can hold (the existential deposit stays free), then stake.
		assert_eq!(held(1), 99);
		assert_eq!(<Dao as depin_interfaces::VoteLocks<_, _>>::locked_stake(&1), 40);
		assert!(events().contains(&Event::LockChanged { who: 1, held: 99, staked: 40 }));
		assert_noop!(
			Dao::vote(RuntimeOrigin::signed(2), poll, aye(0, VoteLock::None)),
			Error::<Test>::ZeroCapital
		);
	});
}

#[test]
fn votes_only_on_ongoing_polls_and_within_the_bound() {
	execute(|| {
		assert_noop!(
			Dao::vote(RuntimeOrigin::signed(1), 7, aye(1, VoteLock::None)),
			Error::<Test>::NotOngoing
		);
		let polls: Vec<u32> = (0..4).map(|_| propose(crate::Origin::Parameters)).collect();
		for poll in &polls[..3] {
			assert_ok!(Dao::vote(RuntimeOrigin::signed(1), *poll, aye(10, VoteLock::None)));
		}
		assert_noop!(
			Dao::vote(RuntimeOrigin::signed(1), polls[3], aye(10, VoteLock::None)),
			Error::<Test>::TooManyVotes
		);
		// The same capital votes on every poll: held once.
		assert_eq!(held(1), 10);
	});
}

#[test]
fn held_capital_cannot_leave_the_account() {
	execute(|| {
		let poll = propose(crate::Origin::Parameters);
		assert_ok!(Dao::vote(RuntimeOrigin::signed(1), poll, aye(60, VoteLock::None)));
		// 40 stay free, and the account must keep its existential deposit (1).
		assert!(Balances::transfer_allow_death(RuntimeOrigin::signed(1), 2, 40).is_err());
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(1), 2, 39));
	});
}

/// Funds on hold already back another claim (here the proposer's deposits; a job's escrow
/// or a provider's bond alike): a vote counts only the balance it can take for itself, so
/// that no unit of balance backs a vote and another claim at once.
#[test]
fn funds_on_hold_are_not_vote_capital() {
	execute(|| {
		let poll = propose(crate::Origin::Parameters);
		// Account 10 proposed: 12 of its 100 hold the referendum's deposits; the existential
		// deposit (1) stays free.
		assert_eq!(Balances::reserved_balance(10), 12);
		assert_noop!(
			Dao::vote(RuntimeOrigin::signed(10), poll, aye(88, VoteLock::None)),
			Error::<Test>::InsufficientCapital
		);
		assert_ok!(Dao::vote(RuntimeOrigin::signed(10), poll, aye(87, VoteLock::None)));
	});
}

/// The attack on job escrow: a voter whose whole balance is vote capital puts it on hold
/// for a job (or a bond), and the chain's payment out of that hold then fails on the vote's
/// freeze. A vote's capital is taken by the vote: nothing else can hold it while it stands.
#[test]
fn vote_capital_cannot_back_a_job_or_a_bond() {
	execute(|| {
		let poll = propose(crate::Origin::Parameters);
		assert_ok!(Dao::vote(RuntimeOrigin::signed(1), poll, aye(99, VoteLock::None)));
		let escrow = RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
		assert!(<Balances as frame_support::traits::fungible::MutateHold<_>>::hold(
			&escrow, &1, 10
		)
		.is_err());
	});
}
