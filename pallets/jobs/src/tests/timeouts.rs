//! Deadlines enforced from `on_initialize`.

use crate::{mock::*, *};
use pallet_providers::INITIAL_REPUTATION;

#[test]
fn nobody_commits_then_no_more_providers_refunds_and_slashes_the_no_shows() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(3, 32));
		next_block();
		let providers = assigned(job);
		// Commit deadline: no commitment, no earlier reveal: escalation, but every
		// provider is already on the job, so after max_queue_blocks it is given up.
		run_to_block(2 + DEADLINE);
		assert_eq!(JobRecords::<Test>::get(job).unwrap().status, JobStatus::Queued);
		run_to_block(2 + DEADLINE + 3);
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Unresolved);
		assert_eq!(record.settlement, Some(Settlement { paid: 0, fee: 0, refunded: 330 }));
		for p in providers {
			assert_eq!(bond_held(p), MIN_BOND - 20, "2% no-show slash");
			assert_eq!(pallet_providers::ProviderRecords::<Test>::get(p).unwrap().active_jobs, 0);
		}
		assert_eq!(free(20), START_BALANCE - record.deposit);
	});
}

#[test]
fn the_reveal_window_closes_and_decides_on_what_was_revealed() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(3, 32));
		next_block();
		let p = assigned(job);
		let out = output(32, 0);
		for who in &p {
			commit(*who, job, hash_of(&out));
		}
		reveal(p[0], job, &out);
		reveal(p[1], job, &out);
		// p[2] committed and then kept its result back, waiting to see how the vote went;
		// the window closes at 2 + REVEAL_WINDOW.
		run_to_block(2 + REVEAL_WINDOW);
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(
			record.settlement,
			Some(Settlement { paid: 2 * PRICE, fee: 30, refunded: PRICE })
		);
		// Withholding is not cheaper than revealing a wrong result: 10 % and 100 reputation,
		// and no pay.
		assert_eq!(bond_held(p[2]), MIN_BOND - 100);
		assert_eq!(reputation(p[2]), INITIAL_REPUTATION - 100);
		assert_eq!(free(p[2]), START_BALANCE - MIN_BOND);
	});
}

#[test]
fn stale_schedule_entries_are_skipped() {
	ExtBuilder::default().build_and_execute(|| {
		// All commit early: the commit deadline entry at 12 is stale by then.
		let job = submit(20, spec(1, 32));
		next_block();
		let p = assigned(job)[0];
		let out = output(32, 0);
		commit(p, job, hash_of(&out));
		reveal(p, job, &out);
		run_to_block(2 + DEADLINE + 1);
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(job_events().iter().filter(|e| matches!(e, Event::Completed { .. })).count(), 1);
	});
}

/// Fills the deadline schedule from block `from` on, as far as a job could be pushed,
/// with entries of jobs that do not exist (what stale or hostile entries look like).
fn fill_schedule(from: u64) {
	for block in from..from + SCHEDULE_PROBE as u64 {
		Deadlines::<Test>::mutate(block, |jobs| {
			let mut filler = 10_000 + block * 100;
			while jobs.try_push(filler).is_ok() {
				filler += 1;
			}
		});
	}
}

#[test]
fn a_full_schedule_never_slashes_those_who_committed() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(3, 32));
		next_block();
		let p = assigned(job);
		let out = output(32, 0);
		commit(p[0], job, hash_of(&out));
		commit(p[1], job, hash_of(&out));
		// The commit deadline comes, and no block of the reveal window has room.
		fill_schedule(2 + DEADLINE + REVEAL_WINDOW);
		run_to_block(2 + DEADLINE);
		let record = JobRecords::<Test>::get(job).unwrap();
		assert!(record.status.is_finished());
		// Those who committed did their part: no slash, and they are paid for their time.
		for who in [p[0], p[1]] {
			assert_eq!(bond_held(who), MIN_BOND, "{who} slashed");
			assert_eq!(free(who), START_BALANCE - MIN_BOND + JobDefaults::get().error_fee);
		}
		// The one that never committed is a no-show.
		assert_eq!(bond_held(p[2]), MIN_BOND - 20);
		for who in &p {
			assert_eq!(pallet_providers::ProviderRecords::<Test>::get(who).unwrap().active_jobs, 0);
		}
		// The fillers name no jobs; the schedule invariant would rightly object to them.
		let _ = Deadlines::<Test>::clear(u32::MAX, None);
	});
}

#[test]
fn a_job_leaves_the_schedule_when_it_moves_on_or_is_cancelled() {
	ExtBuilder::default().build_and_execute(|| {
		let commit_until = 2 + DEADLINE;
		// Cancelled after assignment: its commit deadline entry goes with it.
		let cancelled = submit(20, spec(1, 32));
		next_block();
		assert!(Deadlines::<Test>::get(commit_until).contains(&cancelled));
		frame_support::assert_ok!(Jobs::cancel(RuntimeOrigin::signed(20), cancelled));
		assert!(!Deadlines::<Test>::get(commit_until).contains(&cancelled));

		// Everyone committed early: the reveal window opens now, and the commit deadline
		// entry is taken out, so that it holds no room it no longer needs.
		let early = submit(20, spec(1, 32));
		next_block();
		let p = assigned(early)[0];
		let until = 3 + DEADLINE;
		assert!(Deadlines::<Test>::get(until).contains(&early));
		commit(p, early, hash_of(&output(32, 0)));
		assert!(!Deadlines::<Test>::get(until).contains(&early));
		let JobStatus::Revealing { until: reveal_until } =
			JobRecords::<Test>::get(early).unwrap().status
		else {
			panic!("revealing")
		};
		assert!(Deadlines::<Test>::get(reveal_until).contains(&early));
	});
}
