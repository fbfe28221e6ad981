//! Every currency operation of the validators pallet, in one place: a validator's bond is a
//! fungible hold on its own account ([`HoldReason::ValidatorBond`]), and a slash moves held
//! funds to the treasury account.

use crate::{BalanceOf, Config, HoldReason};
use frame_support::traits::{
	fungible::{InspectHold, MutateHold},
	tokens::{Fortitude, Precision, Restriction},
	Get,
};
use sp_runtime::DispatchResult;

/// Everything held as validator bond on `who`.
pub fn held<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	<T as Config>::Currency::balance_on_hold(&HoldReason::ValidatorBond.into(), who)
}

/// Puts `amount` of `who`'s free balance on hold as bond. Fails, changing nothing, if the
/// free balance (less the existential deposit) does not cover it.
pub fn hold_bond<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	<T as Config>::Currency::hold(&HoldReason::ValidatorBond.into(), who, amount)
}

/// Returns all of `who`'s bond to its free balance; returns how much.
pub fn release_bond<T: Config>(
	who: &T::AccountId,
) -> Result<BalanceOf<T>, sp_runtime::DispatchError> {
	<T as Config>::Currency::release(
		&HoldReason::ValidatorBond.into(),
		who,
		held::<T>(who),
		Precision::Exact,
	)
}

/// Moves up to `amount` of `who`'s bond to the treasury account, whatever `who`'s free
/// balance is. Returns what was moved. Total issuance does not change.
pub fn slash_bond_to_treasury<T: Config>(
	who: &T::AccountId,
	amount: BalanceOf<T>,
) -> Result<BalanceOf<T>, sp_runtime::DispatchError> {
	<T as Config>::Currency::transfer_on_hold(
		&HoldReason::ValidatorBond.into(),
		who,
		&T::Treasury::get(),
		amount,
		Precision::BestEffort,
		Restriction::Free,
		Fortitude::Force,
	)
}
