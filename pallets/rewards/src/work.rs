//! Verified work: what a settled job's agreeing replica is credited, and from what.
//! See the crate docs for why paying oneself for a job never earns what it costs.

use crate::*;
use pallet_providers::{PoolIncome, VerifiedWork, WorkCredit};
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
		T::Pools::credit(provider, paid);
		Self::deposit_event(Event::WorkCredited {
			provider: provider.clone(),
			value,
			paid,
			audit: work.audit,
		});
	}

	fn is_auditor(who: &T::AccountId) -> bool {
		*who == Self::pot()
	}
}
