//! The work house: providers' votes, weighed by their share of the house.
//!
//! A provider's weight is what [`WorkHouse::weight`] measures (its recent verified work,
//! or its counted stake while no provider has any) over what the whole house measures
//! the same way ([`WorkHouse::electorate`]), in [`WORK_HOUSE_SHARES`]: a vote's weight
//! and the house it is counted in are always measured in the same unit. Absolute
//! weights measured under one regime (stake, DCC) and counted against an electorate
//! measured under the other (work, mDCC) let a third of the old house outvote all of the
//! new. The share is taken when the vote is cast; anyone may take it again for a
//! standing vote ([`Pallet::remeasure_provider_vote`]) when the provider's share has
//! changed (work leaving the window, work forfeited with a slash), and a vote whose
//! share fell to nothing is removed.

use crate::*;
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::PollStatus};
use sp_runtime::traits::{UniqueSaturatedInto, Zero};

/// The work house's electorate in shares: a vote weighs its provider's share of the house,
/// in millionths of millionths. A provider with less than one share cannot vote.
pub const WORK_HOUSE_SHARES: u64 = 1_000_000_000_000;

impl<T: Config> Pallet<T> {
	/// `who`'s share of the work house now, in [`WORK_HOUSE_SHARES`]; `None` when it is not a
	/// registered provider.
	pub(crate) fn work_share(who: &T::AccountId) -> Option<BalanceOf<T>> {
		let weight: u128 = T::WorkHouse::weight(who)?.unique_saturated_into();
		let electorate: u128 = T::WorkHouse::electorate().unique_saturated_into();
		let share = weight
			.min(electorate)
			.saturating_mul(u128::from(WORK_HOUSE_SHARES))
			.checked_div(electorate)
			.unwrap_or_default();
		Some(share.unique_saturated_into())
	}

	pub(crate) fn do_vote_as_provider(
		who: &T::AccountId,
		poll: PollIndexOf<T>,
		vote: WorkVote,
	) -> DispatchResult {
		let weight = Self::work_share(who).ok_or(Error::<T>::NotAProvider)?;
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
		Self::store_provider_votes(who, votes);
		Self::deposit_event(Event::ProviderVoteRemoved { provider: who.clone(), poll });
		Ok(())
	}
}

impl<T: Config> Pallet<T> {
	/// Takes `provider`'s share again for its standing vote on ongoing `poll`, and puts the
	/// vote in the tally at it; a vote whose share is nothing now (no recent work, no
	/// longer a provider) leaves the tally and the provider's record.
	pub(crate) fn do_remeasure_provider_vote(
		provider: &T::AccountId,
		poll: PollIndexOf<T>,
	) -> DispatchResult {
		let mut votes = WorkVotes::<T>::get(provider);
		let i = votes
			.binary_search_by_key(&poll, |(p, _)| *p)
			.map_err(|_| Error::<T>::NotVoted)?;
		let old = votes[i].1;
		let weight = Self::work_share(provider).unwrap_or_default();
		T::Polls::try_access_poll(poll, |status| {
			let PollStatus::Ongoing(tally, _) = status else {
				return Err(Error::<T>::NotOngoing.into());
			};
			tally.work.remove(&old.vote.tally(old.weight));
			tally.work.add(&old.vote.tally(weight));
			Ok(())
		})?;
		if weight.is_zero() {
			votes.remove(i);
		} else {
			votes[i].1.weight = weight;
		}
		Self::store_provider_votes(provider, votes);
		Self::deposit_event(Event::ProviderVoteRemeasured {
			provider: provider.clone(),
			poll,
			weight,
		});
		Ok(())
	}

	/// Keeps `provider`'s remaining votes; a provider with none leaves no empty record in
	/// state.
	fn store_provider_votes(provider: &T::AccountId, votes: WorkVotesOf<T>) {
		if votes.is_empty() {
			WorkVotes::<T>::remove(provider);
		} else {
			WorkVotes::<T>::insert(provider, votes);
		}
	}
}
