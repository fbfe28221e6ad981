//! Adding to the bond, unbonding, withdrawing.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Get},
};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ProviderBond.into(), &who)
}

#[test]
fn bond_extra_adds_to_the_hold() {
	ExtBuilder::default().with_provider(1, cpu(), MIN_BOND).build_and_execute(|| {
		assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(1), 250));
		assert_eq!(held(1), MIN_BOND + 250);
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().bond, MIN_BOND + 250);
		assert_noop!(Providers::bond_extra(RuntimeOrigin::signed(1), 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Providers::bond_extra(RuntimeOrigin::signed(1), START_BALANCE),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			Providers::bond_extra(RuntimeOrigin::signed(2), 10),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn unbond_keeps_funds_held_until_the_period_ends() {
	ExtBuilder::default().with_provider(1, cpu(), 500).build_and_execute(|| {
		assert_ok!(Providers::unbond(RuntimeOrigin::signed(1), 150));
		let info = ProviderRecords::<Test>::get(1).unwrap();
		assert_eq!(info.bond, 350);
		assert_eq!(
			info.unbonding.to_vec(),
			vec![UnbondingChunk { value: 150, unlock_at: 1 + UNBONDING }]
		);
		assert_eq!(held(1), 500, "unbonding funds stay held");
		// A second request in the same block joins the same chunk.
		assert_ok!(Providers::unbond(RuntimeOrigin::signed(1), 50));
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().unbonding.len(), 1);

		assert_noop!(
			Providers::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(UNBONDING);
		assert_noop!(
			Providers::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(1 + UNBONDING);
		assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(held(1), 300);
		assert_eq!(Balances::free_balance(1), START_BALANCE - 300);
		assert!(provider_events().contains(&Event::Withdrawn { provider: 1, amount: 200 }));
	});
}

#[test]
fn unbond_rejects_bad_amounts() {
	ExtBuilder::default().with_provider(1, cpu(), 500).build_and_execute(|| {
		assert_noop!(Providers::unbond(RuntimeOrigin::signed(1), 0), Error::<Test>::ZeroAmount);
		assert_noop!(
			Providers::unbond(RuntimeOrigin::signed(1), 501),
			Error::<Test>::UnbondTooLarge
		);
		// 500 - 450 = 50 active: above zero but below the minimum.
		assert_noop!(
			Providers::unbond(RuntimeOrigin::signed(1), 450),
			Error::<Test>::BondBelowMinimum
		);
		assert_noop!(Providers::unbond(RuntimeOrigin::signed(2), 10), Error::<Test>::NotRegistered);
	});
}

#[test]
fn unbonding_everything_stops_new_jobs() {
	ExtBuilder::default().with_provider(1, cpu(), 500).build_and_execute(|| {
		assert_ok!(Providers::unbond(RuntimeOrigin::signed(1), 500));
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().listing, None);
		assert_eq!(KindCounts::<Test>::get(DeviceKind::Cpu), 0);
		// Bonding again lists it again.
		assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(1), MIN_BOND));
		assert!(ProviderRecords::<Test>::get(1).unwrap().listing.is_some());
	});
}

#[test]
fn unbonding_chunks_are_bounded() {
	ExtBuilder::default().with_provider(1, cpu(), 5_000).build_and_execute(|| {
		for n in 0..u64::from(<<Test as Config>::MaxUnbondingChunks as Get<u32>>::get()) {
			run_to_block(1 + n);
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(1), 10));
		}
		run_to_block(1 + u64::from(<<Test as Config>::MaxUnbondingChunks as Get<u32>>::get()));
		assert_noop!(
			Providers::unbond(RuntimeOrigin::signed(1), 10),
			Error::<Test>::TooManyUnbondingChunks
		);
		// Withdrawing matured chunks makes room.
		run_to_block(1 + UNBONDING);
		assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_ok!(Providers::unbond(RuntimeOrigin::signed(1), 10));
	});
}
