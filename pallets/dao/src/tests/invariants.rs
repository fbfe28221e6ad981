//! The invariants catch what they are meant to: a tally that differs from its votes, a
//! vote whose capital is not held, a referendum left ongoing past its timeouts.

use crate::{mock::*, TokenVote, VoteLock};
use frame_support::{
	assert_ok,
	traits::{fungible::MutateHold, tokens::Precision},
};

fn vote(who: AccountId, poll: u32) {
	let vote = TokenVote::Standard { aye: true, lock: VoteLock::None, capital: 50 };
	assert_ok!(Dao::vote(RuntimeOrigin::signed(who), poll, vote));
}

#[test]
fn a_tally_that_differs_from_its_votes_is_caught() {
	new_test_ext().execute_with(|| {
		let poll = propose(crate::Origin::Parameters);
		vote(1, poll);
		assert!(Dao::do_try_state().is_ok());
		pallet_referenda::ReferendumInfoFor::<Test>::mutate(poll, |info| {
			if let Some(pallet_referenda::ReferendumInfo::Ongoing(status)) = info {
				status.tally.token.ayes += 1;
			}
		});
		assert!(Dao::do_try_state().is_err());
	});
}

#[test]
fn capital_without_its_hold_is_caught() {
	new_test_ext().execute_with(|| {
		let poll = propose(crate::Origin::Parameters);
		vote(1, poll);
		assert_ok!(Balances::release(&crate::HoldReason::Vote.into(), &1, 50, Precision::Exact));
		assert!(Dao::do_try_state().is_err());
	});
}

#[test]
fn a_referendum_ongoing_past_its_decision_period_is_caught() {
	new_test_ext().execute_with(|| {
		let poll = propose(crate::Origin::Parameters);
		vote(1, poll);
		// Blocks pass without the scheduler running referenda's alarms.
		System::set_block_number(System::block_number() + DECISION + 3);
		assert!(Dao::do_try_state().is_err());
		// Its alarm ends it (rejected: no work-house votes), and the check passes again.
		run_to_block(System::block_number() + 1);
		assert_eq!(outcome(poll), Some(false));
		assert!(Dao::do_try_state().is_ok());
	});
}
