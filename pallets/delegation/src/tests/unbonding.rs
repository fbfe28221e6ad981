//! Unbonding: buckets per era, slashable until they mature, merged when old.

use crate::{mock::*, Error, Event, Members, Pools};
use frame_support::{assert_noop, assert_ok};

#[test]
fn unbonded_stake_is_withdrawn_after_the_unbonding_eras() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 1_000));
		assert_ok!(Delegation::unbond(RuntimeOrigin::signed(10), 400));
		assert!(events().contains(&Event::Unbonded {
			member: 10,
			provider: 1,
			amount: 400,
			withdrawable_from: UNBONDING_ERAS
		}));
		assert_eq!(Delegation::staked_value(&10), 1_000);
		assert_eq!(Pools::<Test>::get(1).unwrap().active, 600);
		Era::set(UNBONDING_ERAS - 1);
		assert_noop!(
			Delegation::withdraw_unbonded(RuntimeOrigin::signed(10)),
			Error::<Test>::NothingToWithdraw
		);
		Era::set(UNBONDING_ERAS);
		assert_ok!(Delegation::withdraw_unbonded(RuntimeOrigin::signed(10)));
		assert_eq!(free(10), START_BALANCE - 600);
		// Everything: the member and the pool are gone, the pool account closed.
		assert_ok!(Delegation::unbond(RuntimeOrigin::signed(10), 600));
		Era::set(2 * UNBONDING_ERAS);
		assert_ok!(Delegation::withdraw_unbonded(RuntimeOrigin::signed(10)));
		assert_eq!(free(10), START_BALANCE);
		assert!(Members::<Test>::get(10).is_none());
		assert!(Pools::<Test>::get(1).is_none());
		assert_eq!(System::providers(&crate::asset::pool_account::<Test>(&1)), 0);
	});
}

#[test]
fn unbond_keeps_the_minimum_or_nothing() {
	execute(|| {
		let origin = RuntimeOrigin::signed(10);
		assert_noop!(Delegation::unbond(origin.clone(), 10), Error::<Test>::NotMember);
		assert_ok!(Delegation::delegate(origin.clone(), 1, 100));
		assert_noop!(Delegation::unbond(origin.clone(), 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Delegation::unbond(origin.clone(), 100 - MIN_DELEGATION + 1),
			Error::<Test>::BelowMinimum
		);
		// More than it has: all of it.
		assert_ok!(Delegation::unbond(origin.clone(), 1_000));
		assert_eq!(Members::<Test>::get(10).unwrap().points, 0);
		assert_noop!(Delegation::unbond(origin, 10), Error::<Test>::UnbondTooLarge);
	});
}

#[test]
fn a_member_unbonds_in_a_bounded_number_of_eras() {
	execute(|| {
		let origin = RuntimeOrigin::signed(10);
		assert_ok!(Delegation::delegate(origin.clone(), 1, 1_000));
		for era in 0..4 {
			Era::set(era);
			assert_ok!(Delegation::unbond(origin.clone(), 10));
			// A second request in the same era shares the chunk.
			assert_ok!(Delegation::unbond(origin.clone(), 10));
		}
		Era::set(4);
		assert_noop!(Delegation::unbond(origin, 10), Error::<Test>::TooManyUnbondingChunks);
	});
}

#[test]
fn matured_buckets_merge_when_the_pool_needs_room() {
	execute(|| {
		// Five buckets at most; eleven members unbond in eleven eras and nobody withdraws.
		for member in 10..21u128 {
			assert_ok!(Delegation::delegate(RuntimeOrigin::signed(member), 1, 100));
		}
		for (era, member) in (10..21u128).enumerate() {
			Era::set(era as u32);
			assert_ok!(Delegation::unbond(RuntimeOrigin::signed(member), 100));
			assert!(Pools::<Test>::get(1).unwrap().buckets.len() <= 5);
		}
		// Every one of them still gets exactly what it unbonded.
		Era::set(20);
		for member in 10..21u128 {
			assert_ok!(Delegation::withdraw_unbonded(RuntimeOrigin::signed(member)));
			assert_eq!(free(member), START_BALANCE);
		}
		assert!(Pools::<Test>::get(1).is_none());
	});
}

#[test]
fn members_can_leave_a_provider_that_deregistered() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 500));
		assert_ok!(Providers::unbond(RuntimeOrigin::signed(1), MIN_BOND));
		System::set_block_number(100);
		assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_ok!(Providers::deregister(RuntimeOrigin::signed(1)));
		assert_noop!(
			Delegation::delegate_more(RuntimeOrigin::signed(10), 100),
			Error::<Test>::NotAcceptingDelegations
		);
		assert_ok!(Delegation::unbond(RuntimeOrigin::signed(10), 500));
		Era::set(UNBONDING_ERAS);
		assert_ok!(Delegation::withdraw_unbonded(RuntimeOrigin::signed(10)));
		assert_eq!(free(10), START_BALANCE);
	});
}

/// A member that left with income it had not claimed kept its record, but its pool was
/// removed once nothing else was in it (the member count left it out): the member then
/// pointed at a pool that did not exist. A pool stays while any member has a record.
#[test]
fn a_member_with_unclaimed_income_never_outlives_its_pool() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 1_000));
		book(1, 1_000);
		assert_ok!(Delegation::claim_commission(RuntimeOrigin::signed(1)));
		// Eve leaves with everything but her income.
		assert_ok!(Delegation::unbond(RuntimeOrigin::signed(10), 1_000));
		Era::set(UNBONDING_ERAS);
		assert_ok!(Delegation::withdraw_unbonded(RuntimeOrigin::signed(10)));
		let income = Delegation::pending_rewards(10);
		assert!(income > 0);
		assert!(Members::<Test>::get(10).is_some());
		assert!(Pools::<Test>::get(1).is_some(), "the pool went while Eve still had a record");
		Delegation::do_try_state().expect("delegation invariants hold");
		// She claims it; then both are gone.
		assert_ok!(Delegation::claim(RuntimeOrigin::signed(10)));
		assert_eq!(free(10), START_BALANCE + income);
		assert!(Members::<Test>::get(10).is_none());
		assert!(Pools::<Test>::get(1).is_none());
	});
}
