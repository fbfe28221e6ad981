//! Slashing: when the providers pallet slashes a provider, the same share of its pool's
//! active stake and of every bucket still slashable goes to the treasury. Points do not
//! change, so each member loses its share pro rata, in O(1) plus the pool's bounded
//! buckets, whatever the number of members.

use crate::*;
use depin_interfaces::PoolSlash;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

impl<T: Config> PoolSlash<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn slash_pool(provider: &T::AccountId, fraction: Perbill) -> (BalanceOf<T>, BalanceOf<T>) {
		let Some(mut pool) = Pools::<T>::get(provider) else {
			return (Zero::zero(), Zero::zero());
		};
		let now = Self::era();
		let unbonding_eras = Params::<T>::get().unbonding_eras;
		let mut wanted = fraction.mul_floor(pool.active);
		let from_active = wanted;
		let mut takes: alloc::vec::Vec<BalanceOf<T>> = alloc::vec::Vec::new();
		for bucket in pool.buckets.iter() {
			let take = if Self::matured(bucket.era, now, unbonding_eras) {
				Zero::zero()
			} else {
				fraction.mul_floor(bucket.balance)
			};
			wanted = wanted.saturating_add(take);
			takes.push(take);
		}
		if wanted.is_zero() {
			return (Zero::zero(), pool.active);
		}
		let moved = match asset::slash_to_treasury::<T>(provider, wanted) {
			Ok(moved) if moved == wanted => moved,
			result => {
				// The hold is the pool's record (checked by `try_state`): this cannot happen.
				log::error!(
					target: "runtime::delegation",
					"slash of {provider:?}'s pool moved {result:?} of {wanted:?}"
				);
				return (Zero::zero(), pool.active);
			},
		};
		pool.active = pool.active.saturating_sub(from_active);
		for (bucket, take) in pool.buckets.iter_mut().zip(takes) {
			bucket.balance = bucket.balance.saturating_sub(take);
		}
		if pool.held().is_zero() {
			asset::close::<T>(provider);
		}
		let active = pool.active;
		Pools::<T>::insert(provider, pool);
		Self::deposit_event(Event::PoolSlashed { provider: provider.clone(), amount: moved });
		(moved, active)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_pool(provider: &T::AccountId) {
		use codec::{Decode, Encode};
		use depin_interfaces::PoolIncome;
		use frame_support::traits::{fungible::Mutate, Get};
		use sp_runtime::traits::{Hash, TrailingZeroInput};
		let min = Params::<T>::get().min_delegation;
		// One member per provider: a member belongs to one pool.
		let seed = T::Hashing::hash_of(&(b"pool-member", provider)).encode();
		let Ok(member) = T::AccountId::decode(&mut TrailingZeroInput::new(&seed)) else {
			return;
		};
		T::Currency::set_balance(&member, min.saturating_mul(1_000u32.into()));
		Self::do_delegate(&member, provider, min.saturating_mul(4u32.into()))
			.expect("a listed provider takes the delegation");
		// A bucket still slashable.
		Self::do_unbond(&member, min).expect("the member unbonds");
		// Income owed, backed by the reward pot.
		let _ = T::Currency::mint_into(&T::RewardPot::get(), min);
		<Self as PoolIncome<_, _>>::credit(provider, min);
		let era = Self::era();
		let max = Params::<T>::get().max_commission;
		Pools::<T>::mutate(provider, |pool| {
			if let Some(pool) = pool {
				pool.commission.pending = Some((max, era));
			}
		});
	}
}
