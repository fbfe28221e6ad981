//! Locks: what stays locked after a poll, and when it is released.

use crate::{mock::*, Error, TokenVote, VoteLock};
use frame_support::{assert_noop, assert_ok};

fn vote(who: AccountId, poll: u32, aye: bool, capital: Balance, lock: VoteLock) {
	assert_ok!(Dao::vote(
		RuntimeOrigin::signed(who),
		poll,
		TokenVote::Standard { aye, lock, capital }
	));
}

/// Runs until `poll` is decided and returns the block it ended in.
fn decide(poll: u32) -> u64 {
	while outcome(poll).is_none() {
		run_to_block(System::block_number() + 1);
	}
	System::block_number()
}

#[test]
fn removing_a_vote_while_the_poll_runs_unlocks_at_once() {
	execute(|| {
		let poll = propose(crate::Origin::Parameters);
		vote(1, poll, true, 50, VoteLock::EightPeriods);
		assert_eq!(held(1), 50);
		assert_ok!(Dao::remove_vote(RuntimeOrigin::signed(1), poll));
		assert_eq!(held(1), 0);
		assert_eq!(tally(poll).token.ayes, 0);
		assert!(!crate::TokenVotes::<Test>::contains_key(1));
	});
}

#[test]
fn the_winning_side_stays_locked_for_its_periods_and_then_unlocks_in_one_step() {
	execute(|| {
		Work::mutate(|w| w.insert(5, 10));
		let poll = propose(crate::Origin::Parameters);
		vote(1, poll, true, 99, VoteLock::TwoPeriods); // locked 2 × 10 blocks after the end
		vote(2, poll, false, 10, VoteLock::EightPeriods); // loses: no lock after
		vote(3, poll, true, 40, VoteLock::None); // no lock after
		assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(5), poll, crate::WorkVote::Aye));
		let end = decide(poll);
		assert_eq!(outcome(poll), Some(true));
		for who in [1, 2, 3] {
			assert_ok!(Dao::remove_vote(RuntimeOrigin::signed(who), poll));
		}
		assert_eq!((held(1), held(2), held(3)), (99, 0, 0));
		// Before the lock has run: still held, `unlock` changes nothing.
		run_to_block(end + 19);
		assert_ok!(Dao::unlock(RuntimeOrigin::signed(9), 1));
		assert_eq!(held(1), 99);
		run_to_block(end + 20);
		assert_ok!(Dao::unlock(RuntimeOrigin::signed(9), 1));
		assert_eq!(held(1), 0);
		assert!(!crate::TokenVotes::<Test>::contains_key(1));
	});
}

#[test]
fn removing_a_vote_after_its_lock_has_run_unlocks_without_a_second_step() {
	execute(|| {
		Work::mutate(|w| w.insert(5, 10));
		let poll = propose(crate::Origin::Parameters);
		vote(1, poll, true, 99, VoteLock::OnePeriod);
		assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(5), poll, crate::WorkVote::Aye));
		let end = decide(poll);
		run_to_block(end + 10);
		assert_eq!(held(1), 99);
		assert_ok!(Dao::remove_vote(RuntimeOrigin::signed(1), poll));
		assert_eq!(held(1), 0);
	});
}

#[test]
fn a_prior_lock_covers_the_largest_of_the_votes_it_came_from() {
	execute(|| {
		Work::mutate(|w| w.insert(5, 10));
		let a = propose(crate::Origin::Parameters);
		let b = propose(crate::Origin::Parameters);
		vote(1, a, true, 80, VoteLock::OnePeriod);
		vote(1, b, true, 30, VoteLock::EightPeriods);
		for poll in [a, b] {
			vote(4, poll, true, 99, VoteLock::None);
			assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(5), poll, crate::WorkVote::Aye));
		}
		let end = decide(a).max(decide(b));
		assert_ok!(Dao::remove_vote(RuntimeOrigin::signed(1), a));
		assert_ok!(Dao::remove_vote(RuntimeOrigin::signed(1), b));
		// 80 until a's lock ends, then the prior lock keeps the larger amount to b's end:
		// conservative, never less than either vote needs.
		assert_eq!(held(1), 80);
		run_to_block(end + 80);
		assert_ok!(Dao::unlock(RuntimeOrigin::signed(1), 1));
		assert_eq!(held(1), 0);
	});
}

#[test]
fn removing_a_vote_that_does_not_exist_fails() {
	execute(|| {
		let poll = propose(crate::Origin::Parameters);
		assert_noop!(Dao::remove_vote(RuntimeOrigin::signed(1), poll), Error::<Test>::NotVoted);
	});
}
