//! Adding and removing validators, the minimum, and who may do it.

use crate::{mock::*, Error, Event, MinimumValidators, Validators as Set};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

#[test]
fn governance_adds_an_account_with_keys() {
	execute(|| {
		assert_ok!(candidate(5));
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		assert_eq!(Set::<Test>::get().into_inner(), vec![1, 2, 3, 4, 5]);
		assert_eq!(events().last(), Some(&Event::ValidatorAdded { who: 5 }));
	});
}

#[test]
fn an_account_without_keys_cannot_be_added() {
	execute(|| {
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 5),
			Error::<Test>::NoSessionKeys
		);
	});
}

#[test]
fn only_the_admin_origin_changes_the_set() {
	execute(|| {
		assert_ok!(candidate(5));
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::signed(5), 5),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::signed(1), 1),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Validators::set_minimum_validators(RuntimeOrigin::signed(1), 1),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_member_is_not_added_twice() {
	execute(|| {
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 2),
			Error::<Test>::AlreadyValidator
		);
	});
}

#[test]
fn the_set_is_bounded() {
	execute(|| {
		// MaxValidators is 6: two more fit.
		for who in [5, 6] {
			assert_ok!(candidate(who));
			assert_ok!(Validators::add_validator(RuntimeOrigin::root(), who));
		}
		assert_ok!(candidate(7));
		assert_noop!(
			Validators::add_validator(RuntimeOrigin::root(), 7),
			Error::<Test>::TooManyValidators
		);
	});
}

#[test]
fn removal_stops_at_the_minimum() {
	execute(|| {
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 2));
		assert_eq!(Set::<Test>::get().into_inner(), vec![1, 3, 4]);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), 3),
			Error::<Test>::BelowMinimum
		);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), 2),
			Error::<Test>::NotValidator
		);
		assert_eq!(events(), vec![Event::ValidatorRemoved { who: 2 }]);
	});
}

#[test]
fn the_minimum_is_between_one_and_the_set_size() {
	execute(|| {
		assert_noop!(
			Validators::set_minimum_validators(RuntimeOrigin::root(), 0),
			Error::<Test>::InvalidMinimum
		);
		assert_noop!(
			Validators::set_minimum_validators(RuntimeOrigin::root(), 5),
			Error::<Test>::InvalidMinimum
		);
		assert_ok!(Validators::set_minimum_validators(RuntimeOrigin::root(), 4));
		assert_eq!(MinimumValidators::<Test>::get(), 4);
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), 1),
			Error::<Test>::BelowMinimum
		);
		assert_ok!(Validators::set_minimum_validators(RuntimeOrigin::root(), 1));
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 1));
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 2));
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 3));
		assert_noop!(
			Validators::remove_validator(RuntimeOrigin::root(), 4),
			Error::<Test>::BelowMinimum
		);
	});
}
