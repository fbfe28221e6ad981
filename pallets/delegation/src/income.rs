//! Income: the rewards pallet books income into a provider's pool
//! ([`depin_interfaces::PoolIncome`]), members and the provider claim it from the reward
//! pot.
//!
//! Booking splits an amount three ways: the commission in force, then the rest by the
//! provider's own active bond against its pool's active stake. The delegators' share
//! raises the pool's reward-per-point counter by `share / points` (rounded down, so that
//! the counter never owes more than was booked); a member's pending income is
//! `points × (counter − its last counter)`, settled into its record whenever its points
//! change. Every operation is O(1) whatever the number of eras or members.

use crate::*;
use depin_interfaces::{CountedStakeObserver, EraIndex, PoolIncome, ProviderStake};
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::fungible::Inspect};
use sp_runtime::{
	traits::{Saturating, Zero},
	FixedPointNumber, Rounding,
};

impl<T: Config> Pallet<T> {
	/// Moves the income `member`'s points earned since it last settled into its record.
	pub(crate) fn settle_member(pool: &mut PoolOf<T>, member: &mut MemberOf<T>) {
		let pending = Self::pending_in(pool, member);
		pool.members_owed = pool.members_owed.saturating_sub(pending);
		member.unclaimed = member.unclaimed.saturating_add(pending);
		member.last_counter = pool.reward_counter;
	}

	/// What `member`'s points earned since it last settled (never more than the pool owes
	/// its members).
	fn pending_in(pool: &PoolOf<T>, member: &MemberOf<T>) -> BalanceOf<T> {
		pool.reward_counter
			.saturating_sub(member.last_counter)
			.saturating_mul_int(member.points)
			.min(pool.members_owed)
	}

	/// Income `who` may claim now: as a member, and as a provider.
	pub(crate) fn pending_of(who: &T::AccountId) -> BalanceOf<T> {
		let as_member = Members::<T>::get(who).map_or(Zero::zero(), |member| {
			let pending = Pools::<T>::get(&member.provider)
				.map_or(Zero::zero(), |pool| Self::pending_in(&pool, &member));
			member.unclaimed.saturating_add(pending)
		});
		let as_provider = Pools::<T>::get(who).map_or(Zero::zero(), |pool| pool.provider_owed);
		as_member.saturating_add(as_provider)
	}

	/// The member's income, settled, taken out of its record and of [`TotalOwed`].
	fn take_income(
		who: &T::AccountId,
	) -> Result<(T::AccountId, PoolOf<T>, MemberOf<T>, BalanceOf<T>), sp_runtime::DispatchError> {
		let mut member = Members::<T>::get(who).ok_or(Error::<T>::NotMember)?;
		let provider = member.provider.clone();
		T::StakeIncome::settle_income(&provider);
		let mut pool = Pools::<T>::get(&provider).unwrap_or_default();
		Self::settle_member(&mut pool, &mut member);
		let amount = core::mem::take(&mut member.unclaimed);
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		Ok((provider, pool, member, amount))
	}

	pub(crate) fn do_claim(who: &T::AccountId) -> DispatchResult {
		let (provider, pool, member, amount) = Self::take_income(who)?;
		asset::pay_income::<T>(who, amount).map_err(|_| Error::<T>::PotExhausted)?;
		TotalOwed::<T>::mutate(|owed| *owed = owed.saturating_sub(amount));
		Self::store(who, &provider, pool, Some(member));
		Self::deposit_event(Event::Claimed { member: who.clone(), amount });
		Ok(())
	}

	pub(crate) fn do_compound(who: &T::AccountId) -> DispatchResult {
		let (provider, mut pool, mut member, amount) = Self::take_income(who)?;
		ensure!(amount >= T::Currency::minimum_balance(), Error::<T>::BelowMinimum);
		ensure!(T::Providers::accepts_delegations(&provider), Error::<T>::NotAcceptingDelegations);
		let params = Params::<T>::get();
		let points = Self::add_stake(&provider, &mut pool, &mut member, amount, &params, || {
			asset::stake_from_pot::<T>(&provider, amount)
				.map_err(|_| Error::<T>::PotExhausted.into())
		})?;
		TotalOwed::<T>::mutate(|owed| *owed = owed.saturating_sub(amount));
		Self::store(who, &provider, pool, Some(member));
		Self::deposit_event(Event::Compounded { member: who.clone(), amount, points });
		Ok(())
	}

