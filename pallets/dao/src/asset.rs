//! Every currency operation of the DAO: the freeze on voters' capital.

use crate::*;
use frame_support::{
	pallet_prelude::DispatchResult,
	traits::fungible::{InspectFreeze, MutateFreeze},
};

/// The freeze this pallet puts on voters' accounts.
fn reason<T: Config>() -> T::RuntimeFreezeReason {
	FreezeReason::Vote.into()
}

/// What `who`'s votes keep frozen now.
pub(crate) fn frozen<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	T::Currency::balance_frozen(&reason::<T>(), who)
}

/// Freezes `amount` of `who`'s balance for its votes (zero thaws it).
pub(crate) fn freeze<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	T::Currency::set_freeze(&reason::<T>(), who, amount)
}
