//! Every currency operation of the delegation pallet, in one place. Delegated stake is a
//! fungible hold ([`HoldReason::Delegated`]) on the pool's keyless account, derived from
//! the provider's account; income is paid from the reward pot.

use crate::{BalanceOf, Config, HoldReason};
use frame_support::traits::{
	fungible::{InspectHold, Mutate, MutateHold},
	tokens::{Fortitude, Precision, Preservation, Restriction},
	Get,
};
use sp_runtime::{traits::AccountIdConversion, DispatchError, DispatchResult};

/// The keyless account that holds `provider`'s pool.
pub fn pool_account<T: Config>(provider: &T::AccountId) -> T::AccountId {
	T::PalletId::get().into_sub_account_truncating(provider)
}

/// Everything held as delegated stake on `provider`'s pool account.
pub fn held<T: Config>(provider: &T::AccountId) -> BalanceOf<T> {
	T::Currency::balance_on_hold(&HoldReason::Delegated.into(), &pool_account::<T>(provider))
}

/// Gives the pool account its own reference, so that it exists while it holds stake with
/// no free balance. Called when the pool's holdings go from nothing to something.
pub fn open<T: Config>(provider: &T::AccountId) {
	frame_system::Pallet::<T>::inc_providers(&pool_account::<T>(provider));
}

/// Drops the pool account's reference once it holds nothing.
pub fn close<T: Config>(provider: &T::AccountId) {
	let _ = frame_system::Pallet::<T>::dec_providers(&pool_account::<T>(provider));
}

/// Moves `amount` of `from`'s free balance onto the pool's hold. Fails, changing nothing,
/// if `from` cannot pay it and keep its account.
pub fn stake<T: Config>(
	from: &T::AccountId,
	provider: &T::AccountId,
	amount: BalanceOf<T>,
) -> DispatchResult {
	T::Currency::transfer_and_hold(
		&HoldReason::Delegated.into(),
		from,
		&pool_account::<T>(provider),
		amount,
		Precision::Exact,
		Preservation::Preserve,
		Fortitude::Polite,
	)
	.map(|_| ())
}

/// Moves `amount` of income from the reward pot onto the pool's hold (compounding).
pub fn stake_from_pot<T: Config>(provider: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	stake::<T>(&T::RewardPot::get(), provider, amount)
}

/// Pays exactly `amount` of the pool's hold to `to`'s free balance.
pub fn unstake<T: Config>(
	provider: &T::AccountId,
	to: &T::AccountId,
	amount: BalanceOf<T>,
) -> DispatchResult {
	T::Currency::transfer_on_hold(
		&HoldReason::Delegated.into(),
		&pool_account::<T>(provider),
		to,
		amount,
		Precision::Exact,
		Restriction::Free,
		Fortitude::Force,
	)
	.map(|_| ())
}

/// Moves up to `amount` of the pool's hold to the treasury. Returns what was moved.
pub fn slash_to_treasury<T: Config>(
	provider: &T::AccountId,
	amount: BalanceOf<T>,
) -> Result<BalanceOf<T>, DispatchError> {
	T::Currency::transfer_on_hold(
		&HoldReason::Delegated.into(),
		&pool_account::<T>(provider),
		&T::Treasury::get(),
		amount,
		Precision::BestEffort,
		Restriction::Free,
		Fortitude::Force,
	)
}

/// Pays `amount` of income from the reward pot to `to`, keeping the pot alive.
pub fn pay_income<T: Config>(to: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
	T::Currency::transfer(&T::RewardPot::get(), to, amount, Preservation::Preserve).map(|_| ())
}
