//! Verified work: what a settled job's agreeing replica is credited, and from what.
//! See the crate docs for why paying oneself for a job never earns what it costs.

use crate::*;
use depin_interfaces::{EraIndex, PoolIncome, VerifiedWork, WorkCredit};
use frame_support::traits::Get;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// What one agreeing replica of `work` is worth: `audit_reward` for an audit,
	/// `user_work_rate × fee / replicas` for a user job with enough replicas, else nothing.
	pub fn work_value(work: &VerifiedWork<BalanceOf<T>>) -> BalanceOf<T> {
		let params = Params::<T>::get();
		if work.audit {
			return params.audit_reward;
		}
		if work.replicas < params.min_work_replicas {
			return Zero::zero();
		}
		let per_replica = work.fee / BalanceOf::<T>::from(u32::from(work.replicas.max(1)));
		params.user_work_rate * per_replica
	}
}

impl<T: Config> Pallet<T> {
	/// Adds `paid` to era `era` of a recent-work record, forgetting eras that left the
	/// window. Credits come in era order, so the newest entry is the only one to add to.
	fn add_recent(work: &mut RecentWorkOf<T>, era: EraIndex, paid: BalanceOf<T>) {
		match work.last_mut() {
			Some((last, value)) if *last == era => *value = value.saturating_add(paid),
			_ => {
				let window = T::RecentWorkEras::get();
				work.retain(|(e, _)| era.saturating_sub(*e) < window);
				if work.is_full() {
					work.remove(0);
				}
				// Cannot fail: there is room now (a window of zero eras remembers nothing).
				let _ = work.try_push((era, paid));
			},
		}
	}

	/// What a record holds for the eras still in the window at `era`.
	fn sum_recent(work: &RecentWorkOf<T>, era: EraIndex) -> BalanceOf<T> {
		let window = T::RecentWorkEras::get();
		work.iter()
			.filter(|(e, _)| era.saturating_sub(*e) < window)
			.fold(Zero::zero(), |acc: BalanceOf<T>, (_, v)| acc.saturating_add(*v))
	}

	/// Verified work paid to `provider` over the last `RecentWorkEras` eras, this one
	/// included: its weight in the DAO's work house.
	pub fn recent_work(provider: &T::AccountId) -> BalanceOf<T> {
		Self::sum_recent(&ProviderWork::<T>::get(provider), CurrentEra::<T>::get().index)
	}

	/// Verified work paid to all providers over the same eras.
	pub fn network_recent_work() -> BalanceOf<T> {
		Self::sum_recent(&NetworkWork::<T>::get(), CurrentEra::<T>::get().index)
	}
}

impl<T: Config> WorkCredit<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn credit_work(provider: &T::AccountId, work: VerifiedWork<BalanceOf<T>>) {
		let value = Self::work_value(&work);
		if value.is_zero() {
			return;
		}
		let paid = CurrentEra::<T>::mutate(|era| {
			let paid = value.min(era.work_budget.saturating_sub(era.work_paid));
			era.work_paid = era.work_paid.saturating_add(paid);
			paid
		});
		if !paid.is_zero() {
			// Stake income first: what was earned before a commission increase applied is
			// booked at the old rate before this credit applies the new one.
			Self::settle_stake_income(provider);
			T::Pools::credit(provider, paid);
			let era = CurrentEra::<T>::get().index;
			ProviderWork::<T>::mutate(provider, |work| Self::add_recent(work, era, paid));
			NetworkWork::<T>::mutate(|work| Self::add_recent(work, era, paid));
		}
		Self::deposit_event(Event::WorkCredited {
			provider: provider.clone(),
			value,
			paid,
			audit: work.audit,
		});
	}

	/// The provider's recent work leaves its record and the network's total: a provider
	/// caught with a wrong or withheld result does not vote with the work it was credited
	/// before (what it was paid stays paid). Bounded by `RecentWorkEras`.
	fn forfeit_work(provider: &T::AccountId) {
		let forfeited = ProviderWork::<T>::take(provider);
		if forfeited.is_empty() {
			return;
		}
		NetworkWork::<T>::mutate(|network| {
			for (era, value) in network.iter_mut() {
				if let Some((_, lost)) = forfeited.iter().find(|(e, _)| e == era) {
					*value = value.saturating_sub(*lost);
				}
			}
		});
		Self::deposit_event(Event::WorkForfeited {
			provider: provider.clone(),
			recent: Self::sum_recent(&forfeited, CurrentEra::<T>::get().index),
		});
	}

	fn is_auditor(who: &T::AccountId) -> bool {
		*who == Self::pot()
	}
}
