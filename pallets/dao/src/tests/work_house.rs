//! The work house: providers vote with their recent verified work.

use crate::{mock::*, Error, Event, HouseTally, WorkVote};
use depin_interfaces::VoteLocks;
use frame_support::{assert_noop, assert_ok};

#[test]
fn providers_vote_with_their_recent_work() {
	execute(|| {
		Work::mutate(|w| {
			w.insert(11, 30);
			w.insert(12, 70);
		});
		let poll = propose(crate::Origin::Parameters);
		assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(11), poll, WorkVote::Aye));
		assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(12), poll, WorkVote::Abstain));
		assert_eq!(tally(poll).work, HouseTally { ayes: 30, nays: 0, support: 100 });
		assert!(events().contains(&Event::ProviderVoted {
			provider: 11,
			poll,
			vote: WorkVote::Aye,
			weight: 30
		}));
		// Changing one's vote replaces it.
		assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(11), poll, WorkVote::Nay));
		assert_eq!(tally(poll).work, HouseTally { ayes: 0, nays: 30, support: 70 });
		// The weight is the work when the vote was cast: later work does not change it.
		Work::mutate(|w| w.insert(11, 1_000));
		assert_eq!(tally(poll).work.nays, 30);
	});
}

#[test]
fn only_providers_with_work_vote_in_the_work_house() {
	execute(|| {
		Work::mutate(|w| w.insert(11, 0));
		let poll = propose(crate::Origin::Parameters);
		assert_noop!(
			Dao::vote_as_provider(RuntimeOrigin::signed(1), poll, WorkVote::Aye),
			Error::<Test>::NotAProvider
		);
		assert_noop!(
			Dao::vote_as_provider(RuntimeOrigin::signed(11), poll, WorkVote::Aye),
			Error::<Test>::NoVerifiedWork
		);
	});
}

/// The DAO reports a standing work-house vote to the providers pallet, which keeps the
/// bond at its minimum meanwhile: the bond itself is checked with both pallets in the
/// runtime's tests (`votes_keep_the_stake_they_stand_on`).
#[test]
fn a_standing_work_vote_is_reported_until_removed() {
	execute(|| {
		Work::mutate(|w| w.insert(11, 5));
		let poll = propose(crate::Origin::Parameters);
		assert!(!Dao::has_provider_vote(&11));
		assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(11), poll, WorkVote::Aye));
		assert!(Dao::has_provider_vote(&11));
		assert_ok!(Dao::remove_provider_vote(RuntimeOrigin::signed(11), poll));
		assert!(!Dao::has_provider_vote(&11));
		assert_eq!(tally(poll).work, HouseTally::default());
		assert_noop!(
			Dao::remove_provider_vote(RuntimeOrigin::signed(11), poll),
			Error::<Test>::NotVoted
		);
	});
}
