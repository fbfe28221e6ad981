//! Stake income: a global index, raised at each era start by the era's stake share over
//! the counted stake of every provider; a provider's income is
//! `counted × (index − its last index)`, booked into its pool lazily, in O(1), before its
//! counted stake or its pool's points change. The providers pallet reports every change
//! of counted stake ([`depin_interfaces::CountedStakeObserver`]).

use crate::*;
use depin_interfaces::{CountedStakeObserver, PoolIncome};
use sp_runtime::{
	traits::{Saturating, Zero},
	FixedPointNumber,
};

impl<T: Config> Pallet<T> {
	/// Books what `provider`'s counted stake earned since its cursor into its pool, and
	/// moves the cursor to the index. Returns its cursor, if it has one.
	fn book_stake_income(provider: &T::AccountId) -> Option<StakeCursor<BalanceOf<T>>> {
		let mut cursor = Stakes::<T>::get(provider)?;
		let index = StakeIndex::<T>::get();
		let due = index.saturating_sub(cursor.index).saturating_mul_int(cursor.counted);
		let due = due.min(StakeUnbooked::<T>::get());
		cursor.index = index;
		if !due.is_zero() {
			StakeUnbooked::<T>::mutate(|s| *s = s.saturating_sub(due));
			Stakes::<T>::insert(provider, &cursor);
			T::Pools::credit(provider, due);
		}
		Some(cursor)
	}
}

impl<T: Config> CountedStakeObserver<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn counted_stake_changed(provider: &T::AccountId, counted: BalanceOf<T>) {
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
		let _ = Self::book_stake_income(provider);
	}
}
