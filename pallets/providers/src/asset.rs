//! Every currency operation of the providers pallet, in one place: bonds are a fungible
//! hold on the provider's own account ([`HoldReason::ProviderBond`]), and slashes move held
//! funds to the treasury account.

use crate::{BalanceOf, Config, HoldReason};
use frame_support::traits::{
	fungible::{InspectHold, MutateHold},
	tokens::{Fortitude, Precision, Restriction},
	Get,
};
use sp_runtime::DispatchResult;

/// Everything held as provider bond on `who`.
pub fn held<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	T::Currency::balance_on_hold(&HoldReason::ProviderBond.into(), who)
}

/// Puts `amount` of `who`'s free balance on hold as bond. Fails, changing nothing, if the
/// free balance (less the existential deposit) does not cover it.
pub fn hold_bond<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	T::Currency::hold(&HoldReason::ProviderBond.into(), who, amount)
}

/// Returns exactly `amount` of `who`'s bond to its free balance.
pub fn release_bond<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	T::Currency::release(&HoldReason::ProviderBond.into(), who, amount, Precision::Exact)
		.map(|_| ())
}

/// Moves up to `amount` of `who`'s bond to the treasury account, whatever `who`'s free
/// balance is. Returns what was moved. Total issuance does not change.
pub fn slash_bond_to_treasury<T: Config>(
	who: &T::AccountId,
	amount: BalanceOf<T>,
) -> Result<BalanceOf<T>, sp_runtime::DispatchError> {
	T::Currency::transfer_on_hold(
		&HoldReason::ProviderBond.into(),
		who,
		&T::Treasury::get(),
		amount,
		Precision::BestEffort,
		Restriction::Free,
		Fortitude::Force,
	)
}
