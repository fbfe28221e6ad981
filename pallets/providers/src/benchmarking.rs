//! FRAME benchmarks of the providers pallet, each in its worst case: longest names,
//! buckets with other providers so that leaving moves the last one, full unbonding lists,
//! and, for every change of a provider's record, a pool of delegators behind it and stake
//! income due (the change books it first: [`ProviderRegistry::benchmark_stake_at_risk`]).

use super::*;
use crate::Pallet as Providers;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get, Hooks,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{
	traits::{Bounded, Saturating},
	Perbill,
};

fn capabilities(kind: DeviceKind, class: u8) -> Capabilities {
	let name = || Name::try_from(alloc::vec![b'x'; MAX_NAME_LEN as usize]).unwrap();
	Capabilities {
		kind,
		vendor: name(),
		device: name(),
		opencl_version: OpenClVersion { major: 3, minor: 0 },
		memory_mib: 16_384,
		compute_units: 64,
		max_concurrent_jobs: u16::MAX,
		device_class: [class; 32],
	}
}

/// An account with plenty to bond.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = Params::<T>::get()
		.min_bond
		.saturating_mul(1_000u32.into())
		.saturating_add(T::Currency::minimum_balance());
	T::Currency::set_balance(&who, amount);
	who
}

fn min_bond<T: Config>() -> BalanceOf<T> {
	Params::<T>::get().min_bond
}

/// Registers `count` providers of `kind`/`class` (accounts named `name`); returns them in
/// slot order.
fn fill_bucket<T: Config>(
	name: &'static str,
	count: u32,
	kind: DeviceKind,
	class: u8,
) -> Vec<T::AccountId> {
	(0..count)
		.map(|i| {
			let who = funded::<T>(name, i);
			let operator: T::AccountId = account(name, i, 1);
			Providers::<T>::do_register(&who, operator, capabilities(kind, class), min_bond::<T>())
				.expect("filler registers");
			who
		})
		.collect()
}

/// A registered provider at slot 0 of its buckets, followed by two others, so that its
/// leaving moves the last provider of each bucket.
fn provider_first_in_full_buckets<T: Config>() -> T::AccountId {
	let who = funded::<T>("provider", 0);
	let operator: T::AccountId = account("operator", 0, 0);
	Providers::<T>::do_register(&who, operator, capabilities(DeviceKind::Gpu, 1), min_bond::<T>())
		.expect("provider registers");
	fill_bucket::<T>("gpu-filler", 2, DeviceKind::Gpu, 1);
	who
}

