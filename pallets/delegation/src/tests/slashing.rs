//! Slashing: a provider's slash reaches its pool pro rata, in O(1) per member count.

use crate::{mock::*, Error, Event, Pools};
use frame_support::{assert_noop, assert_ok};

#[test]
fn a_slash_takes_the_same_share_of_own_bond_active_and_unbonding_stake() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 2_000));
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(11), 1, 1_000));
		assert_ok!(Delegation::unbond(RuntimeOrigin::signed(11), 500));
		let treasury = free(TREASURY);

		let own = slash_wrong(1);
		assert_eq!(own, MIN_BOND / 10);
		// 10 % of 2,500 active and of the 500 unbonding.
		assert!(events().contains(&Event::PoolSlashed { provider: 1, amount: 300 }));
		assert!(System::events().iter().any(|r| r.event
			== RuntimeEvent::Providers(pallet_providers::Event::Slashed {
				provider: 1,
				amount: 100,
				delegated: 300,
				reason: pallet_providers::SlashReason::WrongResult,
			})));
		assert_eq!(free(TREASURY), treasury + 400);
		assert_eq!(Delegation::staked_value(&10), 1_800);
		assert_eq!(Delegation::staked_value(&11), 900);
		assert_eq!(pallet_providers::ProviderRecords::<Test>::get(1).unwrap().delegated, 2_250);

		// Withdrawing pays what is left, exactly.
		Era::set(UNBONDING_ERAS);
		assert_ok!(Delegation::withdraw_unbonded(RuntimeOrigin::signed(11)));
		assert_eq!(free(11), START_BALANCE - 1_000 + 450);
	});
}

#[test]
fn matured_stake_is_no_longer_slashed() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 1_000));
		assert_ok!(Delegation::unbond(RuntimeOrigin::signed(10), 1_000));
		Era::set(UNBONDING_ERAS);
		slash_wrong(1);
		assert_ok!(Delegation::withdraw_unbonded(RuntimeOrigin::signed(10)));
		assert_eq!(free(10), START_BALANCE);
	});
}

#[test]
fn slashing_a_pool_costs_the_same_whatever_its_number_of_members() {
	execute(|| {
		for member in 10..40u128 {
			assert_ok!(Delegation::delegate(RuntimeOrigin::signed(member), 1, 100));
		}
		let before = Pools::<Test>::get(1).unwrap();
		slash_wrong(1);
		let after = Pools::<Test>::get(1).unwrap();
		// Only the pool changed: its points and every member's record stay as they were.
		assert_eq!(after.points, before.points);
		assert_eq!(after.active, 2_700);
		for member in 10..40u128 {
			assert_eq!(Delegation::staked_value(&member), 90);
		}
	});
}

#[test]
fn a_pool_slashed_to_nothing_lets_its_members_leave_and_takes_no_stake_until_empty() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 500));
		let params = pallet_providers::ProviderParams {
			slash_wrong_result: sp_runtime::Perbill::one(),
			..ProviderDefaults::get()
		};
		assert_ok!(Providers::set_params(RuntimeOrigin::root(), params));
		slash_wrong(1);
		assert_eq!(Delegation::staked_value(&10), 0);
		// The provider is out (no active bond): nobody can delegate.
		assert_noop!(
			Delegation::delegate(RuntimeOrigin::signed(11), 1, 100),
			Error::<Test>::NotAcceptingDelegations
		);
		// Bonded again, it offers itself for jobs; its pool, slashed to nothing while
		// member 10 still holds points, takes no stake until that member left: new stake
		// would otherwise buy points worth nothing, or dilute the old ones' claim.
		assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(1), MIN_BOND));
		assert_noop!(
			Delegation::delegate(RuntimeOrigin::signed(11), 1, 100),
			Error::<Test>::PoolSlashedOut
		);
		assert_ok!(Delegation::unbond(RuntimeOrigin::signed(10), 1));
		assert!(crate::Members::<Test>::get(10).is_none());
		assert!(Pools::<Test>::get(1).is_none());
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(11), 1, 100));
		assert_eq!(Delegation::staked_value(&11), 100);
	});
}
