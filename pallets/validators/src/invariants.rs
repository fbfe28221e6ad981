//! The pallet's invariants, checked by `try_state` and after every test.

use crate::*;
use frame_support::ensure;
use sp_runtime::{traits::Zero, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants (see the crate docs).
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let set = Validators::<T>::get();
		ensure!(
			set.windows(2).all(|w| w[0] < w[1]),
			TryRuntimeError::Other("the validator set is not sorted or has a duplicate")
		);
		let minimum = MinimumValidators::<T>::get();
		ensure!(minimum > 0, TryRuntimeError::Other("the minimum validator count is zero"));
		ensure!(
			set.len() >= minimum as usize,
			TryRuntimeError::Other("the validator set is below its minimum")
		);
		ensure!(
			set.iter().all(Self::has_keys),
			TryRuntimeError::Other("a validator has no session keys")
		);
		ensure!(
			SessionLength::<T>::get() > 0,
			TryRuntimeError::Other("the session length is zero")
		);
		// Bounded by the accounts that bonded: each entry is removed with its bond.
		for (who, _) in Unbonding::<T>::iter() {
			ensure!(
				!asset::held::<T>(&who).is_zero(),
				TryRuntimeError::Other("an unbonding account holds no bond")
			);
			ensure!(
				set.binary_search(&who).is_err(),
				TryRuntimeError::Other("a member is unbonding")
			);
		}
		Ok(())
	}
}
