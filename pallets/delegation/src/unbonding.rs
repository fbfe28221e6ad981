//! Unbonding: a member's stake leaves its pool through the bucket of the era it unbonded
//! in. The bucket stays held and slashable for `unbonding_eras`; then the member
//! withdraws it. Members own buckets in points, like the active stake, so that a slash
//! lowers a bucket's balance in O(1).
//!
//! A pool keeps at most `MaxUnbondingBuckets` buckets. Only the last `unbonding_eras` eras
//! can hold slashable ones, so when a new bucket does not fit, the matured ones (past
//! their unbonding eras, no longer slashable) merge into one, as
//! `pallet-nomination-pools` merges its old sub-pools. Merged buckets pool their balance:
//! members of eras whose buckets saw different slashes before they matured then share
//! the difference. Members who withdraw when their stake matures never meet a merge.

use crate::*;
use depin_interfaces::VoteLocks;
use depin_interfaces::{CountedStakeObserver, EraIndex};
use frame_support::{ensure, pallet_prelude::DispatchResult};
use points::value_of;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// The bucket member points of `era` are in: its own, or the merged matured one.
	pub(crate) fn bucket_of(pool: &PoolOf<T>, era: EraIndex) -> UnbondBucket<BalanceOf<T>> {
		pool.buckets
			.iter()
			.find(|b| b.era == era)
			.cloned()
			.unwrap_or_else(|| pool.matured.clone())
	}

	/// Whether stake unbonded in `era` may be withdrawn in `now`.
	pub(crate) fn matured(era: EraIndex, now: EraIndex, unbonding_eras: EraIndex) -> bool {
		era.saturating_add(unbonding_eras) <= now
	}

	pub(crate) fn do_unbond(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut member = Members::<T>::get(who).ok_or(Error::<T>::NotMember)?;
		let provider = member.provider.clone();
		let params = Params::<T>::get();
		let now = Self::era();
		T::StakeIncome::settle_income(&provider);
		let mut pool = Pools::<T>::get(&provider).unwrap_or_default();
		Self::settle_member(&mut pool, &mut member);

		let active = value_of(member.points, pool.points, pool.active);
		ensure!(!member.points.is_zero(), Error::<T>::UnbondTooLarge);
		// All of it, or points worth `amount` (rounded up, so that the pool keeps what the
		// remaining points are worth).
		let points = if amount >= active {
			member.points
		} else {
			points::scale(amount, pool.points, pool.active, sp_runtime::Rounding::Up)
				.min(member.points)
		};
		let value = value_of(points, pool.points, pool.active);
		let left = active.saturating_sub(value);
		ensure!(left.is_zero() || left >= params.min_delegation, Error::<T>::BelowMinimum);

		pool.points = pool.points.saturating_sub(points);
		pool.active = pool.active.saturating_sub(value);
		member.points = member.points.saturating_sub(points);
		if value.is_zero() {
			// Points of a pool slashed to nothing: they leave without a bucket.
			Self::store(who, &provider, pool, Some(member));
			return Ok(());
		}
		// The member's chunk of this era, then the pool's bucket.
		let chunk = member.unbonding.iter().position(|(era, _)| *era == now);
		ensure!(chunk.is_some() || !member.unbonding.is_full(), Error::<T>::TooManyUnbondingChunks);
		let slot = match pool.buckets.iter().position(|b| b.era == now) {
			Some(slot) => slot,
			None => {
				if pool.buckets.is_full() {
					Self::merge_matured(&mut pool, now, params.unbonding_eras);
				}
				pool.buckets
					.try_push(UnbondBucket {
						era: now,
						points: Zero::zero(),
						balance: Zero::zero(),
					})
					.map_err(|_| Error::<T>::TooManyUnbondingBuckets)?;
				pool.buckets.len() - 1
			},
		};
		let bucket = &mut pool.buckets[slot];
		let bucket_points = points::points_for(value, bucket.points, bucket.balance);
		bucket.points = bucket.points.saturating_add(bucket_points);
		bucket.balance = bucket.balance.saturating_add(value);
		match chunk {
			Some(i) => member.unbonding[i].1 = member.unbonding[i].1.saturating_add(bucket_points),
			None => member
				.unbonding
				.try_push((now, bucket_points))
				.map_err(|_| Error::<T>::TooManyUnbondingChunks)?,
		}
		Self::store(who, &provider, pool, Some(member));
		Self::deposit_event(Event::Unbonded {
			member: who.clone(),
			provider,
			amount: value,
			withdrawable_from: now.saturating_add(params.unbonding_eras),
		});
		Ok(())
	}

	/// Merges every matured bucket into `pool.matured`.
	fn merge_matured(pool: &mut PoolOf<T>, now: EraIndex, unbonding_eras: EraIndex) {
		let matured = &mut pool.matured;
		pool.buckets.retain(|b| {
			if Self::matured(b.era, now, unbonding_eras) {
				matured.points = matured.points.saturating_add(b.points);
				matured.balance = matured.balance.saturating_add(b.balance);
				false
			} else {
				true
			}
		});
	}

	pub(crate) fn do_withdraw(who: &T::AccountId) -> DispatchResult {
		let mut member = Members::<T>::get(who).ok_or(Error::<T>::NotMember)?;
		let provider = member.provider.clone();
		let unbonding_eras = Params::<T>::get().unbonding_eras;
		let now = Self::era();
		let mut pool = Pools::<T>::get(&provider).unwrap_or_default();
		let mut amount = BalanceOf::<T>::zero();
		let mut withdrew = false;
		member.unbonding.retain(|(era, points)| {
			if !Self::matured(*era, now, unbonding_eras) {
				return true;
			}
			withdrew = true;
			let bucket = match pool.buckets.iter_mut().find(|b| b.era == *era) {
				Some(bucket) => bucket,
				None => &mut pool.matured,
			};
			let value = value_of(*points, bucket.points, bucket.balance);
			bucket.points = bucket.points.saturating_sub(*points);
			bucket.balance = bucket.balance.saturating_sub(value);
			amount = amount.saturating_add(value);
			false
		});
		ensure!(withdrew, Error::<T>::NothingToWithdraw);
		let locked = T::VoteLocks::locked_stake(who);
		if !locked.is_zero() {
			ensure!(
				Self::staked_value(who).saturating_sub(amount) >= locked,
				Error::<T>::LockedByVote
			);
		}
		pool.buckets.retain(|b| !b.points.is_zero());
		if pool.matured.points.is_zero() {
			pool.matured = UnbondBucket::default();
		}
		if !amount.is_zero() {
			asset::unstake::<T>(&provider, who, amount)?;
		}
		if pool.held().is_zero() {
			asset::close::<T>(&provider);
		}
		Self::store(who, &provider, pool, Some(member));
		Self::deposit_event(Event::Withdrawn { member: who.clone(), provider, amount });
		Ok(())
	}
}
