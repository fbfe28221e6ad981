//! Benchmarks of the validator set's calls, each in its worst case: the set one short of
//! full for an addition, full for a removal.

use crate::*;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::MutateHold, EnsureOrigin, Get};
use frame_system::RawOrigin;
use sp_runtime::traits::TrailingZeroInput;

/// An account with session keys of its own (decoded from its seed, so that no two accounts
/// share a key).
fn with_keys<T: Config>(seed: u32) -> T::AccountId {
	let who: T::AccountId = account("validator", seed, 0);
	let entropy = (b"validator-keys", seed).encode();
	let keys = <T as pallet_session::Config>::Keys::decode(&mut TrailingZeroInput::new(&entropy))
		.expect("keys decode from any bytes");
	pallet_session::NextKeys::<T>::insert(&who, keys);
	who
}

/// A set of `n` members with keys; the minimum is one.
fn set_of<T: Config>(n: u32) -> Vec<T::AccountId> {
	let members: Vec<_> = (0..n).map(with_keys::<T>).collect();
	let mut sorted = members.clone();
	sorted.sort();
	Validators::<T>::put(ValidatorSetOf::<T>::try_from(sorted).expect("within bounds"));
	MinimumValidators::<T>::put(1);
	members
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_validator() -> Result<(), BenchmarkError> {
		set_of::<T>(T::MaxValidators::get() - 1);
		let who = with_keys::<T>(u32::MAX);
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(Validators::<T>::get().contains(&who));
		Ok(())
	}

	#[benchmark]
	fn remove_validator() -> Result<(), BenchmarkError> {
		let members = set_of::<T>(T::MaxValidators::get());
		let who = members[0].clone();
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(!Validators::<T>::get().contains(&who));
		Ok(())
	}

	#[benchmark]
	fn set_minimum_validators() -> Result<(), BenchmarkError> {
		set_of::<T>(T::MaxValidators::get());
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::MaxValidators::get());

		assert_eq!(MinimumValidators::<T>::get(), T::MaxValidators::get());
		Ok(())
	}

	#[benchmark]
	fn purge_keys() -> Result<(), BenchmarkError> {
		set_of::<T>(T::MaxValidators::get());
		// Keys set as `session.setKeys` leaves them: stored, deposit held, consumer counted.
		// Each call mints one deposit: two leave the account alive once one is held.
		let who: T::AccountId = whitelisted_caller();
		pallet_session::Pallet::<T>::ensure_can_pay_key_deposit(&who)?;
		pallet_session::Pallet::<T>::ensure_can_pay_key_deposit(&who)?;
		let entropy = (b"leaving-keys", 0u32).encode();
		let keys =
			<T as pallet_session::Config>::Keys::decode(&mut TrailingZeroInput::new(&entropy))
				.expect("keys decode from any bytes");
		pallet_session::NextKeys::<T>::insert(&who, keys);
		frame_system::Pallet::<T>::inc_consumers(&who)?;
		<T as pallet_session::Config>::Currency::hold(
			&pallet_session::HoldReason::Keys.into(),
			&who,
			<T as pallet_session::Config>::KeyDeposit::get(),
		)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Pallet::<T>::has_keys(&who));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
