//! Benchmarks of the validator set's calls, each in its worst case: the set one short of
//! full for an addition, full for a removal.

use crate::*;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate, MutateHold},
	EnsureOrigin, Get,
};
use frame_system::RawOrigin;
use sp_runtime::traits::{Saturating, TrailingZeroInput};

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

/// An account with a balance a hundred times the minimum bond, and the minimum at least
/// one unit.
fn funded<T: Config>(seed: u32) -> T::AccountId {
	let who: T::AccountId = account("bonded", seed, 0);
	fund::<T>(&who);
	who
}

/// Gives `who` a hundred times the minimum bond.
fn fund<T: Config>(who: &T::AccountId) {
	if MinimumBond::<T>::get().is_zero() {
		MinimumBond::<T>::put(<T as Config>::Currency::minimum_balance());
	}
	let amount = MinimumBond::<T>::get()
		.saturating_mul(100u32.into())
		.saturating_add(<T as Config>::Currency::minimum_balance());
	<T as Config>::Currency::set_balance(who, amount);
}

/// A bonded account that validates this session, among a full session set.
fn bonded_in_session<T: Config>() -> T::AccountId {
	let who = funded::<T>(0);
	asset::hold_bond::<T>(&who, MinimumBond::<T>::get()).expect("funded");
	let mut active: Vec<T::AccountId> = (1..T::MaxValidators::get()).map(with_keys::<T>).collect();
	active.push(who.clone());
	pallet_session::Validators::<T>::put(active);
	who
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_validator() -> Result<(), BenchmarkError> {
		set_of::<T>(T::MaxValidators::get() - 1);
		let who = with_keys::<T>(u32::MAX);
		fund::<T>(&who);
		asset::hold_bond::<T>(&who, MinimumBond::<T>::get())?;
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

	#[benchmark]
	fn bond() {
		let who = funded::<T>(0);
		asset::hold_bond::<T>(&who, MinimumBond::<T>::get()).expect("funded");
		Unbonding::<T>::insert(&who, 0);
		let amount = MinimumBond::<T>::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);

		assert_eq!(asset::held::<T>(&who), amount.saturating_mul(2u32.into()));
	}

	#[benchmark]
	fn unbond() {
		// The worst case: a full governed set and full session sets to look through.
		set_of::<T>(T::MaxValidators::get());
		let who = bonded_in_session::<T>();
		pallet_session::Validators::<T>::mutate(|v| v.retain(|a| a != &who));

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(Unbonding::<T>::contains_key(&who));
	}

	#[benchmark]
	fn withdraw_bond() {
		let who = funded::<T>(0);
		asset::hold_bond::<T>(&who, MinimumBond::<T>::get()).expect("funded");
		Unbonding::<T>::insert(&who, 0);
		LastSlashed::<T>::insert(&who, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(asset::held::<T>(&who).is_zero());
	}

	#[benchmark]
	fn set_minimum_bond() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let minimum = <T as Config>::Currency::minimum_balance();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, minimum);

		assert_eq!(MinimumBond::<T>::get(), minimum);
		Ok(())
	}

	/// One offender's share of an offence: disabled in a full session set, slashed.
	#[benchmark]
	fn on_offence() {
		use sp_staking::offence::{OffenceDetails, OnOffenceHandler};
		let who = bonded_in_session::<T>();
		let details = OffenceDetails { offender: (who.clone(), ()), reporters: Vec::new() };

		#[block]
		{
			<Pallet<T> as OnOffenceHandler<_, _, frame_support::weights::Weight>>::on_offence(
				&[details],
				&[Perbill::from_percent(50)],
				1,
			);
		}

		assert_eq!(LastSlashed::<T>::get(&who), Some(1));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
