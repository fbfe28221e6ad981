//! Stake: what a provider's own bond and its delegators' stake count for, and the hooks
//! through which the delegation and rewards pallets follow it.
//!
//! A provider's **counted stake** is its active bond plus the stake its delegators have
//! active behind it ([`ProviderInfo::delegated`]), saturating at `max_counted_stake`, and
//! zero while it is not listed (paused, or without active bond): it weighs the provider
//! in selection ([`crate::index`]) and earns stake income (the rewards pallet). The cap is
//! what stops capital alone from buying unlimited work, and from earning more of the
//! emission than the work it does (`scripts/simulate-rewards`). A change of the cap
//! reaches every provider through a sweep of the registry, `RecountPerBlock` providers a
//! block ([`crate::Recount`]): a provider that never touches its record cannot keep
//! counting (and earning) at the old cap.
//!
//! The registry answers the delegation pallet through [`ProviderStake`] and tells the
//! rewards pallet of every change of counted stake through [`CountedStakeObserver`]; both
//! contracts are declared, with the others between the pallets, in `depin-interfaces`.

use crate::*;
use depin_interfaces::{CountedStakeObserver, ProviderStake};
use frame_support::{pallet_prelude::DispatchResult, traits::Get};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// `info`'s counted stake under `params` (see the module docs).
	pub fn counted(info: &ProviderInfoOf<T>, params: &ProviderParamsOf<T>) -> BalanceOf<T> {
		if info.listing.is_none() {
			return Zero::zero();
		}
		info.bond.saturating_add(info.delegated).min(params.max_counted_stake)
	}
}

impl<T: Config> ProviderStake<T::AccountId> for Pallet<T> {
	type Balance = BalanceOf<T>;

	fn own_bond(provider: &T::AccountId) -> Option<BalanceOf<T>> {
		ProviderRecords::<T>::get(provider).map(|info| info.bond)
	}

	fn accepts_delegations(provider: &T::AccountId) -> bool {
		ProviderRecords::<T>::get(provider).is_some_and(|info| info.listing.is_some())
	}

	fn set_delegated(provider: &T::AccountId, delegated: BalanceOf<T>) {
		let _ = Self::update(provider, |info| {
			info.delegated = delegated;
			Ok(None)
		});
	}

	fn counted_stake(provider: &T::AccountId) -> BalanceOf<T> {
		ProviderRecords::<T>::get(provider)
			.map_or(Zero::zero(), |info| Self::counted(&info, &Params::<T>::get()))
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_provider(index: u32, delegated: BalanceOf<T>) -> T::AccountId {
		use frame_support::traits::fungible::{Inspect, Mutate};
		let (who, _) = <Self as ProviderRegistry<T::AccountId>>::benchmark_provider(
			index,
			DeviceKind::Gpu,
			[9; 32],
		);
		// An own bond as large as what is delegated backs any delegation ratio.
		let extra = delegated;
		let funds = T::Currency::balance(&who).saturating_add(extra);
		T::Currency::set_balance(&who, funds);
		let _ = Self::update(&who, |info| {
			crate::asset::hold_bond::<T>(&who, extra)?;
			info.bond = info.bond.saturating_add(extra);
			Ok(None)
		});
		who
	}
}

impl<T: Config> Pallet<T> {
	/// Reports the counted stake of the next `RecountPerBlock` providers of the sweep from
	/// `from` under the parameters in force (the observer books each one's stake income at
	/// the count it had, then takes the new one), and moves the sweep on, or ends it.
	/// Returns how many it reported.
	pub(crate) fn recount(from: RecountFrom<T::AccountId>) -> u32 {
		let per_block = T::RecountPerBlock::get();
		let keys = match &from {
			RecountFrom::Start => ProviderRecords::<T>::iter_keys(),
			RecountFrom::After(last) => {
				ProviderRecords::<T>::iter_keys_from(ProviderRecords::<T>::hashed_key_for(last))
			},
		};
		let batch: alloc::vec::Vec<T::AccountId> = keys.take(per_block as usize).collect();
		let params = Params::<T>::get();
		for who in &batch {
			if let Some(info) = ProviderRecords::<T>::get(who) {
				T::StakeObserver::counted_stake_changed(who, Self::counted(&info, &params));
			}
		}
		let done = batch.len() as u32;
		match batch.into_iter().last() {
			Some(last) if done == per_block => Recount::<T>::put(RecountFrom::After(last)),
			_ => {
				Recount::<T>::kill();
				Self::deposit_event(Event::Recounted { last_batch: done });
			},
		}
		done
	}
}

/// Tells the observer about a change of counted stake, if there is one.
pub(crate) fn observe<T: Config>(
	who: &T::AccountId,
	before: BalanceOf<T>,
	after: BalanceOf<T>,
) -> DispatchResult {
	if before != after {
		T::StakeObserver::counted_stake_changed(who, after);
	}
	Ok(())
}
