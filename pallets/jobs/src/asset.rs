//! Every currency operation of the jobs pallet, in one place. A job's escrow and storage
//! deposit are one fungible hold on the submitter's account ([`HoldReason::Job`]): payments
//! move held funds straight to providers and the treasury, refunds release them.
//!
//! The escrow is the chain's to pay out: a payment from it ignores freezes on the
//! submitter's account (`Fortitude::Force`). A freeze in `pallet-balances` counts funds on
//! hold, so a submitter that froze its whole balance would otherwise have every payment of
//! its jobs fail. A payment that fails all the same (it cannot, while the hold covers it and
//! the payee exists) is an error that undoes the settlement, never "paid 0".

use crate::{BalanceOf, Config, HoldReason};
use frame_support::traits::{
	fungible::{InspectHold, MutateHold},
	tokens::{Fortitude, Precision, Restriction},
};
use sp_runtime::{traits::Zero, DispatchResult};

/// Everything held for jobs on `who`.
pub fn held<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	T::Currency::balance_on_hold(&HoldReason::Job.into(), who)
}

/// Puts `amount` of `who`'s free balance on hold for a job.
pub fn hold<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	T::Currency::hold(&HoldReason::Job.into(), who, amount)
}

/// Returns exactly `amount` of `who`'s job hold to its free balance.
pub fn refund<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	if amount.is_zero() {
		return Ok(());
	}
	T::Currency::release(&HoldReason::Job.into(), who, amount, Precision::Exact).map(|_| ())
}

/// Pays exactly `amount` from `submitter`'s job hold to `to`'s free balance, whatever
/// freezes stand on `submitter`'s account.
pub fn pay<T: Config>(
	submitter: &T::AccountId,
	to: &T::AccountId,
	amount: BalanceOf<T>,
) -> DispatchResult {
	if amount.is_zero() {
		return Ok(());
	}
	T::Currency::transfer_on_hold(
		&HoldReason::Job.into(),
		submitter,
		to,
		amount,
		Precision::Exact,
		Restriction::Free,
		Fortitude::Force,
	)
	.map(|_| ())
}
