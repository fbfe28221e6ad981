//! Every currency operation of the DAO: the hold on voters' capital.
//!
//! A vote's balance capital is put on hold ([`HoldReason::Vote`]), not frozen. A freeze in
//! `pallet-balances` constrains the account's *total* balance, funds on hold included, so
//! the same units could back a vote and a job's escrow or a provider's bond: a voter could
//! put frozen funds on hold for a job (holds may take frozen funds) or move free funds out
//! while its other holds kept the freeze satisfied, and the chain's payment out of those
//! holds would then fail on the freeze, or the vote would count funds the chain had already
//! paid away. A hold is exclusive: each unit is in at most one hold, so no unit backs a vote
//! and another claim at once.

use crate::*;
use frame_support::{
	pallet_prelude::DispatchResult,
	traits::{
		fungible::{Inspect, InspectHold, MutateHold},
		tokens::{Fortitude, Precision, Preservation},
	},
};
use sp_runtime::traits::Saturating;

/// The hold this pallet puts on voters' accounts.
fn reason<T: Config>() -> T::RuntimeHoldReason {
	HoldReason::Vote.into()
}

/// What `who`'s votes hold now.
pub(crate) fn held<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	T::Currency::balance_on_hold(&reason::<T>(), who)
}

/// The balance `who` can vote with: what its votes hold already and what it can put on
/// hold besides, keeping its account alive.
pub(crate) fn available<T: Config>(who: &T::AccountId) -> BalanceOf<T> {
	let free = T::Currency::reducible_balance(who, Preservation::Protect, Fortitude::Polite);
	held::<T>(who).saturating_add(free)
}

/// Puts exactly `amount` of `who`'s balance on hold for its votes (zero releases all).
pub(crate) fn set_held<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	let now = held::<T>(who);
	if amount > now {
		T::Currency::hold(&reason::<T>(), who, amount.saturating_sub(now))
	} else if amount < now {
		T::Currency::release(&reason::<T>(), who, now.saturating_sub(amount), Precision::Exact)
			.map(|_| ())
	} else {
		Ok(())
	}
}
