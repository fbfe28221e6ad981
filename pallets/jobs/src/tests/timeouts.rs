//! Deadlines enforced from `on_initialize`.

use crate::{mock::*, *};
use frame_support::traits::fungible::InspectHold;

fn bond_held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&pallet_providers::HoldReason::ProviderBond.into(), &who)
}

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
		// p[2] stays silent; the window closes at 2 + REVEAL_WINDOW.
		run_to_block(2 + REVEAL_WINDOW);
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(
			record.settlement,
			Some(Settlement { paid: 2 * PRICE, fee: 30, refunded: PRICE })
		);
		assert_eq!(bond_held(p[2]), MIN_BOND - 20);
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
