//! FRAME benchmarks of the delegation pallet, each in its worst case: pools with members
//! and booked income, full unbonding lists, buckets to merge. `claim` is measured over the
//! number of bookings into the pool (eras) and the number of members, to show that it
//! depends on neither.

use super::*;
use crate::Pallet as Delegation;
use depin_interfaces::{PoolIncome, ProviderStake};
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, EnsureOrigin, Get};
use frame_system::RawOrigin;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

fn min<T: Config>() -> BalanceOf<T> {
	Params::<T>::get().min_delegation
}

/// A provider with room for `members + 10` delegations of up to `min_delegation × 4`.
fn provider<T: Config>(members: u32) -> T::AccountId {
	let room = min::<T>().saturating_mul((members.saturating_add(10)).saturating_mul(4).into());
	T::Providers::benchmark_provider(0, room)
}

/// A funded account that delegates `min_delegation × times` to `provider`.
fn member_with<T: Config>(provider: &T::AccountId, index: u32, times: u32) -> T::AccountId {
	let who: T::AccountId = account("member", index, 0);
	T::Currency::set_balance(&who, min::<T>().saturating_mul(1_000u32.into()));
	Delegation::<T>::do_delegate(&who, provider, min::<T>().saturating_mul(times.into()))
		.expect("member delegates");
	who
}

/// A funded account that delegates `min_delegation × 2` to `provider`.
fn member<T: Config>(provider: &T::AccountId, index: u32) -> T::AccountId {
	member_with::<T>(provider, index, 2)
}

/// Plenty in the reward pot for every booking.
fn fund_pot<T: Config>() {
	T::Currency::set_balance(
		&T::RewardPot::get(),
		min::<T>().saturating_mul(1_000_000_000u32.into()),
	);
}

/// `members` more members in `provider`'s pool, written straight into storage (the pool's
/// points and its member count grow with them): what a large pool looks like to a call
/// that touches one member.
fn crowd<T: Config>(provider: &T::AccountId, members: u32) {
	let mut pool = Pools::<T>::get(provider).unwrap_or_default();
	let points = min::<T>();
	for i in 0..members {
		let who: T::AccountId = account("crowd", i, 0);
		Members::<T>::insert(
			&who,
			Member {
				provider: provider.clone(),
				points,
				last_counter: pool.reward_counter,
				unclaimed: Default::default(),
				unbonding: Default::default(),
			},
		);
	}
	// Their stake, really held on the pool account (slashes move it).
	let stake = points.saturating_mul(members.into());
	let account = Delegation::<T>::pool_account(provider);
	if pool.held().is_zero() {
		asset::open::<T>(provider);
	}
	T::Currency::set_balance(&account, stake);
	<T::Currency as frame_support::traits::fungible::MutateHold<_>>::hold(
		&HoldReason::Delegated.into(),
		&account,
		stake,
	)
	.expect("the crowd's stake is held");
	pool.points = pool.points.saturating_add(stake);
	pool.active = pool.active.saturating_add(stake);
	pool.members = pool.members.saturating_add(members);
	Pools::<T>::insert(provider, pool);
}

