//! Stake income: the global index, booked lazily into pools at the stake that earned it.

use crate::{mock::*, Stakes, TotalCounted};
use frame_support::assert_ok;

#[test]
fn stake_income_reaches_the_provider_and_its_delegators_pro_rata() {
	execute(|| {
		// Eve (10) delegates as much as provider 1's own bond: 4 × 10,000 counted.
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, MIN_BOND));
		assert_eq!(TotalCounted::<Test>::get(), 4 * MIN_BOND);
		run_to_era(2);
		// Era 1 streamed 8,000 over 40,000: 0.2 a unit. Provider 1 counts 20,000: 4,000, half
		// its own.
		// Booked lazily: the views show it due, and change nothing.
		assert_eq!(Delegation::pending_rewards(10), 2_000);
		assert_eq!(Delegation::pending_rewards(1), 2_000);
		assert_eq!(crate::StakeUnbooked::<Test>::get(), 8_000);
		assert_ok!(Delegation::claim(RuntimeOrigin::signed(10)));
		assert_eq!(free(10), START_BALANCE - MIN_BOND + 2_000);
		assert_ok!(Delegation::claim_commission(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), START_BALANCE - MIN_BOND + 2_000);
		// Provider 2, untouched, is owed its 2,000 in the index.
		assert_ok!(Delegation::claim_commission(RuntimeOrigin::signed(2)));
		assert_eq!(free(2), START_BALANCE - MIN_BOND + 2_000);
	});
}

#[test]
fn income_accrued_before_a_delegation_is_not_shared_with_it() {
	execute(|| {
		run_to_era(2); // Era 1 streamed 8,000 over 30,000: provider 1 earned 2,666 alone.
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, MIN_BOND));
		assert_eq!(Delegation::pending_rewards(10), 0);
		assert_eq!(Delegation::pending_rewards(1), 2_666);
	});
}

/// A provider raising its bond just before its stake income is booked would take part of
/// what its delegators earned at the old split (the split reads the bond at booking):
/// income is booked at the bond and stake in force while it accrued.
#[test]
fn a_bond_raised_before_booking_takes_none_of_the_delegators_income() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, MIN_BOND));
		run_to_era(2);
		// As in the first test: 2,000 each, unbooked.
		assert_eq!(Delegation::pending_rewards(10), 2_000);
		assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(1), 8 * MIN_BOND));
		assert_eq!(Delegation::pending_rewards(10), 2_000);
		assert_eq!(Delegation::pending_rewards(1), 2_000);
		assert_ok!(Delegation::claim(RuntimeOrigin::signed(10)));
		assert_eq!(free(10), START_BALANCE - MIN_BOND + 2_000);
	});
}

#[test]
fn counted_stake_saturates_and_a_paused_provider_earns_nothing() {
	execute(|| {
		assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(1), 5 * MIN_BOND));
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 9 * MIN_BOND));
		// 6 + 9 = 15 units of bond, counted up to 10.
		assert_eq!(Stakes::<Test>::get(1).unwrap().counted, 10 * MIN_BOND);
		assert_eq!(TotalCounted::<Test>::get(), 12 * MIN_BOND);
		assert_ok!(Providers::pause(RuntimeOrigin::signed(2)));
		assert!(Stakes::<Test>::get(2).is_none());
		assert_eq!(TotalCounted::<Test>::get(), 11 * MIN_BOND);
		run_to_era(2);
		assert_eq!(Delegation::pending_rewards(2), 0);
	});
}

