//! The pallet's invariants, checked by `try_state` and after every test.

use crate::*;
use alloc::collections::BTreeMap;
use frame_support::{
	ensure,
	traits::{fungible::Inspect, Get},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	FixedPointNumber, TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants (see the crate docs).
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		// Per pool: active points, members, and points per bucket era, from the members.
		let mut points: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut members: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut pending: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut buckets: BTreeMap<(T::AccountId, u32), BalanceOf<T>> = BTreeMap::new();
		let mut matured: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut owed = BalanceOf::<T>::zero();
		for (_, member) in Members::<T>::iter() {
			let pool = Pools::<T>::get(&member.provider)
				.ok_or(TryRuntimeError::Other("a member of a pool that does not exist"))?;
			ensure!(
				member.last_counter <= pool.reward_counter,
				TryRuntimeError::Other("a member's counter is above its pool's")
			);
			owed = owed.saturating_add(member.unclaimed);
			let p = points.entry(member.provider.clone()).or_default();
			*p = p.saturating_add(member.points);
			let due = pool
				.reward_counter
				.saturating_sub(member.last_counter)
				.saturating_mul_int(member.points);
			let d = pending.entry(member.provider.clone()).or_default();
			*d = d.saturating_add(due);
			*members.entry(member.provider.clone()).or_default() += 1;
			for (era, chunk) in member.unbonding.iter() {
				let entry = if pool.buckets.iter().any(|b| b.era == *era) {
					buckets.entry((member.provider.clone(), *era)).or_default()
				} else {
					matured.entry(member.provider.clone()).or_default()
				};
				*entry = entry.saturating_add(*chunk);
			}
		}
		for (provider, pool) in Pools::<T>::iter() {
			ensure!(
				points.get(&provider).copied().unwrap_or_default() == pool.points,
				TryRuntimeError::Other("members' points differ from their pool's")
			);
			ensure!(
				members.get(&provider).copied().unwrap_or_default() == pool.members,
				TryRuntimeError::Other("a pool's member count is off")
			);
			ensure!(
				pending.get(&provider).copied().unwrap_or_default() <= pool.members_owed,
				TryRuntimeError::Other("a pool owes its members more than was booked for them")
			);
			for bucket in pool.buckets.iter() {
				ensure!(
					buckets.get(&(provider.clone(), bucket.era)).copied().unwrap_or_default()
						== bucket.points,
					TryRuntimeError::Other("members' unbonding points differ from a bucket's")
				);
			}
			ensure!(
				matured.get(&provider).copied().unwrap_or_default() == pool.matured.points,
				TryRuntimeError::Other("members' matured points differ from the merged bucket")
			);
			ensure!(
				asset::held::<T>(&provider) == pool.held(),
				TryRuntimeError::Other("a pool account's hold differs from its stake")
			);
			ensure!(
				pool.points.is_zero() || !pool.members_owed.is_zero() || pool.members > 0,
				TryRuntimeError::Other("a pool with points has no members")
			);
			owed = owed.saturating_add(pool.members_owed).saturating_add(pool.provider_owed);
		}
		ensure!(owed == TotalOwed::<T>::get(), TryRuntimeError::Other("TotalOwed is off"));
		ensure!(
			T::Currency::balance(&T::RewardPot::get()) >= owed,
			TryRuntimeError::Other("the reward pot does not cover the income owed")
		);
		Ok(())
	}
}
