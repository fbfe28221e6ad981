//! Reputation and slashing, as the jobs pallet drives them.

use crate::{mock::*, *};
use frame_support::{assert_ok, traits::fungible::InspectHold};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ProviderBond.into(), &who)
}

type Registry = Providers;

#[test]
fn reward_raises_reputation_up_to_the_maximum() {
	ExtBuilder::default().with_provider(1, cpu(), MIN_BOND).build_and_execute(|| {
		<Registry as ProviderRegistry<AccountId>>::reward(&1);
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().reputation, INITIAL_REPUTATION + 10);
		for _ in 0..200 {
			<Registry as ProviderRegistry<AccountId>>::reward(&1);
		}
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().reputation, MAX_REPUTATION);
	});
}

#[test]
fn a_wrong_result_slashes_to_the_treasury() {
	ExtBuilder::default().with_provider(1, cpu(), 1_000).build_and_execute(|| {
		let issuance = Balances::total_issuance();
		let slashed = <Registry as ProviderRegistry<AccountId>>::punish(
			&1,
			SlashReason::WrongResult,
			1_000_000,
		);
		assert_eq!(slashed, 100, "10% of 1000");
		assert_eq!(held(1), 900);
		assert_eq!(Balances::free_balance(TREASURY), ED + 100);
		assert_eq!(
			Balances::total_issuance(),
			issuance,
			"a slash moves funds, it does not burn them"
		);
		let info = ProviderRecords::<Test>::get(1).unwrap();
		assert_eq!(info.bond, 900);
		assert_eq!(info.reputation, INITIAL_REPUTATION - 100);
		assert!(provider_events().contains(&Event::Slashed {
			provider: 1,
			amount: 100,
			delegated: 0,
			reason: SlashReason::WrongResult
		}));

		let slashed =
			<Registry as ProviderRegistry<AccountId>>::punish(&1, SlashReason::NoShow, 1_000_000);
		assert_eq!(slashed, 18, "2% of 900");
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().reputation, INITIAL_REPUTATION - 150);
		// A no-show costs at most what the missed job was worth, not 2% of any bond.
		let slashed =
			<Registry as ProviderRegistry<AccountId>>::punish(&1, SlashReason::NoShow, 10);
		assert_eq!(slashed, 9, "10 of 882, rounded down");
	});
}

#[test]
fn slashes_reach_unbonding_funds_after_the_active_bond() {
	ExtBuilder::default().with_provider(1, cpu(), 1_000).build_and_execute(|| {
		assert_ok!(Providers::unbond(RuntimeOrigin::signed(1), 1_000));
		// Everything is unbonding: the slash still reaches it.
		let slashed = <Registry as ProviderRegistry<AccountId>>::punish(
			&1,
			SlashReason::WrongResult,
			1_000_000,
		);
		assert_eq!(slashed, 100);
		let info = ProviderRecords::<Test>::get(1).unwrap();
		assert_eq!(info.bond, 0);
		assert_eq!(info.unbonding[0].value, 900);
		assert_eq!(held(1), 900);
	});
}

#[test]
fn a_provider_with_no_free_balance_is_still_slashed() {
	ExtBuilder::default().build_and_execute(|| {
		// Everything but the existential deposit on hold.
		assert_ok!(Providers::register(
			RuntimeOrigin::signed(1),
			cpu(),
			operator(1),
			START_BALANCE - ED
		));
		assert_eq!(Balances::free_balance(1), ED);
		let slashed = <Registry as ProviderRegistry<AccountId>>::punish(
			&1,
			SlashReason::WrongResult,
			1_000_000,
		);
		assert_eq!(slashed, (START_BALANCE - ED) / 10);
		assert_eq!(held(1), START_BALANCE - ED - slashed);
		assert_eq!(Balances::free_balance(TREASURY), ED + slashed);
	});
}

#[test]
fn reputation_and_slashes_bottom_out() {
	ExtBuilder::default().with_provider(1, cpu(), MIN_BOND).build_and_execute(|| {
		for _ in 0..50 {
			<Registry as ProviderRegistry<AccountId>>::punish(
				&1,
				SlashReason::WrongResult,
				1_000_000,
			);
		}
		let info = ProviderRecords::<Test>::get(1).unwrap();
		assert_eq!(info.reputation, 0);
		assert_eq!(held(1), info.total_held());
		// Punishing someone unknown does nothing.
		assert_eq!(
			<Registry as ProviderRegistry<AccountId>>::punish(&77, SlashReason::NoShow, 1_000_000),
			0
		);
	});
}
