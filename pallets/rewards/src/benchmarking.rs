//! FRAME benchmarks of the rewards pallet: an era's start with `a` audits issued, and the
//! same number of the last era's audits cleared, and `set_params`.

use super::*;
use crate::Pallet as Rewards;
use depin_interfaces::AuditJobs;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn start_era(a: Linear<0, { T::MaxAudits::get() / 2 }>) {
		let mut params = Params::<T>::get();
		params.audits_per_era = a;
		params.era_length = 10u32.into();
		Params::<T>::put(&params);
		T::Audits::benchmark_prepare(params.audit_replicas);
		// Issuance large enough that an era's work budget pays every audit.
		let whale: T::AccountId = account("whale", 0, 0);
		let big = T::Currency::minimum_balance().saturating_mul(1_000_000_000u32.into());
		T::Currency::set_balance(&whale, big.saturating_mul(1_000_000u32.into()));
		// The last era issued `a` audits, all finished: this era clears them.
		let first: BlockNumberFor<T> = 10u32.into();
		frame_system::Pallet::<T>::set_block_number(first);
		Rewards::<T>::start_era(first, CurrentEra::<T>::get());
		let pot = Rewards::<T>::pot();
		for job in OpenAudits::<T>::get() {
			T::Audits::benchmark_finish(&pot, job);
		}
		let next: BlockNumberFor<T> = 20u32.into();
		frame_system::Pallet::<T>::set_block_number(next);
		let issued;

		#[block]
		{
			issued = Rewards::<T>::start_era(next, CurrentEra::<T>::get());
		}

		assert_eq!(issued, a);
		assert_eq!(OpenAudits::<T>::get().len() as u32, a);
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = RewardParams { audits_per_era: 1, ..Params::<T>::get() };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	impl_benchmark_test_suite!(Rewards, crate::mock::new_test_ext(), crate::mock::Test);
}
