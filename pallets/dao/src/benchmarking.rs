//! Benchmarks of the DAO's calls, each in its worst case: an account with `MaxVotes`
//! standing votes (one fewer for a new vote), polls created through referenda.

use crate::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get, Polling,
};
use frame_system::RawOrigin;
use sp_runtime::traits::Bounded;

/// A voter with a large balance.
fn voter<T: Config>(seed: u32) -> T::AccountId
where
	T::Currency: Mutate<T::AccountId>,
{
	let who: T::AccountId = account("voter", seed, 0);
	let _ = T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

/// `n` ongoing polls, on the track that takes the most.
fn polls<T: Config>(n: u32) -> Vec<PollIndexOf<T>> {
	let (class, _) = T::Polls::max_ongoing();
	(0..n).map(|_| T::Polls::create_ongoing(class.clone()).expect("poll")).collect()
}

fn standard<T: Config>(capital: BalanceOf<T>) -> TokenVote<BalanceOf<T>> {
	TokenVote::Standard { aye: true, lock: VoteLock::EightPeriods, capital }
}

#[benchmarks(where T::Currency: Mutate<T::AccountId>)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn vote() {
		let who = voter::<T>(0);
		let polls = polls::<T>(T::MaxVotes::get());
		let capital = T::Currency::minimum_balance();
		for poll in &polls[1..] {
			Pallet::<T>::do_vote(&who, *poll, standard::<T>(capital)).expect("votes");
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), polls[0], standard::<T>(capital));

		assert_eq!(TokenVotes::<T>::get(&who).votes.len() as u32, T::MaxVotes::get());
	}

	#[benchmark]
	fn remove_vote() {
		// The poll ended with the vote on the winning side: a prior lock is recorded.
		let who = voter::<T>(0);
		let polls = polls::<T>(T::MaxVotes::get());
		let capital = T::Currency::minimum_balance();
		for poll in &polls {
			Pallet::<T>::do_vote(&who, *poll, standard::<T>(capital)).expect("votes");
		}
		T::Polls::end_ongoing(polls[0], true).expect("ends");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), polls[0]);

		assert!(TokenVotes::<T>::get(&who).prior.until > 0u32.into());
	}

	#[benchmark]
	fn vote_as_provider() {
		let who = T::WorkHouse::make_provider(0);
		let polls = polls::<T>(T::MaxVotes::get());
		for poll in &polls[1..] {
			Pallet::<T>::do_vote_as_provider(&who, *poll, WorkVote::Aye).expect("votes");
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), polls[0], WorkVote::Aye);

		assert_eq!(WorkVotes::<T>::get(&who).len() as u32, T::MaxVotes::get());
	}

	#[benchmark]
	fn remove_provider_vote() {
		let who = T::WorkHouse::make_provider(0);
		let polls = polls::<T>(T::MaxVotes::get());
		for poll in &polls {
			Pallet::<T>::do_vote_as_provider(&who, *poll, WorkVote::Aye).expect("votes");
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), polls[0]);

		assert_eq!(WorkVotes::<T>::get(&who).len() as u32, T::MaxVotes::get() - 1);
	}

	/// A standing vote among the provider's 32, measured again at a new share.
	#[benchmark]
	fn remeasure_provider_vote() {
		let who = T::WorkHouse::make_provider(0);
		let polls = polls::<T>(T::MaxVotes::get());
		for poll in &polls {
			Pallet::<T>::do_vote_as_provider(&who, *poll, WorkVote::Aye).expect("votes");
		}
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), who.clone(), polls[0]);

		assert_eq!(WorkVotes::<T>::get(&who).len() as u32, T::MaxVotes::get());
	}

	#[benchmark]
	fn unlock() {
		// A prior lock that has run out, released; the other votes still standing.
		let who = voter::<T>(0);
		let polls = polls::<T>(T::MaxVotes::get());
		let capital = T::Currency::minimum_balance();
		for poll in &polls {
			Pallet::<T>::do_vote(&who, *poll, standard::<T>(capital)).expect("votes");
		}
		T::Polls::end_ongoing(polls[0], true).expect("ends");
		Pallet::<T>::do_remove_vote(&who, polls[0]).expect("removes");
		let until = TokenVotes::<T>::get(&who).prior.until;
		frame_system::Pallet::<T>::set_block_number(until);
		let caller = voter::<T>(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), who.clone());

		assert_eq!(TokenVotes::<T>::get(&who).prior, PriorLock::default());
	}

	#[benchmark]
	fn authorize_upgrade() -> Result<(), BenchmarkError> {
		let origin =
			T::UpgradeOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let hash = T::Hash::default();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, hash);

		Ok(())
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = DaoParams { treasury_fee_share: sp_runtime::Perbill::from_percent(50) };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params);

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
