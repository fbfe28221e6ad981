//! The work house: providers' votes, weighed by their recent verified work.

use crate::*;
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::PollStatus};
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_vote_as_provider(
		who: &T::AccountId,
		poll: PollIndexOf<T>,
		vote: WorkVote,
	) -> DispatchResult {
		let weight = T::WorkHouse::weight(who).ok_or(Error::<T>::NotAProvider)?;
		ensure!(!weight.is_zero(), Error::<T>::NoVerifiedWork);
		let record = WorkVoteRecord { vote, weight };
		T::Polls::try_access_poll(poll, |status| {
			let PollStatus::Ongoing(tally, _) = status else {
				return Err(Error::<T>::NotOngoing.into());
			};
			WorkVotes::<T>::try_mutate(who, |votes| -> DispatchResult {
				match votes.binary_search_by_key(&poll, |(p, _)| *p) {
					Ok(i) => {
						let old = votes[i].1;
						tally.work.remove(&old.vote.tally(old.weight));
						votes[i] = (poll, record);
					},
					Err(i) => {
						votes.try_insert(i, (poll, record)).map_err(|_| Error::<T>::TooManyVotes)?
					},
				}
				tally.work.add(&vote.tally(weight));
				Ok(())
			})
		})?;
		Self::deposit_event(Event::ProviderVoted { provider: who.clone(), poll, vote, weight });
		Ok(())
	}

	pub(crate) fn do_remove_provider_vote(
		who: &T::AccountId,
		poll: PollIndexOf<T>,
	) -> DispatchResult {
		let mut votes = WorkVotes::<T>::get(who);
		let i = votes
			.binary_search_by_key(&poll, |(p, _)| *p)
			.map_err(|_| Error::<T>::NotVoted)?;
		let (_, record) = votes.remove(i);
		T::Polls::access_poll(poll, |status| {
			if let PollStatus::Ongoing(tally, _) = status {
				tally.work.remove(&record.vote.tally(record.weight));
			}
		});
		if votes.is_empty() {
			WorkVotes::<T>::remove(who);
		} else {
			WorkVotes::<T>::insert(who, votes);
		}
		Self::deposit_event(Event::ProviderVoteRemoved { provider: who.clone(), poll });
		Ok(())
	}
}