	pub(crate) fn do_claim_commission(who: &T::AccountId) -> DispatchResult {
		T::StakeIncome::settle_income(who);
		let mut pool = Pools::<T>::get(who).ok_or(Error::<T>::NothingToClaim)?;
		let amount = core::mem::take(&mut pool.provider_owed);
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		asset::pay_income::<T>(who, amount).map_err(|_| Error::<T>::PotExhausted)?;
		TotalOwed::<T>::mutate(|owed| *owed = owed.saturating_sub(amount));
		Self::store(who, who, pool, None);
		Self::deposit_event(Event::CommissionClaimed { provider: who.clone(), amount });
		Ok(())
	}
}

impl<T: Config> PoolIncome<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn credit(provider: &T::AccountId, amount: BalanceOf<T>) {
		Self::book(provider, amount, Self::era());
	}

	fn credit_earned_before(provider: &T::AccountId, amount: BalanceOf<T>, before: EraIndex) {
		Self::book(provider, amount, before.saturating_sub(1));
	}

	fn increase_from(provider: &T::AccountId) -> Option<EraIndex> {
		let (_, from) = Pools::<T>::get(provider)?.commission.pending?;
		(from <= Self::era()).then_some(from)
	}

	fn total_owed() -> BalanceOf<T> {
		TotalOwed::<T>::get()
	}
}

impl<T: Config> Pallet<T> {
	/// Books `amount` earned in `era` into `provider`'s pool, at the commission in force in
	/// that era: an announced increase applies only to income earned from its era on.
	fn book(provider: &T::AccountId, amount: BalanceOf<T>, era: EraIndex) {
		if amount.is_zero() {
			return;
		}
		let params = Params::<T>::get();
		let mut pool = Pools::<T>::get(provider).unwrap_or_default();
		pool.commission.settle(era);
		let commission = pool.commission.in_effect(era, params.max_commission) * amount;
		let rest = amount.saturating_sub(commission);
		let own = T::Providers::own_bond(provider).unwrap_or_default();
		let delegators = if pool.points.is_zero() {
			Zero::zero()
		} else {
			points::scale(rest, pool.active, own.saturating_add(pool.active), Rounding::Down)
		};
		// The counter rises by what the share pays per point, rounded down.
		let per_point = sp_runtime::FixedU128::checked_from_rational(delegators, pool.points)
			.unwrap_or_default();
		pool.reward_counter = pool.reward_counter.saturating_add(per_point);
		pool.members_owed = pool.members_owed.saturating_add(delegators);
		pool.provider_owed = pool.provider_owed.saturating_add(amount.saturating_sub(delegators));
		Pools::<T>::insert(provider, pool);
		TotalOwed::<T>::mutate(|owed| *owed = owed.saturating_add(amount));
		Self::deposit_event(Event::IncomeBooked {
			provider: provider.clone(),
			amount,
			commission,
			delegators,
		});
	}

	/// `provider`'s pool for clients.
	pub(crate) fn pool_view(provider: &T::AccountId) -> Option<PoolState<BalanceOf<T>>> {
		let pool = Pools::<T>::get(provider)?;
		let era = Self::era();
		let max = Params::<T>::get().max_commission;
		Some(PoolState {
			points: pool.points,
			active: pool.active,
			unbonding: pool.held().saturating_sub(pool.active),
			members: pool.members,
			commission: pool.commission.in_effect(era, max),
			pending_commission: pool.commission.pending.filter(|(_, from)| *from > era),
			provider_owed: pool.provider_owed,
		})
	}

	/// `who`'s delegation for clients.
	pub(crate) fn member_view(
		who: &T::AccountId,
	) -> Option<MemberState<T::AccountId, BalanceOf<T>>> {
		let member = Members::<T>::get(who)?;
		let pool = Pools::<T>::get(&member.provider).unwrap_or_default();
		let unbonding_eras = Params::<T>::get().unbonding_eras;
		let unbonding = member
			.unbonding
			.iter()
			.map(|(era, points)| {
				let bucket = Self::bucket_of(&pool, *era);
				(
					era.saturating_add(unbonding_eras),
					points::value_of(*points, bucket.points, bucket.balance),
				)
			})
			.collect();
		Some(MemberState {
			provider: member.provider.clone(),
			active: points::value_of(member.points, pool.points, pool.active),
			unbonding,
			pending_rewards: member.unclaimed.saturating_add(Self::pending_in(&pool, &member)),
		})
	}
}
