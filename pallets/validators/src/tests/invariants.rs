//! Each invariant `try_state` checks fails on state that breaks it.

use crate::{mock::*, MinimumValidators, SessionLength, Validators as Set};
use frame_support::{assert_ok, BoundedVec};

fn broken(change: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		check_invariants();
		change();
		assert!(Validators::do_try_state().is_err());
	});
}

#[test]
fn an_unsorted_set_is_caught() {
	broken(|| Set::<Test>::put(BoundedVec::truncate_from(vec![2, 1, 3, 4])));
}

#[test]
fn a_duplicate_member_is_caught() {
	broken(|| Set::<Test>::put(BoundedVec::truncate_from(vec![1, 2, 2, 3, 4])));
}

#[test]
fn a_set_below_its_minimum_is_caught() {
	broken(|| Set::<Test>::put(BoundedVec::truncate_from(vec![1, 2])));
}

#[test]
fn a_zero_minimum_is_caught() {
	broken(|| MinimumValidators::<Test>::put(0));
}

#[test]
fn a_member_without_keys_is_caught() {
	broken(|| {
		// Through the session pallet's own call, which the runtime filters for members.
		assert_ok!(Session::purge_keys(RuntimeOrigin::signed(4)));
	});
}

#[test]
fn a_zero_session_length_is_caught() {
	broken(|| SessionLength::<Test>::put(0));
}
