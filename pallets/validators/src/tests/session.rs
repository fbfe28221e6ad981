//! Changes reach consensus at session boundaries, and only changes do.

use crate::{mock::*, Event, SetChanged};
use frame_support::assert_ok;

#[test]
fn genesis_validators_are_the_first_authorities() {
	execute(|| {
		assert_eq!(authorities(), vec![1, 2, 3, 4]);
		assert_eq!(pallet_session::Validators::<Test>::get(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn an_addition_validates_from_the_session_after_next() {
	execute(|| {
		// Session 0: Eve's account (5) registers keys and governance adds it.
		assert_ok!(candidate(5));
		assert_ok!(Validators::add_validator(RuntimeOrigin::root(), 5));
		// Session 1 starts: the change is planned, not yet in force.
		run_to_session(1);
		assert_eq!(authorities(), vec![1, 2, 3, 4]);
		assert!(events().contains(&Event::SetPlanned { session: 2, validators: 5 }));
		assert!(!SetChanged::<Test>::get());
		// Session 2: the new member authors with the keys it registered.
		run_to_session(2);
		assert_eq!(authorities(), vec![1, 2, 3, 4, 5]);
		assert_eq!(pallet_session::Validators::<Test>::get(), vec![1, 2, 3, 4, 5]);
	});
}

#[test]
fn a_removal_takes_effect_two_boundaries_later() {
	execute(|| {
		run_to_session(1);
		assert_ok!(Validators::remove_validator(RuntimeOrigin::root(), 4));
		run_to_session(2);
		assert_eq!(authorities(), vec![1, 2, 3, 4], "still validating in the next session");
		run_to_session(3);
		assert_eq!(authorities(), vec![1, 2, 3]);
	});
}

#[test]
fn sessions_without_changes_plan_nothing() {
	execute(|| {
		run_to_session(3);
		assert!(events().iter().all(|e| !matches!(e, Event::SetPlanned { .. })));
		assert_eq!(authorities(), vec![1, 2, 3, 4]);
		// A rotated key is still picked up: the session pallet queues each member's
		// current keys at every boundary.
		assert_ok!(register_keys(
			1,
			MockSessionKeys { dummy: sp_runtime::testing::UintAuthorityId(11) }
		));
		run_to_session(5);
		assert_eq!(Authorities::get(), vec![11, 20, 30, 40]);
	});
}
