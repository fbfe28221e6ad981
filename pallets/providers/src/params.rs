//! The protocol parameters governance may set, and the ranges they must stay in.

use crate::*;
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get};
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	/// Puts `params` in force, if they are in range.
	pub(crate) fn do_set_params(params: ProviderParamsOf<T>) -> DispatchResult {
		ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
		if Params::<T>::get().max_counted_stake != params.max_counted_stake {
			// Every provider's counted stake changes: a sweep brings them in line.
			Recount::<T>::put(RecountFrom::Start);
		}
		Params::<T>::put(&params);
		Self::deposit_event(Event::ParamsSet { params });
		Ok(())
	}

	/// A minimum bond above zero, an unbonding period longer than the longest job,
	/// reputation steps within the scale, a positive exposure cap and class minimum, and a
	/// counted-stake cap no lower than the minimum bond.
	pub(crate) fn params_are_valid(p: &ProviderParamsOf<T>) -> bool {
		!p.min_bond.is_zero()
			&& !p.unbonding_period.is_zero()
			&& p.unbonding_period > T::LongestJob::get()
			&& p.reputation_gain <= MAX_REPUTATION
			&& p.reputation_loss_wrong <= MAX_REPUTATION
			&& p.reputation_loss_no_show <= MAX_REPUTATION
			&& p.max_exposure_percent > 0
			&& p.min_class_providers > 0
			&& p.max_counted_stake >= p.min_bond
	}
}