/// Moves the era clock to `era` (the rewards pallet owns it in a runtime).
fn set_era<T: Config>(era: depin_interfaces::EraIndex) {
	<T::Eras as depin_interfaces::EraClock>::set_era(era);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn delegate() {
		let provider = provider::<T>(1);
		fund_pot::<T>();
		let _other = member::<T>(&provider, 1);
		<Delegation<T> as PoolIncome<_, _>>::credit(&provider, min::<T>());
		let caller: T::AccountId = account("caller", 0, 0);
		T::Currency::set_balance(&caller, min::<T>().saturating_mul(1_000u32.into()));

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), provider, min::<T>());

		assert!(Members::<T>::contains_key(&caller));
	}

	#[benchmark]
	fn unbond() {
		// Every bucket taken by an earlier, matured era: this unbond merges them.
		let provider = provider::<T>(T::MaxUnbondingBuckets::get());
		fund_pot::<T>();
		for era in 0..T::MaxUnbondingBuckets::get() {
			set_era::<T>(era);
			let who = member::<T>(&provider, 100 + era);
			Delegation::<T>::do_unbond(&who, min::<T>()).expect("unbonds");
		}
		let caller = member::<T>(&provider, 0);
		<Delegation<T> as PoolIncome<_, _>>::credit(&provider, min::<T>());
		set_era::<T>(T::MaxUnbondingBuckets::get().saturating_mul(2));

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), min::<T>());

		assert!(!Members::<T>::get(&caller).unwrap().unbonding.is_empty());
	}

	#[benchmark]
	fn withdraw_unbonded() {
		// The most chunks a member can have, all matured, and the pool account closing.
		let provider = provider::<T>(1);
		let chunks = T::MaxUnbondingChunks::get();
		let caller = member_with::<T>(&provider, 0, chunks.saturating_add(1));
		for era in 0..chunks {
			set_era::<T>(era);
			let amount =
				if era + 1 == chunks { min::<T>().saturating_mul(2u32.into()) } else { min::<T>() };
			Delegation::<T>::do_unbond(&caller, amount).expect("unbonds");
		}
		set_era::<T>(chunks.saturating_add(Params::<T>::get().unbonding_eras));

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(!Members::<T>::contains_key(&caller));
	}

	#[benchmark]
	fn claim(e: Linear<1, 10_000>, m: Linear<1, 100_000>) {
		let provider = provider::<T>(1);
		fund_pot::<T>();
		let caller = member_with::<T>(&provider, 0, 40);
		crowd::<T>(&provider, m);
		for _ in 0..e {
			let income = min::<T>().saturating_mul(100_000u32.into());
			<Delegation<T> as PoolIncome<_, _>>::credit(&provider, income);
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(Members::<T>::get(&caller).unwrap().unclaimed.is_zero());
	}

	#[benchmark]
	fn compound() {
		let provider = provider::<T>(10);
		fund_pot::<T>();
		let caller = member::<T>(&provider, 0);
		<Delegation<T> as PoolIncome<_, _>>::credit(
			&provider,
			min::<T>().saturating_mul(100u32.into()),
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(Members::<T>::get(&caller).unwrap().unclaimed.is_zero());
	}

	#[benchmark]
	fn claim_commission() {
		let provider = provider::<T>(1);
		fund_pot::<T>();
		let _member = member::<T>(&provider, 0);
		<Delegation<T> as PoolIncome<_, _>>::credit(&provider, min::<T>());

		#[extrinsic_call]
		_(RawOrigin::Signed(provider.clone()));

		assert!(Pools::<T>::get(&provider).unwrap().provider_owed.is_zero());
	}

	#[benchmark]
	fn set_commission() {
		let provider = provider::<T>(1);
		let _member = member::<T>(&provider, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(provider.clone()), Perbill::from_percent(10));

		assert!(Pools::<T>::get(&provider).unwrap().commission.pending.is_some());
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = DelegationParams { max_delegation_ratio: 5, ..Params::<T>::get() };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	#[benchmark]
	fn slash_pool(m: Linear<1, 100_000>) {
		// A provider slashed with a full set of slashable buckets: what the providers
		// pallet adds to a slash when the provider has a pool.
		let provider = provider::<T>(T::MaxUnbondingBuckets::get());
		let unbonding = Params::<T>::get().unbonding_eras;
		for era in 0..unbonding {
			set_era::<T>(era);
			let who = member::<T>(&provider, 100 + era);
			Delegation::<T>::do_unbond(&who, min::<T>()).expect("unbonds");
		}
		crowd::<T>(&provider, m);
		let before = Pools::<T>::get(&provider).unwrap().active;

		#[block]
		{
			let _ = <Delegation<T> as depin_interfaces::PoolSlash<_, _>>::slash_pool(
				&provider,
				Perbill::from_percent(10),
			);
		}

		assert!(Pools::<T>::get(&provider).unwrap().active < before);
	}

	impl_benchmark_test_suite!(Delegation, crate::mock::new_test_ext(), crate::mock::Test);
}