/// Puts `who` in its costliest state for a change of its record, just before the call.
fn at_risk<T: Config>(who: &T::AccountId) {
	<Providers<T> as ProviderRegistry<T::AccountId>>::benchmark_stake_at_risk(who);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() {
		fill_bucket::<T>("gpu-filler", 2, DeviceKind::Gpu, 1);
		let caller = funded::<T>("provider", 0);
		let operator: T::AccountId = account("operator", 0, 0);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller.clone()),
			capabilities(DeviceKind::Gpu, 1),
			operator,
			min_bond::<T>(),
		);

		assert!(pallet::ProviderRecords::<T>::contains_key(&caller));
	}

	#[benchmark]
	fn update_capabilities() {
		let caller = provider_first_in_full_buckets::<T>();
		fill_bucket::<T>("cpu-filler", 2, DeviceKind::Cpu, 2);

		at_risk::<T>(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), capabilities(DeviceKind::Cpu, 2));

		assert_eq!(
			pallet::ProviderRecords::<T>::get(&caller).unwrap().capabilities.kind,
			DeviceKind::Cpu
		);
	}

	#[benchmark]
	fn set_operator() {
		let caller = provider_first_in_full_buckets::<T>();
		let new: T::AccountId = account("new-operator", 0, 0);

		at_risk::<T>(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), new.clone());

		assert_eq!(Operators::<T>::get(&new), Some(caller));
	}

	#[benchmark]
	fn bond_extra() {
		// Listed, with income due: the bond's change books it and moves its counted stake
		// (costlier than listing again a provider that unbonded everything, which has no
		// stake to book).
		let caller = provider_first_in_full_buckets::<T>();
		at_risk::<T>(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), min_bond::<T>());

		assert_eq!(
			pallet::ProviderRecords::<T>::get(&caller).unwrap().bond,
			min_bond::<T>().saturating_mul(2u32.into())
		);
	}

	#[benchmark]
	fn pause() {
		let caller = provider_first_in_full_buckets::<T>();

		at_risk::<T>(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(pallet::ProviderRecords::<T>::get(&caller).unwrap().paused);
	}

	#[benchmark]
	fn resume() {
		// Paused with a pool of delegators behind it: resuming counts their stake again.
		let caller = provider_first_in_full_buckets::<T>();
		at_risk::<T>(&caller);
		Providers::<T>::pause(RawOrigin::Signed(caller.clone()).into()).expect("pauses");

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(pallet::ProviderRecords::<T>::get(&caller).unwrap().listing.is_some());
	}

	#[benchmark]
	fn unbond() {
		// Every chunk but one in use; unbonding everything delists it.
		let caller = provider_first_in_full_buckets::<T>();
		let extra = min_bond::<T>().saturating_mul(T::MaxUnbondingChunks::get().into());
		Providers::<T>::bond_extra(RawOrigin::Signed(caller.clone()).into(), extra).expect("bonds");
		for n in 1..T::MaxUnbondingChunks::get() {
			frame_system::Pallet::<T>::set_block_number(n.into());
			Providers::<T>::unbond(RawOrigin::Signed(caller.clone()).into(), min_bond::<T>())
				.expect("unbonds");
		}
		frame_system::Pallet::<T>::set_block_number(T::MaxUnbondingChunks::get().into());
		let active = pallet::ProviderRecords::<T>::get(&caller).unwrap().bond;

		at_risk::<T>(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), active);

		let info = pallet::ProviderRecords::<T>::get(&caller).unwrap();
		assert_eq!(info.unbonding.len() as u32, T::MaxUnbondingChunks::get());
		assert!(info.listing.is_none());
	}

	#[benchmark]
	fn withdraw_unbonded() {
		let caller = provider_first_in_full_buckets::<T>();
		let extra = min_bond::<T>().saturating_mul(T::MaxUnbondingChunks::get().into());
		Providers::<T>::bond_extra(RawOrigin::Signed(caller.clone()).into(), extra).expect("bonds");
		for n in 1..=T::MaxUnbondingChunks::get() {
			frame_system::Pallet::<T>::set_block_number(n.into());
			Providers::<T>::unbond(RawOrigin::Signed(caller.clone()).into(), min_bond::<T>())
				.expect("unbonds");
		}
		frame_system::Pallet::<T>::set_block_number(BlockNumberFor::<T>::max_value());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(pallet::ProviderRecords::<T>::get(&caller).unwrap().unbonding.is_empty());
	}

	#[benchmark]
	fn deregister() {
		let caller = provider_first_in_full_buckets::<T>();
		Providers::<T>::unbond(RawOrigin::Signed(caller.clone()).into(), min_bond::<T>())
			.expect("unbonds");
		frame_system::Pallet::<T>::set_block_number(BlockNumberFor::<T>::max_value());
		Providers::<T>::withdraw_unbonded(RawOrigin::Signed(caller.clone()).into())
			.expect("withdraws");

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(!pallet::ProviderRecords::<T>::contains_key(&caller));
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = ProviderParams {
			min_bond: min_bond::<T>(),
			// Longer than the longest job, as the parameters must be.
			unbonding_period: T::LongestJob::get().saturating_add(100u32.into()),
			slash_wrong_result: Perbill::from_percent(10),
			slash_no_show: Perbill::from_percent(2),
			reputation_gain: 10,
			reputation_loss_wrong: 100,
			reputation_loss_no_show: 50,
			max_exposure_percent: 100,
			min_class_providers: 3,
			min_class_bond: min_bond::<T>(),
			max_counted_stake: min_bond::<T>(),
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	/// `n`: providers one block of the counted-stake sweep refreshes, each with a pool of
	/// delegators and stake income due (booked before its count changes).
	#[benchmark]
	fn recount(n: Linear<1, { T::RecountPerBlock::get() }>) {
		for who in fill_bucket::<T>("recounted", n, DeviceKind::Gpu, 1) {
			at_risk::<T>(&who);
		}
		Recount::<T>::put(RecountFrom::Start);

		#[block]
		{
			Providers::<T>::on_initialize(frame_system::Pallet::<T>::block_number());
		}
	}

	impl_benchmark_test_suite!(
		Providers,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