/// Governance lowering `max_counted_stake` left every provider that did not touch its
/// record counted (and paid stake income) at the old cap, for as long as it liked. The
/// change now reaches every provider within a sweep of the registry (a few a block).
#[test]
fn a_lower_counted_stake_cap_reaches_every_provider() {
	execute(|| {
		// Provider 1 counts 5 units of bond, 2 and 3 one each.
		assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(1), 4 * MIN_BOND));
		assert_eq!(TotalCounted::<Test>::get(), 7 * MIN_BOND);
		run_to_era(2);
		let mut params = pallet_providers::Params::<Test>::get();
		params.max_counted_stake = 2 * MIN_BOND;
		assert_ok!(Providers::set_params(RuntimeOrigin::root(), params));
		run_to_block(System::block_number() + 1);
		// Nobody touched a record: the cap reached them all.
		assert_eq!(Stakes::<Test>::get(1).unwrap().counted, 2 * MIN_BOND);
		assert_eq!(TotalCounted::<Test>::get(), 4 * MIN_BOND);
		// Income earned before the sweep reached it was booked at the stake that earned it,
		// 5/7 of the stream: era 1's 8,000 and era 2's first block's 800.
		assert_eq!(Delegation::pending_rewards(1), 5_714 + 571);
	});
}

#[test]
fn a_slash_settles_stake_income_at_the_stake_that_earned_it() {
	execute(|| {
		run_to_era(2);
		let _ = <Providers as pallet_providers::ProviderRegistry<AccountId>>::punish(
			&1,
			pallet_providers::SlashReason::WrongResult,
			0,
		);
		// Booked at 10,000 counted, before the slash took 1,000 of it.
		assert_eq!(Delegation::pending_rewards(1), 2_666);
		assert_eq!(Stakes::<Test>::get(1).unwrap().counted, 9_000);
	});
}

/// Stake income was a snapshot at each era's first block: a provider listed for that one
/// block earned a whole era's share. It follows the blocks a provider was listed.
#[test]
fn listing_for_the_block_an_era_starts_earns_that_block_not_the_era() {
	execute(|| {
		// Provider 3 stays paused (counts nothing) but for the two blocks around era 2's
		// start; providers 1 and 2 are listed throughout.
		assert_ok!(Providers::pause(RuntimeOrigin::signed(3)));
		run_to_era(1);
		run_to_block(2 * ERA - 1);
		assert_ok!(Providers::resume(RuntimeOrigin::signed(3)));
		run_to_era(2);
		run_to_block(2 * ERA + 1);
		assert_ok!(Providers::pause(RuntimeOrigin::signed(3)));
		run_to_era(3);
		// About 8,000 an era over ERA blocks: provider 3 was listed for two blocks (the last
		// of era 1, the first of era 2) with a third of the counted stake.
		let per_block = 8_000 / ERA;
		let earned = Delegation::pending_rewards(3);
		assert!(earned <= 2 * per_block / 3 + 2, "a two-block listing earned {earned}");
		// Providers 1 and 2 earned the rest of eras 1 and 2, shared between them.
		let listed_all_along = Delegation::pending_rewards(1);
		assert_eq!(listed_all_along, Delegation::pending_rewards(2));
		assert!(listed_all_along > 8_000 - per_block, "{listed_all_along}");
	});
}

/// An announced commission increase applied to all income booked after its era began,
/// including what was earned before it when nothing had booked it yet. Income is split
/// by the commission in force while it accrued.
#[test]
fn a_commission_increase_takes_nothing_from_income_earned_before_it() {
	execute(|| {
		// Eve (10) delegates as much as provider 1's own bond: half of the pool's income
		// after commission is hers.
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, MIN_BOND));
		// Announced in era 0, the increase applies from era 3.
		assert_ok!(Delegation::set_commission(
			RuntimeOrigin::signed(1),
			sp_runtime::Perbill::from_percent(50)
		));
		// Nothing touches the pool until era 4: eras 1 and 2 streamed about 8,000 each over
		// 40,000 counted, 4,000 to provider 1's pool, 2,000 of it Eve's at no commission;
		// era 3 as much, of which Eve gets 1,000 after the 50 % commission.
		run_to_era(4);
		let eve = Delegation::pending_rewards(10);
		assert!((4_990..=5_030).contains(&eve), "Eve is owed {eve}, not about 5,000");
		assert_ok!(Delegation::claim(RuntimeOrigin::signed(10)));
		assert_eq!(free(10), START_BALANCE - MIN_BOND + eve);
	});
}
