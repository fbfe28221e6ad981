//! The token house: votes of capital, their place in each poll's tally, and the locks
//! they leave behind.

use crate::*;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{Get, PollStatus},
};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_vote(
		who: &T::AccountId,
		poll: PollIndexOf<T>,
		vote: TokenVote<BalanceOf<T>>,
	) -> DispatchResult {
		let capital = vote.capital();
		ensure!(!capital.is_zero(), Error::<T>::ZeroCapital);
		// Balance first (what the votes hold and what is free to hold, never funds another
		// pallet holds: `asset.rs`), then delegated stake.
		let held = capital.min(asset::available::<T>(who));
		let staked = capital.saturating_sub(held);
		ensure!(staked <= T::Stake::staked_value(who), Error::<T>::InsufficientCapital);
		let backing = Backing { held, staked };
		T::Polls::try_access_poll(poll, |status| {
			let PollStatus::Ongoing(tally, _) = status else {
				return Err(Error::<T>::NotOngoing.into());
			};
			TokenVotes::<T>::try_mutate(who, |voting| -> DispatchResult {
				match voting.votes.binary_search_by_key(&poll, |(p, _, _)| *p) {
					Ok(i) => {
						tally.token.remove(&voting.votes[i].1.tally());
						voting.votes[i] = (poll, vote, backing);
					},
					Err(i) => voting
						.votes
						.try_insert(i, (poll, vote, backing))
						.map_err(|_| Error::<T>::TooManyVotes)?,
				}
				tally.token.add(&vote.tally());
				Ok(())
			})
		})?;
		Self::deposit_event(Event::Voted { who: who.clone(), poll, vote });
		Self::update_lock(who)
	}

	pub(crate) fn do_remove_vote(who: &T::AccountId, poll: PollIndexOf<T>) -> DispatchResult {
		let mut voting = TokenVotes::<T>::get(who);
		let i = voting
			.votes
			.binary_search_by_key(&poll, |(p, _, _)| *p)
			.map_err(|_| Error::<T>::NotVoted)?;
		let (_, vote, backing) = voting.votes.remove(i);
		let now = frame_system::Pallet::<T>::block_number();
		T::Polls::access_poll(poll, |status| match status {
			PollStatus::Ongoing(tally, _) => tally.token.remove(&vote.tally()),
			PollStatus::Completed(end, approved) if vote.locks_after(approved) => {
				let until = end.saturating_add(
					T::VoteLockingPeriod::get().saturating_mul(vote.lock().periods().into()),
				);
				if until > now {
					let prior = &mut voting.prior;
					let before = if prior.until > now { prior.backing } else { Backing::default() };
					prior.backing = before.max(backing);
					prior.until = prior.until.max(until);
				}
			},
			_ => {},
		});
		TokenVotes::<T>::insert(who, voting);
		Self::deposit_event(Event::VoteRemoved { who: who.clone(), poll });
		Self::update_lock(who)
	}

	/// What `voting` locks now: the largest backing of its standing votes and of its prior
	/// lock while that runs.
	pub(crate) fn required_backing(voting: &TokenVotingOf<T>) -> Backing<BalanceOf<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		let standing = voting
			.votes
			.iter()
			.fold(Backing::default(), |acc, (_, _, backing)| acc.max(*backing));
		if voting.prior.until > now {
			standing.max(voting.prior.backing)
		} else {
			standing
		}
	}

	/// Brings `who`'s vote hold in line with what its votes lock, forgets an expired prior
	/// lock, and drops the record when nothing is left.
	pub(crate) fn update_lock(who: &T::AccountId) -> DispatchResult {
		let mut voting = TokenVotes::<T>::get(who);
		let now = frame_system::Pallet::<T>::block_number();
		if voting.prior.until <= now {
			voting.prior = PriorLock::default();
		}
		let need = Self::required_backing(&voting);
		let before = asset::held::<T>(who);
		asset::set_held::<T>(who, need.held)?;
		if voting.votes.is_empty() && voting.prior == PriorLock::default() {
			TokenVotes::<T>::remove(who);
		} else {
			TokenVotes::<T>::insert(who, voting);
		}
		if before != need.held {
			Self::deposit_event(Event::LockChanged {
				who: who.clone(),
				held: need.held,
				staked: need.staked,
			});
		}
		Ok(())
	}
}
