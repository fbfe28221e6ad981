//! Eras: the emission is minted at each era's start, split, and what is not paid out goes
//! to the treasury when the era ends.

use crate::{mock::*, CurrentEra, Event, LastEra, StakeUnbooked, TotalCounted};

#[test]
fn each_era_mints_its_emission_and_splits_it() {
	execute(|| {
		// Accounts 1..=40, the treasury's and the pot's existential deposits.
		let issuance_before = issuance();
		assert_eq!(issuance_before, 40 * START_BALANCE + 2);
		assert_eq!(TotalCounted::<Test>::get(), 3 * MIN_BOND);
		let treasury = free(TREASURY);
		run_to_block(ERA - 1);
		assert_eq!(Rewards::current_era(), 0);

		run_to_era(1);
		// 10 % a year over 100 eras: 40,000 of 40,000,002. Work 60 %, stake 20 % (8,000,
		// streamed over the era), treasury the rest.
		assert!(events().contains(&Event::EraStarted {
			era: 1,
			minted: 40_000,
			work_budget: 24_000,
			stake: 8_000,
			treasury: 8_000
		}));
		assert_eq!(issuance(), issuance_before + 40_000);
		assert_eq!(free(TREASURY), treasury + 8_000);
		assert_eq!(StakeUnbooked::<Test>::get(), 0);
		let era = CurrentEra::<Test>::get();
		assert_eq!((era.index, era.start, era.stake_budget, era.stake), (1, ERA, 8_000, 0));

		// Halfway, nothing changed the counted stake: the stream is released when asked.
		run_to_block(ERA + ERA / 2);
		assert_eq!(Delegation::pending_rewards(1), 1_333);
		assert_eq!(CurrentEra::<Test>::get().stake, 0, "a view keeps nothing");

		// Nobody worked: the budget returns to the treasury when the era closes, with the
		// stream's rounding (8,000 over 30,000 counted: 7,999 after rounding the index
		// down).
		run_to_era(2);
		let closed = LastEra::<Test>::get().unwrap();
		assert_eq!(
			(closed.stake, closed.work_paid, closed.unspent, closed.swept),
			(7_999, 0, 24_001, 0)
		);
		assert_eq!(StakeUnbooked::<Test>::get(), 7_999);
		assert!(events().contains(&Event::EraClosed {
			era: 1,
			work_paid: 0,
			unspent: 24_001,
			swept: 0
		}));
	});
}

#[test]
fn a_chain_without_stake_sends_the_stake_share_to_the_treasury() {
	execute(|| {
		for who in 1..=3u128 {
			frame_support::assert_ok!(Providers::pause(RuntimeOrigin::signed(who)));
		}
		assert_eq!(TotalCounted::<Test>::get(), 0);
		run_to_era(2);
		let era = LastEra::<Test>::get().unwrap();
		assert_eq!((era.stake, era.unspent), (0, 24_000 + 8_000));
	});
}

#[test]
fn governance_sets_valid_parameters_only() {
	execute(|| {
		use frame_support::{assert_noop, assert_ok};
		let mut params = RewardDefaults::get();
		params.user_work_rate = sp_runtime::Perbill::one();
		assert_noop!(
			Rewards::set_params(RuntimeOrigin::root(), params.clone()),
			crate::Error::<Test>::InvalidParams
		);
		params.user_work_rate = sp_runtime::Perbill::from_percent(90);
		params.min_work_replicas = 2;
		assert_noop!(
			Rewards::set_params(RuntimeOrigin::root(), params.clone()),
			crate::Error::<Test>::InvalidParams
		);
		params.min_work_replicas = 3;
		params.work_share = sp_runtime::Perbill::from_percent(90);
		assert_noop!(
			Rewards::set_params(RuntimeOrigin::root(), params.clone()),
			crate::Error::<Test>::InvalidParams
		);
		params.work_share = sp_runtime::Perbill::from_percent(70);
		params.era_length = 20;
		assert_noop!(
			Rewards::set_params(RuntimeOrigin::signed(1), params.clone()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Rewards::set_params(RuntimeOrigin::root(), params));
		// The new length counts from the current era's start (block 0).
		run_to_block(19);
		assert_eq!(Rewards::current_era(), 0);
		run_to_block(20);
		assert_eq!(Rewards::current_era(), 1);
	});
}

/// An era longer than half a year minted a whole year's emission (the eras in a year were
/// rounded down to one); one longer than a year, a year's too. An era mints its length's
/// share of the year, whatever that length.
#[test]
fn an_era_mints_its_share_of_the_year_whatever_its_length() {
	execute(|| {
		use frame_support::assert_ok;
		for (length, share) in [(YEAR * 3 / 4, 75u128), (YEAR * 3 / 2, 150)] {
			let mut params = RewardDefaults::get();
			params.era_length = length;
			assert_ok!(Rewards::set_params(RuntimeOrigin::root(), params));
			let start = CurrentEra::<Test>::get().start;
			let yearly = u128::from(sp_runtime::Perbill::from_percent(10) * issuance());
			run_to_block(start + length);
			// 10 % a year: the era's share of it, rounded down.
			let minted = u128::from(CurrentEra::<Test>::get().minted);
			assert_eq!(minted, yearly * share / 100, "an era of {length} blocks");
		}
	});
}
