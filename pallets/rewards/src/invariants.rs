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
			era.stake <= era.stake_budget,
			TryRuntimeError::Other("stake released over the era's stream")
		);
		ensure!(
			era.minted
				== era
					.work_budget
					.saturating_add(era.stake_budget)
					.saturating_add(era.treasury)
					.saturating_add(era.unspent),
			TryRuntimeError::Other("an era's mint differs from its split")
		);
		let index = StakeIndex::<T>::get();
		ensure!(
			EraStartIndex::<T>::iter().all(|(e, start)| start <= index
				&& e <= era.index
				&& era.index.saturating_sub(e) < ERA_START_HISTORY),
			TryRuntimeError::Other("an era's starting index is above the index or too old")
		);
		let mut total = BalanceOf::<T>::zero();
		for (_, cursor) in Stakes::<T>::iter() {
			ensure!(cursor.index <= index, TryRuntimeError::Other("a cursor is above the index"));
			ensure!(!cursor.counted.is_zero(), TryRuntimeError::Other("a cursor without stake"));
			total = total.saturating_add(cursor.counted);
		}
		ensure!(total == TotalCounted::<T>::get(), TryRuntimeError::Other("TotalCounted is off"));
		// Recent work: each era's network total is the sum of what providers were paid in it.
		let network = NetworkWork::<T>::get();
		let mut by_era: alloc::vec::Vec<(depin_interfaces::EraIndex, BalanceOf<T>)> =
			network.iter().map(|(e, _)| (*e, Zero::zero())).collect();
		for (_, work) in ProviderWork::<T>::iter() {
			for (era, paid) in work.iter() {
				if let Some((_, sum)) = by_era.iter_mut().find(|(e, _)| e == era) {
					*sum = sum.saturating_add(*paid);
				} else if network.first().is_some_and(|(oldest, _)| era >= oldest) {
					return Err(TryRuntimeError::Other(
						"provider work in an era the network lacks",
					));
				}
			}
		}
		ensure!(
			by_era.iter().zip(network.iter()).all(|((_, sum), (_, total))| sum == total),
			TryRuntimeError::Other("the network's recent work differs from its providers' sum")
		);
		ensure!(
			asset::pot_balance::<T>() >= Self::pot_obligations(),
			TryRuntimeError::Other("the reward pot does not cover what it owes")
		);
		Ok(())
	}
}
