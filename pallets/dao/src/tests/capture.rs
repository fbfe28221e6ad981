//! Capture resistance: how many of the largest holders must collude to pass each track,
//! against a turnout of everyone else voting no?
//!
//! 10,000 entities hold Pareto-distributed stake (shape 1.16, from the minimum bond up);
//! each also runs a provider. The coalition is the `k` largest by stake: in the token house
//! it votes aye with all its stake at the longest lock (3×), in the work house with all its
//! work. Of the others, a share (the turnout) drawn at random votes nay, with its stake at
//! 1× and its work. The votes are counted with the pallet's own [`TokenVote::tally`],
//! [`WorkVote::tally`] and [`Tally::combined`] (both houses must pass), and the poll passes
//! where each of the runtime's tracks ([`TRACKS`]: its support floor) would at the end of
//! its decision period, its most lenient point (approval 50 %, support at the floor). The
//! smallest passing `k` is searched for three kinds of work:
//! - **independent**: work is Pareto too, drawn independently of stake;
//! - **follows counted stake**: work proportional to stake counted up to ten minimum bonds,
//!   as the providers pallet's selection assigns it (`max_counted_stake`); this is also
//!   the work house of a chain without recent verified work, where a provider weighs its
//!   counted stake;
//! - **follows stake**: work proportional to stake, uncapped (the worst case).
//!
//! **Bought work**: self-dealing buys work weight for at least two DCC of fees per DCC of
//! weight (the rewards pallet's inequality). To carry the work house against a turnout `t`
//! of the network's recent work `W` on a track with support floor `f`, a buyer needs
//! `B ≥ max(t, f / (1 − f)) × W` of weight, so at least `2B` DCC of fees within the recent
//! eras; the simulation prints that bound for each track.
//!
//! `scripts/simulate-capture` prints the table; the test suite runs the same and fails if
//! fewer than 100 entities can pass any track at 40 % turnout with independent work.

use crate::{HouseTally, Tally, TokenVote, VoteLock, WorkVote};
use sp_runtime::Perbill;

const ENTITIES: usize = 10_000;

/// The runtime's tracks (`runtime/src/configs/governance.rs`): name, support floor at the
/// end of the decision period.
const TRACKS: [(&str, u32); 7] = [
	("parameters", 5),
	("small_spender", 1),
	("big_spender", 5),
	("validator_admin", 5),
	("runtime_upgrade", 10),
	("canceller", 1),
	("emergency", 5),
];
/// Stake is counted in minimum bonds × 1,000 (the Pareto draw's unit is one minimum bond).
const MIN_BOND: f64 = 1_000.0;
const COUNTED_CAP: f64 = 10.0 * MIN_BOND;

/// A deterministic draw in (0, 1] from `seed` and `i` (blake2 of both).
fn unit(seed: u64, i: usize) -> f64 {
	let bytes =
		sp_io::hashing::blake2_256(&[seed.to_le_bytes(), (i as u64).to_le_bytes()].concat());
	let x = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
	((x >> 11) as f64 + 1.0) / (1u64 << 53) as f64
}

/// Pareto(shape 1.16) from `MIN_BOND` up, by inverse transform.
fn pareto(seed: u64, i: usize) -> f64 {
	MIN_BOND / unit(seed, i).powf(1.0 / 1.16)
}

#[derive(Clone, Copy, Debug)]
enum Work {
	Independent,
	FollowsCountedStake,
	FollowsStake,
}

struct Population {
	/// Stake of each entity, largest first.
	stake: Vec<u64>,
	work: Vec<u64>,
	/// Each entity's draw for turning out.
	turnout_draw: Vec<f64>,
}

fn population(work: Work) -> Population {
	let mut stake: Vec<f64> = (0..ENTITIES).map(|i| pareto(1, i)).collect();
	stake.sort_by(|a, b| b.partial_cmp(a).expect("finite"));
	let work = stake
		.iter()
		.enumerate()
		.map(|(i, s)| match work {
			Work::Independent => pareto(2, i),
			Work::FollowsCountedStake => s.min(COUNTED_CAP),
			Work::FollowsStake => *s,
		} as u64)
		.collect();
	Population {
		stake: stake.iter().map(|s| *s as u64).collect(),
		work,
		turnout_draw: (0..ENTITIES).map(|i| unit(3, i)).collect(),
	}
}

