//! How tracks combine the houses: on every track both must pass, so neither the token
//! house nor the work house passes anything alone.

use crate::{mock::*, HouseTally, Tally, TokenVote, VoteLock, WorkVote};
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
fn both_houses_must_pass() {
	execute(|| {
		providers(&[(11, 30), (12, 70)]);
		// Every token holder for, the providers against: rejected.
		let poll = propose(crate::Origin::Parameters);
		for who in 1..=5 {
			token(who, poll, true, 99);
		}
		work(12, poll, WorkVote::Nay);
		assert_eq!(tally(poll).approval(PARAMETERS), Perbill::zero());
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
fn the_work_house_alone_cannot_pass() {
	execute(|| {
		providers(&[(11, 30), (12, 70)]);
		let poll = propose(crate::Origin::Parameters);
		work(11, poll, WorkVote::Aye);
		work(12, poll, WorkVote::Aye);
		assert_eq!(tally(poll).support(PARAMETERS), Perbill::zero());
		assert_eq!(run_until_decided(poll), Some(false));
	});
}

/// A spend needs the providers too: every holder for and no provider voting is not
/// enough, nor is a token majority over a work house against; both for pass it.
#[test]
fn the_token_house_alone_cannot_spend() {
	execute(|| {
		providers(&[(11, 15), (12, 85)]);
		let unopposed = propose(crate::Origin::SmallSpender);
		for who in 1..=5 {
			token(who, unopposed, true, 99);
		}
		assert_eq!(tally(unopposed).support(SPEND), Perbill::zero());
		let opposed = propose(crate::Origin::SmallSpender);
		for who in 1..=5 {
			token(who, opposed, true, 99);
		}
		work(11, opposed, WorkVote::Aye);
		work(12, opposed, WorkVote::Nay);
		assert_eq!(tally(opposed).approval(SPEND), Perbill::from_percent(15));
		let both = propose(crate::Origin::SmallSpender);
		token(1, both, true, 99);
		token(2, both, true, 99);
		work(11, both, WorkVote::Aye);
		assert_eq!(run_until_decided(unopposed), Some(false));
		assert_eq!(run_until_decided(opposed), Some(false));
		assert_eq!(run_until_decided(both), Some(true));
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
fn approval_and_support_are_the_lower_houses_exactly() {
	let house = |ayes, nays, support| HouseTally::<u64> { ayes, nays, support };
	let t: Tally<u64, ()> = Tally::from_houses(house(75, 25, 50), house(10, 30, 20));
	let electorates = (1_000, 100);
	let p = Perbill::from_percent;
	// Approval: the token house's 75 %, the work house's 25 %; support: 5 % and 20 %.
	assert_eq!(t.combined(electorates.0, electorates.1), (p(25), p(5)));
	// Nobody voted: zero approval; an empty electorate: zero support.
	let empty: Tally<u64, ()> = Tally::from_houses(house(0, 0, 0), house(0, 0, 0));
	assert_eq!(empty.combined(0, 0), (p(0), p(0)));
}
