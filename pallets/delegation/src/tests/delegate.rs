//! Delegating: points at the pool's rate, funds on the pool account's hold, the limits.

use crate::{mock::*, Error, Event, Members, Pools};
use frame_support::{assert_noop, assert_ok};
use pallet_providers::ProviderRecords;

#[test]
fn delegating_holds_funds_on_the_pool_account_and_mints_points() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 500));
		assert_eq!(free(10), START_BALANCE - 500);
		assert_eq!(crate::asset::held::<Test>(&1), 500);
		// Never on the provider's own account.
		assert_eq!(free(1), START_BALANCE - MIN_BOND);
		let pool = Pools::<Test>::get(1).unwrap();
		assert_eq!((pool.points, pool.active, pool.members), (500, 500, 1));
		assert_eq!(Members::<Test>::get(10).unwrap().points, 500);
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().delegated, 500);
		assert!(events().contains(&Event::Delegated {
			member: 10,
			provider: 1,
			amount: 500,
			points: 500
		}));

		assert_ok!(Delegation::delegate_more(RuntimeOrigin::signed(10), 250));
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(11), 1, 250));
		let pool = Pools::<Test>::get(1).unwrap();
		assert_eq!((pool.points, pool.active, pool.members), (1_000, 1_000, 2));
		assert_eq!(Delegation::staked_value(&10), 750);
	});
}

#[test]
fn points_follow_the_pools_rate_after_a_slash() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 1_000));
		slash_wrong(1); // 10 %: the pool is worth 900 for 1,000 points.
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(11), 1, 900));
		assert_eq!(Members::<Test>::get(11).unwrap().points, 1_000);
		assert_eq!(Delegation::staked_value(&10), 900);
		assert_eq!(Delegation::staked_value(&11), 900);
	});
}

#[test]
fn delegation_limits_are_enforced_with_precise_errors() {
	execute(|| {
		let origin = RuntimeOrigin::signed(10);
		assert_noop!(Delegation::delegate(origin.clone(), 1, 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Delegation::delegate(origin.clone(), 1, MIN_DELEGATION - 1),
			Error::<Test>::BelowMinimum
		);
		assert_noop!(
			Delegation::delegate(origin.clone(), 7, 100),
			Error::<Test>::NotAcceptingDelegations
		);
		// At most ten times the provider's own bond.
		assert_noop!(
			Delegation::delegate(origin.clone(), 1, 10 * MIN_BOND + 1),
			Error::<Test>::DelegationCapReached
		);
		assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(2), 20 * MIN_BOND));
		assert_noop!(
			Delegation::delegate(origin.clone(), 2, START_BALANCE),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(Delegation::delegate_more(origin.clone(), 100), Error::<Test>::NotMember);
		assert_ok!(Delegation::delegate(origin.clone(), 1, 100));
		assert_noop!(Delegation::delegate(origin, 2, 100), Error::<Test>::DelegatingElsewhere);
	});
}

#[test]
fn a_paused_provider_takes_no_new_delegations() {
	execute(|| {
		assert_ok!(Providers::pause(RuntimeOrigin::signed(1)));
		assert_noop!(
			Delegation::delegate(RuntimeOrigin::signed(10), 1, 100),
			Error::<Test>::NotAcceptingDelegations
		);
	});
}

#[test]
fn counted_stake_is_own_bond_plus_delegated_up_to_the_cap() {
	execute(|| {
		use depin_interfaces::ProviderStake;
		assert_eq!(Providers::counted_stake(&1), MIN_BOND);
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 5 * MIN_BOND));
		assert_eq!(Providers::counted_stake(&1), 6 * MIN_BOND);
		// Raise the own bond so that the delegation cap allows more than the counted cap.
		assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(1), 9 * MIN_BOND));
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(11), 1, 30 * MIN_BOND));
		// 10 + 35 thousand, counted up to 20 thousand.
		assert_eq!(Providers::counted_stake(&1), 20 * MIN_BOND);
		// A paused provider counts nothing.
		assert_ok!(Providers::pause(RuntimeOrigin::signed(1)));
		assert_eq!(Providers::counted_stake(&1), 0);
	});
}

#[test]
fn governance_sets_valid_parameters_only() {
	execute(|| {
		let mut params = DelegationDefaults::get();
		params.unbonding_eras = 5; // as many as the pool's buckets: none could merge
		assert_noop!(
			Delegation::set_params(RuntimeOrigin::root(), params.clone()),
			Error::<Test>::InvalidParams
		);
		params.unbonding_eras = 4;
		assert_noop!(
			Delegation::set_params(RuntimeOrigin::signed(1), params.clone()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Delegation::set_params(RuntimeOrigin::root(), params.clone()));
		assert_eq!(crate::Params::<Test>::get(), params);
	});
}
