//! Stake income: a global index, raised by the era's stake share as it streams, block by
//! block, over the counted stake of every provider in those blocks; a provider's income is
//! `counted × (index − its last index)`, booked into its pool lazily, in O(1), before its
//! counted stake or its pool's points change. The providers pallet reports every change
//! of counted stake ([`depin_interfaces::CountedStakeObserver`]), and the stream is
//! released up to the current block before each: the total it divides by is the one in
//! force in the blocks it pays for.

use crate::*;
use depin_interfaces::{CountedStakeObserver, PoolIncome};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	FixedPointNumber, FixedU128,
};

impl<T: Config> Pallet<T> {
	/// Releases the current era's stake stream from [`StakeReleasedTo`] up to `to` (at
	/// most the era's last block): `stake_budget × blocks / era_length`, rounded down,
	/// into the index over the counted stake in force. Blocks without counted stake
	/// release nothing: their share stays in the era's budget and goes to the treasury
	/// when the era closes.
	pub(crate) fn release_stake(to: BlockNumberFor<T>) {
		let mut era = CurrentEra::<T>::get();
		let length = Params::<T>::get().era_length;
		let to = to.min(era.start.saturating_add(length));
		let from = StakeReleasedTo::<T>::get().max(era.start);
		if to <= from {
			return;
		}
		StakeReleasedTo::<T>::put(to);
		let blocks: u128 = to.saturating_sub(from).unique_saturated_into();
		let length: u128 = length.unique_saturated_into();
		let budget: u128 = era.stake_budget.unique_saturated_into();
		let left = era.stake_budget.saturating_sub(era.stake);
		let amount: BalanceOf<T> = budget
			.saturating_mul(blocks)
			.checked_div(length)
			.unwrap_or_default()
			.unique_saturated_into();
		let amount = amount.min(left);
		let total = TotalCounted::<T>::get();
		let Some(per_unit) = FixedU128::checked_from_rational(amount, total) else { return };
		if total.is_zero() || per_unit.is_zero() {
			return;
		}
		StakeIndex::<T>::mutate(|index| *index = index.saturating_add(per_unit));
		// What the index owes, rounded down over every provider.
		let owed = per_unit.saturating_mul_int(total).min(left);
		StakeUnbooked::<T>::mutate(|s| *s = s.saturating_add(owed));
		era.stake = era.stake.saturating_add(owed);
		CurrentEra::<T>::put(era);
	}

	/// Releases the stream to this block and books `provider`'s stake income.
	pub(crate) fn settle_stake_income(provider: &T::AccountId) {
		Self::release_stake(frame_system::Pallet::<T>::block_number());
		let _ = Self::book_stake_income(provider);
	}

	/// Books what `provider`'s counted stake earned since its cursor into its pool, and
	/// moves the cursor to the index. Income is split by the commission in force while it
	/// accrued: when an announced increase applies from an era that began since the
	/// cursor, what the index gained before that era is booked at the old rate. Returns
	/// its cursor, if it has one.
	fn book_stake_income(provider: &T::AccountId) -> Option<StakeCursor<BalanceOf<T>>> {
		let mut cursor = Stakes::<T>::get(provider)?;
		let index = StakeIndex::<T>::get();
		let due = index.saturating_sub(cursor.index).saturating_mul_int(cursor.counted);
		let due = due.min(StakeUnbooked::<T>::get());
		let from = cursor.index;
		cursor.index = index;
		if !due.is_zero() {
			StakeUnbooked::<T>::mutate(|s| *s = s.saturating_sub(due));
			Stakes::<T>::insert(provider, &cursor);
			let mut after = due;
			if let Some(era) = T::Pools::increase_from(provider) {
				// The index when that era began; not kept any more: all at the old rate.
				let before = EraStartIndex::<T>::get(era)
					.map_or(due, |start| {
						start.min(index).saturating_sub(from).saturating_mul_int(cursor.counted)
					})
					.min(due);
				T::Pools::credit_earned_before(provider, before, era);
				after = due.saturating_sub(before);
			}
			T::Pools::credit(provider, after);
		}
		Some(cursor)
	}
}

impl<T: Config> CountedStakeObserver<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn counted_stake_changed(provider: &T::AccountId, counted: BalanceOf<T>) {
		Self::release_stake(frame_system::Pallet::<T>::block_number());
		let before = Self::book_stake_income(provider).map_or(Zero::zero(), |c| c.counted);
		TotalCounted::<T>::mutate(|total| {
			*total = total.saturating_sub(before).saturating_add(counted)
		});
		if counted.is_zero() {
			Stakes::<T>::remove(provider);
		} else {
			Stakes::<T>::insert(provider, StakeCursor { counted, index: StakeIndex::<T>::get() });
		}
	}

	fn settle_income(provider: &T::AccountId) {
		Self::settle_stake_income(provider);
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_income_due(provider: &T::AccountId) {
		let cursor = Stakes::<T>::get(provider).expect("a listed provider has counted stake");
		// The index rose since the cursor, across the current era's start.
		let step = FixedU128::saturating_from_rational(1u32, 1_000u32);
		let start = cursor.index.saturating_add(step);
		let index = StakeIndex::<T>::get().max(start).saturating_add(step);
		let era = CurrentEra::<T>::get();
		EraStartIndex::<T>::insert(era.index, start);
		StakeIndex::<T>::put(index);
		let due = index.saturating_sub(cursor.index).saturating_mul_int(cursor.counted);
		StakeUnbooked::<T>::mutate(|s| *s = s.saturating_add(due));
		// And a stream with blocks to release (if the era has run any).
		CurrentEra::<T>::mutate(|era| {
			era.stake_budget = era.stake_budget.saturating_add(due).saturating_add(due)
		});
		StakeReleasedTo::<T>::put(era.start);
	}
}
