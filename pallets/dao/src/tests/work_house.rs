//! The work house: providers vote with their recent verified work.

use crate::{mock::*, Error, Event, HouseTally, WorkVote};
use depin_interfaces::VoteLocks;
use frame_support::{assert_noop, assert_ok};

/// A share of the work house, in `WORK_HOUSE_SHARES`, from a fraction.
fn share(numerator: u64, denominator: u64) -> Balance {
	crate::WORK_HOUSE_SHARES * numerator / denominator
}

#[test]
fn providers_vote_with_their_share_of_recent_work() {
	execute(|| {
		Work::mutate(|w| {
			w.insert(11, 30);
			w.insert(12, 70);
		});
		let poll = propose(crate::Origin::Parameters);
		assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(11), poll, WorkVote::Aye));
		assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(12), poll, WorkVote::Abstain));
		assert_eq!(
			tally(poll).work,
			HouseTally { ayes: share(30, 100), nays: 0, support: crate::WORK_HOUSE_SHARES }
		);
		assert!(events().contains(&Event::ProviderVoted {
			provider: 11,
			poll,
			vote: WorkVote::Aye,
			weight: share(30, 100)
		}));
		// Changing one's vote replaces it.
		assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(11), poll, WorkVote::Nay));
		assert_eq!(
			tally(poll).work,
			HouseTally { ayes: 0, nays: share(30, 100), support: share(70, 100) }
		);
	});
}

/// A vote's share is taken when it is cast; anyone may take it again for a standing
/// vote, and a vote whose provider has no share left leaves the tally.
#[test]
fn anyone_measures_a_standing_work_vote_again() {
	execute(|| {
		Work::mutate(|w| {
			w.insert(11, 30);
			w.insert(12, 70);
		});
		let poll = propose(crate::Origin::Parameters);
		assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(11), poll, WorkVote::Nay));
		// 11 does four times the work now: its vote keeps the share it was cast with.
		Work::mutate(|w| w.insert(11, 280));
		assert_eq!(tally(poll).work.nays, share(30, 100));
		assert_ok!(Dao::remeasure_provider_vote(RuntimeOrigin::signed(5), 11, poll));
		assert_eq!(tally(poll).work.nays, share(280, 350));
		assert!(events().contains(&Event::ProviderVoteRemeasured {
			provider: 11,
			poll,
			weight: share(280, 350)
		}));
		// Its work forfeited: the vote goes.
		Work::mutate(|w| w.insert(11, 0));
		assert_ok!(Dao::remeasure_provider_vote(RuntimeOrigin::signed(5), 11, poll));
		assert_eq!(tally(poll).work, HouseTally::default());
		assert!(!Dao::has_provider_vote(&11));
		assert_noop!(
			Dao::remeasure_provider_vote(RuntimeOrigin::signed(5), 11, poll),
			Error::<Test>::NotVoted
		);
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