/// Whether the `k` largest pass a track with support `floor` (percent) against `turnout`
/// of the rest.
fn coalition_passes(p: &Population, k: usize, turnout: f64, floor: u32) -> bool {
	let (mut token, mut work) = (HouseTally::<u64>::default(), HouseTally::<u64>::default());
	for i in 0..ENTITIES {
		let (aye, lock) = if i < k {
			(true, VoteLock::EightPeriods)
		} else if p.turnout_draw[i] <= turnout {
			(false, VoteLock::None)
		} else {
			continue;
		};
		token.add(&TokenVote::Standard { aye, lock, capital: p.stake[i] }.tally());
		let vote = if aye { WorkVote::Aye } else { WorkVote::Nay };
		work.add(&vote.tally(p.work[i]));
	}
	let tally: Tally<u64, ()> = Tally::from_houses(token, work);
	let electorates = (p.stake.iter().sum(), p.work.iter().sum());
	crate::tally::passes(
		&tally,
		electorates,
		Perbill::from_percent(50),
		Perbill::from_percent(floor),
	)
}

/// The smallest coalition of the largest holders that passes, by bisection (a larger
/// coalition of the largest always does at least as well).
fn smallest_coalition(p: &Population, turnout: f64, floor: u32) -> usize {
	let (mut lo, mut hi) = (0, ENTITIES);
	while lo + 1 < hi {
		let mid = (lo + hi) / 2;
		if coalition_passes(p, mid, turnout, floor) {
			hi = mid;
		} else {
			lo = mid;
		}
	}
	hi
}

/// The smallest coalition that passes the token house alone (1× against, 3× for).
fn smallest_token_coalition(p: &Population, turnout: f64) -> usize {
	let total: u64 = p.stake.iter().sum();
	(1..=ENTITIES)
		.find(|&k| {
			let ayes = 3 * p.stake[..k].iter().sum::<u64>();
			let nays: u64 = (k..ENTITIES)
				.filter(|&i| p.turnout_draw[i] <= turnout)
				.map(|i| p.stake[i])
				.sum();
			let support = p.stake[..k].iter().sum::<u64>();
			ayes >= nays && support * 20 >= total
		})
		.unwrap_or(ENTITIES)
}

#[test]
fn every_track_takes_many_entities_to_capture() {
	let turnouts = [0.1, 0.2, 0.4, 0.6];
	let mut weakest_at_40 = (ENTITIES, "");
	for work in [Work::Independent, Work::FollowsCountedStake, Work::FollowsStake] {
		let p = population(work);
		let stake_total: u64 = p.stake.iter().sum();
		let top10 = 100.0 * p.stake[..10].iter().sum::<u64>() as f64 / stake_total as f64;
		for (track, floor) in TRACKS {
			let row: Vec<String> = turnouts
				.iter()
				.map(|&t| {
					let k = smallest_coalition(&p, t, floor);
					if matches!(work, Work::Independent) && t == 0.4 && k < weakest_at_40.0 {
						weakest_at_40 = (k, track);
					}
					format!("{:.0} %: {k}", t * 100.0)
				})
				.collect();
			println!(
				"simulation: work {work:?}, track {track} (support floor {floor} %): largest entities needed, by turnout against: {} (top 10 hold {top10:.1} % of stake)",
				row.join("; ")
			);
		}
		let token: Vec<String> = turnouts
			.iter()
			.map(|&t| format!("{:.0} %: {}", t * 100.0, smallest_token_coalition(&p, t)))
			.collect();
		println!("simulation: work {work:?}, token house alone: {}", token.join("; "));
	}
	for (track, floor) in TRACKS {
		let f = f64::from(floor) / 100.0;
		let bought: Vec<String> = turnouts
			.iter()
			.map(|&t| format!("{:.0} %: {:.2} W", t * 100.0, 2.0 * t.max(f / (1.0 - f))))
			.collect();
		println!(
			"simulation: bought work, track {track}: fees to carry the work house, W = the network's recent work: {}",
			bought.join("; ")
		);
	}
	assert!(
		weakest_at_40.0 >= 100,
		"only {} entities pass the {} track at 40 % turnout",
		weakest_at_40.0,
		weakest_at_40.1
	);
}
