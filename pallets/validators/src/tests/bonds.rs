//! Validators' bonds: what joining takes, and when a bond comes back.

use crate::{mock::*, Error, Event, MinimumBond, Unbonding};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, TokenError};

#[test]
fn genesis_validators_hold_the_minimum_bond() {
	execute(|| {
		for who in 1..=4 {
			assert_eq!(Validators::bond_of(&who), BOND);
			assert_eq!(Balances::free_balance(who), START_BALANCE - BOND);
		}
		assert_eq!(Validators::bond_of(&5), 0);
	});
}

#[test]
fn an_account_without_the_bond_cannot_be_added() {
	execute(|| {
		assert_ok!(set_keys(5));
		assert_ok!(Validators::bond(RuntimeOrigin::signed(5), BOND - 1));
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 5),
			Error::<Test>::BondTooLow
		);
		assert_ok!(Validators::bond(RuntimeOrigin::signed(5), 1));
		assert_eq!(events().last(), Some(&Event::Bonded { who: 5, amount: 1, bond: BOND }));
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
	});
}

#[test]
fn a_bond_needs_the_funds_and_more_than_nothing() {
	execute(|| {
		assert_noop!(Validators::bond(RuntimeOrigin::signed(5), 0), Error::<Test>::ZeroBond);
		assert_noop!(
			Validators::bond(RuntimeOrigin::signed(5), START_BALANCE + 1),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
	});
}

#[test]
fn a_member_or_an_account_still_in_a_session_cannot_unbond() {
	execute(|| {
		assert_noop!(Validators::unbond(RuntimeOrigin::signed(1)), Error::<Test>::StillValidator);
		assert_noop!(Validators::unbond(RuntimeOrigin::signed(5)), Error::<Test>::NotBonded);
		// Removed in session 0: still validating in sessions 0 and 1 (queued at 1's start).
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 4));
		assert_noop!(Validators::unbond(RuntimeOrigin::signed(4)), Error::<Test>::StillValidator);
		run_to_session(1);
		assert_noop!(Validators::unbond(RuntimeOrigin::signed(4)), Error::<Test>::StillValidator);
		run_to_session(2);
		assert_eq!(authorities(), vec![1, 2, 3]);
		assert_ok!(Validators::unbond(RuntimeOrigin::signed(4)));
		assert_eq!(Unbonding::<Test>::get(4), Some(2 + UNBONDING_SESSIONS));
	});
}

#[test]
fn a_bond_comes_back_after_the_unbonding_sessions_and_not_before() {
	execute(|| {
		assert_ok!(Validators::bond(RuntimeOrigin::signed(5), 30));
		assert_ok!(Validators::unbond(RuntimeOrigin::signed(5)));
		assert_noop!(Validators::unbond(RuntimeOrigin::signed(5)), Error::<Test>::Unbonding);
		assert_ok!(set_keys(5));
		assert_noop!(Validators::add_validator(RuntimeOrigin::root(), 5), Error::<Test>::Unbonding);
		run_to_session(UNBONDING_SESSIONS - 1);
		assert_noop!(
			Validators::withdraw_bond(RuntimeOrigin::signed(5)),
			Error::<Test>::NotWithdrawable
		);
		run_to_session(UNBONDING_SESSIONS);
		let free = Balances::free_balance(5);
		assert_ok!(Validators::withdraw_bond(RuntimeOrigin::signed(5)));
		assert_eq!(Balances::free_balance(5), free + 30);
		assert_eq!(Validators::bond_of(&5), 0);
		assert_eq!(events().last(), Some(&Event::Withdrawn { who: 5, amount: 30 }));
		assert_noop!(
			Validators::withdraw_bond(RuntimeOrigin::signed(5)),
			Error::<Test>::NotWithdrawable
		);
	});
}

#[test]
fn bonding_again_stops_an_unbonding() {
	execute(|| {
		assert_ok!(Validators::bond(RuntimeOrigin::signed(5), 30));
		assert_ok!(Validators::unbond(RuntimeOrigin::signed(5)));
		assert_ok!(Validators::bond(RuntimeOrigin::signed(5), 10));
		assert_eq!(Unbonding::<Test>::get(5), None);
		assert_eq!(Validators::bond_of(&5), 40);
	});
}

#[test]
fn only_governance_sets_the_minimum_bond() {
	execute(|| {
		assert_noop!(
			Validators::set_minimum_bond(RuntimeOrigin::signed(1), 1),
			DispatchError::BadOrigin
		);
		assert_ok!(Validators::set_minimum_bond(RuntimeOrigin::root(), 60));
		assert_eq!(MinimumBond::<Test>::get(), 60);
		assert_eq!(events().last(), Some(&Event::MinimumBondSet { bond: 60 }));
		// Members bonded below it stay; a newcomer needs it.
		assert_ok!(candidate(5));
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 5),
			Error::<Test>::BondTooLow
		);
	});
}
