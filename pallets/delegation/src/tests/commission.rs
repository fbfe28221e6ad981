//! Commission: within the maximum, increases announced and rate-limited.

use crate::{mock::*, Error, Event, Pools};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::Perbill;

#[test]
fn an_increase_applies_only_after_every_delegator_could_leave() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 1_000));
		assert_ok!(Delegation::set_commission(RuntimeOrigin::signed(1), Perbill::from_percent(20)));
		assert!(events().contains(&Event::CommissionAnnounced {
			provider: 1,
			commission: Perbill::from_percent(20),
			applies_from: UNBONDING_ERAS + 1
		}));
		// A member who unbonds now is out (era UNBONDING_ERAS) before it applies.
		book(1, 1_000);
		assert_eq!(Delegation::pending_rewards(1), 500);
		Era::set(UNBONDING_ERAS);
		book(1, 1_000);
		assert_eq!(Delegation::pending_rewards(1), 1_000);
		Era::set(UNBONDING_ERAS + 1);
		book(1, 1_000); // 200 commission, 400 own, 400 member
		assert_eq!(Delegation::pending_rewards(1), 1_600);
		assert_eq!(Delegation::pool_state(1).unwrap().commission, Perbill::from_percent(20));
	});
}

#[test]
fn increases_are_rate_limited_and_a_decrease_does_not_reset_the_limit() {
	execute(|| {
		let origin = RuntimeOrigin::signed(1);
		assert_ok!(Delegation::set_commission(origin.clone(), Perbill::from_percent(20)));
		// From zero, any rate is an increase.
		Era::set(1);
		assert_noop!(
			Delegation::set_commission(origin.clone(), Perbill::from_percent(21)),
			Error::<Test>::CommissionIncreaseTooSoon
		);
		// In force from era 4; lowered at once there, then raised again: too soon (the
		// interval of 5 eras counts from the increase in era 0).
		Era::set(UNBONDING_ERAS + 1);
		assert_ok!(Delegation::set_commission(origin.clone(), Perbill::from_percent(5)));
		assert!(events().contains(&Event::CommissionLowered {
			provider: 1,
			commission: Perbill::from_percent(5)
		}));
		assert_eq!(Pools::<Test>::get(1).unwrap().commission.pending, None);
		assert_noop!(
			Delegation::set_commission(origin.clone(), Perbill::from_percent(6)),
			Error::<Test>::CommissionIncreaseTooSoon
		);
		Era::set(5);
		assert_ok!(Delegation::set_commission(origin.clone(), Perbill::from_percent(6)));
	});
}

#[test]
fn commission_is_bounded_and_only_for_providers() {
	execute(|| {
		assert_noop!(
			Delegation::set_commission(RuntimeOrigin::signed(1), Perbill::from_percent(51)),
			Error::<Test>::CommissionTooHigh
		);
		assert_noop!(
			Delegation::set_commission(RuntimeOrigin::signed(10), Perbill::from_percent(1)),
			Error::<Test>::NotProvider
		);
		// Governance lowering the maximum caps commissions in force.
		assert_ok!(Delegation::set_commission(RuntimeOrigin::signed(1), Perbill::from_percent(50)));
		Era::set(UNBONDING_ERAS + 1);
		let params = crate::DelegationParams {
			max_commission: Perbill::from_percent(10),
			..DelegationDefaults::get()
		};
		assert_ok!(Delegation::set_params(RuntimeOrigin::root(), params));
		assert_eq!(Delegation::pool_state(1).unwrap().commission, Perbill::from_percent(10));
	});
}
