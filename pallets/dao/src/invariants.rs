//! The pallet's invariants, checked by `try_state` and after every test.

use crate::*;
use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use frame_support::{ensure, traits::Polling};
use sp_runtime::{traits::Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants (see the crate docs).
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut counted: BTreeMap<PollIndexOf<T>, TallyOf<T>> = BTreeMap::new();
		let mut count = |poll: PollIndexOf<T>,
		                 token: &HouseTally<BalanceOf<T>>,
		                 work: &HouseTally<BalanceOf<T>>| {
			let tally = counted
				.entry(poll)
				.or_insert_with(|| Tally::from_houses(Default::default(), Default::default()));
			tally.token.add(token);
			tally.work.add(work);
		};
		for (who, voting) in TokenVotes::<T>::iter() {
			let polls: Vec<_> = voting.votes.iter().map(|(p, _, _)| *p).collect();
			ensure!(
				polls.windows(2).all(|w| w[0] < w[1]),
				TryRuntimeError::Other("a voter's votes are not sorted by poll")
			);
			let need = Self::required_backing(&voting);
			ensure!(
				asset::held::<T>(&who) >= need.held,
				TryRuntimeError::Other("a vote's capital is not held")
			);
			for (poll, vote, backing) in voting.votes.iter() {
				ensure!(
					backing.held.saturating_add(backing.staked) == vote.capital(),
					TryRuntimeError::Other("a vote's backing differs from its capital")
				);
				count(*poll, &vote.tally(), &HouseTally::default());
			}
		}
		for (_, votes) in WorkVotes::<T>::iter() {
			ensure!(
				votes.windows(2).all(|w| w[0].0 < w[1].0),
				TryRuntimeError::Other("a provider's votes are not sorted by poll")
			);
			for (poll, record) in votes.iter() {
				count(*poll, &HouseTally::default(), &record.vote.tally(record.weight));
			}
		}
		for (poll, sum) in counted {
			if let Some((tally, _)) = T::Polls::as_ongoing(poll) {
				ensure!(
					tally.token == sum.token,
					TryRuntimeError::Other("token-house tally is off")
				);
				ensure!(tally.work == sum.work, TryRuntimeError::Other("work-house tally is off"));
			}
		}
		T::PollTimeouts::check()
	}
}
