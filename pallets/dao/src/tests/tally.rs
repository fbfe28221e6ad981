//! How tracks combine the houses: both must pass, the token house with a work-house veto,
//! and the cancel track, which no house passes alone.

use crate::{mock::*, HouseRule, HouseTally, Tally, TokenVote, VoteLock, WorkVote};
use frame_support::{assert_ok, traits::VoteTally};
use sp_runtime::Perbill;

fn token(who: AccountId, poll: u32, aye: bool, capital: Balance) {
	let vote = TokenVote::Standard { aye, lock: VoteLock::None, capital };
	assert_ok!(Dao::vote(RuntimeOrigin::signed(who), poll, vote));
}

fn work(who: AccountId, poll: u32, vote: WorkVote) {
	assert_ok!(Dao::vote_as_provider(RuntimeOrigin::signed(who), poll, vote));
}

fn providers(weights: &[(AccountId, Balance)]) {
	Work::mutate(|w| w.extend(weights.iter().copied()));
}

fn run_until_decided(poll: u32) -> Option<bool> {
	run_to_block(System::block_number() + DECISION + 3);
	outcome(poll)
}

#[test]
fn both_houses_must_pass_where_the_track_says_so() {
	execute(|| {
		providers(&[(11, 30), (12, 70)]);
		// Every token holder for, the providers against: rejected.
		let poll = propose(crate::Origin::Parameters);
		for who in 1..=5 {
			token(who, poll, true, 99);
		}
		work(12, poll, WorkVote::Nay);
		assert_eq!(tally(poll).approval(BOTH), Perbill::zero());
		assert_eq!(run_until_decided(poll), Some(false));
		// The same with the providers for: approved.
		let poll = propose(crate::Origin::Parameters);
		for who in 1..=5 {
			token(who, poll, true, 99);
		}
		work(12, poll, WorkVote::Aye);
		assert_eq!(run_until_decided(poll), Some(true));
	});
}

#[test]
fn the_work_house_alone_cannot_pass_a_both_houses_track() {
	execute(|| {
		providers(&[(11, 30), (12, 70)]);
		let poll = propose(crate::Origin::Parameters);
		work(11, poll, WorkVote::Aye);
		work(12, poll, WorkVote::Aye);
		assert_eq!(tally(poll).support(BOTH), Perbill::zero());
		assert_eq!(run_until_decided(poll), Some(false));
	});
}

#[test]
fn the_work_house_vetoes_a_token_decision_with_enough_of_its_weight() {
	execute(|| {
		providers(&[(11, 15), (12, 85)]);
		// 15 % of the work house against: under the 20 % veto, the token house decides.
		let poll = propose(crate::Origin::SmallSpender);
		token(1, poll, true, 99);
		token(2, poll, true, 99);
		work(11, poll, WorkVote::Nay);
		assert_eq!(run_until_decided(poll), Some(true));
		// 85 % against: vetoed.
		let poll = propose(crate::Origin::SmallSpender);
		token(1, poll, true, 99);
		token(2, poll, true, 99);
		work(12, poll, WorkVote::Nay);
		assert_eq!(tally(poll).approval(VETO), Perbill::zero());
		assert_eq!(run_until_decided(poll), Some(false));
		// Without any work-house vote the token house decides alone.
		let poll = propose(crate::Origin::SmallSpender);
		token(1, poll, true, 99);
		token(2, poll, true, 99);
		assert_eq!(run_until_decided(poll), Some(true));
	});
}

/// Cancelling and killing referenda needs both houses: the work house's weight is cheap
/// while no provider has recent work, so its ayes alone, over the token house's nays, must
/// not remove another account's referendum (and slash its deposits).
#[test]
fn no_house_carries_the_cancel_track_alone() {
	execute(|| {
		providers(&[(11, 30), (12, 70)]);
		let by_work = propose(crate::Origin::Canceller);
		work(12, by_work, WorkVote::Aye);
		token(1, by_work, false, 99);
		let by_tokens = propose(crate::Origin::Canceller);
		token(1, by_tokens, true, 99);
		token(2, by_tokens, true, 99);
		work(11, by_tokens, WorkVote::Nay);
		let by_both = propose(crate::Origin::Canceller);
		token(1, by_both, true, 99);
		token(2, by_both, true, 99);
		work(12, by_both, WorkVote::Aye);
		assert_eq!(run_until_decided(by_work), Some(false));
		assert_eq!(run_until_decided(by_tokens), Some(false));
		assert_eq!(run_until_decided(by_both), Some(true));
	});
}

#[test]
fn approval_and_support_follow_the_rule_exactly() {
	let house = |ayes, nays, support| HouseTally::<u64> { ayes, nays, support };
	let t: Tally<u64, ()> = Tally::from_houses(house(75, 25, 50), house(10, 30, 20));
	let electorates = (1_000, 100);
	let p = Perbill::from_percent;
	assert_eq!(t.combined(HouseRule::Both, electorates.0, electorates.1), (p(25), p(5)));
	// Work house: 30 against of 100 ≥ 20 %, and more against than for: vetoed.
	assert_eq!(
		t.combined(HouseRule::TokenWithWorkVeto { veto: p(20) }, electorates.0, electorates.1),
		(p(0), p(5))
	);
	assert_eq!(
		t.combined(HouseRule::TokenWithWorkVeto { veto: p(31) }, electorates.0, electorates.1),
		(p(75), p(5))
	);
	// Nobody voted: zero approval; an empty electorate: zero support.
	let empty: Tally<u64, ()> = Tally::from_houses(house(0, 0, 0), house(0, 0, 0));
	assert_eq!(empty.combined(HouseRule::Both, 0, 0), (p(0), p(0)));
}
