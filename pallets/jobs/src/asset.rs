//! Every currency operation of the jobs pallet, in one place. A job's escrow and storage
//! deposit are one fungible hold on the submitter's account ([`HoldReason::Job`]): payments
//! move held funds straight to providers and the treasury, refunds release them.

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

/// Pays `amount` from `submitter`'s job hold to `to`'s free balance. Returns what was paid:
/// `amount`, or nothing if `to` could not receive it (it then stays held, to be refunded).
pub fn pay<T: Config>(
	submitter: &T::AccountId,
	to: &T::AccountId,
	amount: BalanceOf<T>,
) -> BalanceOf<T> {
	if amount.is_zero() {
		return amount;
	}
	T::Currency::transfer_on_hold(
		&HoldReason::Job.into(),
		submitter,
		to,
		amount,
		Precision::Exact,
		Restriction::Free,
		Fortitude::Polite,
	)
	.unwrap_or_else(|e| {
		log::warn!(target: "runtime::jobs", "payment of {amount:?} to {to:?} failed: {e:?}");
		Zero::zero()
	})
}
