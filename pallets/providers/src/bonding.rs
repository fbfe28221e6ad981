//! Bonding: adding to the active bond, unbonding part of it into chunks that stay held and
//! slashable for `unbonding_period` blocks, and withdrawing the chunks that matured. A
//! provider keeps `min_bond` active or nothing, and keeps it while a work-house vote of its
//! stands.

use crate::*;
use depin_interfaces::VoteLocks;
use frame_support::{ensure, pallet_prelude::DispatchResult};
use sp_runtime::traits::{CheckedAdd, CheckedSub, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Puts `amount` more of `who`'s free balance on hold as active bond.
	pub(crate) fn do_bond_extra(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		Self::update(who, |info| {
			let bond = info.bond.checked_add(&amount).ok_or(Error::<T>::InsufficientBalance)?;
			asset::hold_bond::<T>(who, amount).map_err(|_| Error::<T>::InsufficientBalance)?;
			info.bond = bond;
			Ok(Some(Event::Bonded { provider: who.clone(), amount }))
		})
	}

	/// Moves `amount` of the active bond into the unbonding chunk that matures
	/// `unbonding_period` blocks from now.
	pub(crate) fn do_unbond(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		Self::update(who, |info| {
			let remaining = info.bond.checked_sub(&amount).ok_or(Error::<T>::UnbondTooLarge)?;
			let params = Params::<T>::get();
			ensure!(
				remaining.is_zero() || remaining >= params.min_bond,
				Error::<T>::BondBelowMinimum
			);
			// A work-house vote stands on the provider being one: it keeps `min_bond`.
			ensure!(
				!remaining.is_zero() || !T::VoteLocks::has_provider_vote(who),
				Error::<T>::LockedByVote
			);
			let unlock_at =
				frame_system::Pallet::<T>::block_number().saturating_add(params.unbonding_period);
			// Requests that mature in the same block share a chunk.
			match info.unbonding.last_mut() {
				Some(last) if last.unlock_at == unlock_at => {
					last.value = last.value.saturating_add(amount)
				},
				_ => info
					.unbonding
					.try_push(UnbondingChunk { value: amount, unlock_at })
					.map_err(|_| Error::<T>::TooManyUnbondingChunks)?,
			}
			info.bond = remaining;
			Ok(Some(Event::Unbonded { provider: who.clone(), amount, unlock_at }))
		})
	}

	/// Releases every matured unbonding chunk to `who`'s free balance.
	pub(crate) fn do_withdraw_unbonded(who: &T::AccountId) -> DispatchResult {
		Self::update(who, |info| {
			let now = frame_system::Pallet::<T>::block_number();
			let mut amount = BalanceOf::<T>::zero();
			info.unbonding.retain(|chunk| {
				let matured = chunk.unlock_at <= now;
				if matured {
					amount = amount.saturating_add(chunk.value);
				}
				!matured
			});
			ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
			asset::release_bond::<T>(who, amount)?;
			Ok(Some(Event::Withdrawn { provider: who.clone(), amount }))
		})
	}
}
