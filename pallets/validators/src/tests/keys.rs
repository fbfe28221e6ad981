//! Every member keeps its keys; a former member gets its key deposit back.

use crate::{mock::*, Error};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Session(pallet_session::HoldReason::Keys), &who)
}

#[test]
fn setting_keys_holds_a_deposit() {
	execute(|| {
		assert_ok!(set_keys(5));
		assert_eq!(held(5), KEY_DEPOSIT);
		assert!(Validators::has_keys(&5));
	});
}

#[test]
fn a_member_cannot_purge_its_keys() {
	execute(|| {
		assert_ok!(candidate(5));
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		assert_noop!(
			Validators::purge_keys(RuntimeOrigin::signed(5)),
			Error::<Test>::StillValidator
		);
		assert!(Validators::has_keys(&5));
	});
}

#[test]
fn a_former_member_purges_its_keys_and_gets_the_deposit_back() {
	execute(|| {
		assert_ok!(candidate(5));
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 5));
		assert_ok!(Validators::purge_keys(RuntimeOrigin::signed(5)));
		assert!(!Validators::has_keys(&5));
		assert_eq!(held(5), 0);
		assert_eq!(
			Balances::free_balance(5),
			START_BALANCE - BOND,
			"the bond stays until unbonded"
		);
		// Nothing left to purge.
		assert_noop!(
			Validators::purge_keys(RuntimeOrigin::signed(5)),
			pallet_session::Error::<Test>::NoKeys
		);
	});
}
