//! Commission: a provider's share of its pool's income. A decrease applies at once. An
//! increase is announced and applies `unbonding_eras + 1` eras later, so that every
//! delegator who disagrees can unbond and be out before it applies, and only to income
//! earned from that era on: stake income earned before it and booked later is booked at
//! the old rate (the rewards pallet splits it at the stake index of the era's start,
//! [`depin_interfaces::PoolIncome::credit_earned_before`]); a provider announces
//! at most one increase per `commission_increase_interval` eras, and a decrease does not
//! reset that clock (lowering and raising again cannot sidestep it).

use crate::*;
use depin_interfaces::{CountedStakeObserver, ProviderStake};
use frame_support::{ensure, pallet_prelude::DispatchResult};
use sp_runtime::Perbill;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_set_commission(who: &T::AccountId, rate: Perbill) -> DispatchResult {
		ensure!(T::Providers::own_bond(who).is_some(), Error::<T>::NotProvider);
		let params = Params::<T>::get();
		ensure!(rate <= params.max_commission, Error::<T>::CommissionTooHigh);
		// Income accrued so far is booked at the rate it accrued under.
		T::StakeIncome::settle_income(who);
		let era = Self::era();
		let mut pool = Pools::<T>::get(who).unwrap_or_default();
		pool.commission.settle(era);
		let event = if rate <= pool.commission.current {
			pool.commission.current = rate;
			pool.commission.pending = None;
			Event::CommissionLowered { provider: who.clone(), commission: rate }
		} else {
			if let Some(last) = pool.commission.last_increase {
				ensure!(
					era >= last.saturating_add(params.commission_increase_interval),
					Error::<T>::CommissionIncreaseTooSoon
				);
			}
			let applies_from = era.saturating_add(params.unbonding_eras).saturating_add(1);
			pool.commission.pending = Some((rate, applies_from));
			pool.commission.last_increase = Some(era);
			Event::CommissionAnnounced { provider: who.clone(), commission: rate, applies_from }
		};
		Pools::<T>::insert(who, pool);
		Self::deposit_event(event);
		Ok(())
	}
}
