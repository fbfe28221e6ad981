//! The pallet's invariants, checked by `try_state` and after every test.

use crate::*;
use frame_support::ensure;
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants (see the crate docs).
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		if let Some(era) = LastEra::<T>::get() {
			ensure!(
				era.minted
					== era
						.work_paid
						.saturating_add(era.stake)
						.saturating_add(era.treasury)
						.saturating_add(era.unspent),
				TryRuntimeError::Other("an era's mint differs from what it paid and returned")
			);
		}
		let era = CurrentEra::<T>::get();
		ensure!(era.work_paid <= era.work_budget, TryRuntimeError::Other("work paid over budget"));
		ensure!(
			era.minted
				== era
					.work_budget
					.saturating_add(era.stake)
					.saturating_add(era.treasury)
					.saturating_add(era.unspent),
			TryRuntimeError::Other("an era's mint differs from its split")
		);
		let index = StakeIndex::<T>::get();
		let mut total = BalanceOf::<T>::zero();
		for (_, cursor) in Stakes::<T>::iter() {
			ensure!(cursor.index <= index, TryRuntimeError::Other("a cursor is above the index"));
			ensure!(!cursor.counted.is_zero(), TryRuntimeError::Other("a cursor without stake"));
			total = total.saturating_add(cursor.counted);
		}
		ensure!(total == TotalCounted::<T>::get(), TryRuntimeError::Other("TotalCounted is off"));
		ensure!(
			asset::pot_balance::<T>() >= Self::pot_obligations(),
			TryRuntimeError::Other("the reward pot does not cover what it owes")
		);
		Ok(())
	}
}
