//! Cancelling before any commitment; clearing finished jobs.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::Job.into(), &who)
}

#[test]
fn cancel_before_assignment_refunds_the_escrow() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(2, 32));
		assert_noop!(Jobs::cancel(RuntimeOrigin::signed(21), job), Error::<Test>::NotSubmitter);
		assert_noop!(Jobs::cancel(RuntimeOrigin::signed(20), 9), Error::<Test>::JobNotFound);
		assert_ok!(Jobs::cancel(RuntimeOrigin::signed(20), job));
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Cancelled);
		assert_eq!(record.settlement, Some(Settlement { paid: 0, fee: 0, refunded: 220 }));
		assert_eq!(held(20), record.deposit);
		assert!(job_events().contains(&Event::Cancelled { job, paid: 0, fee: 0, refunded: 220 }));
		// The stale queue entry is skipped: nobody is assigned.
		next_block();
		assert!(assigned(job).is_empty());
		assert_noop!(Jobs::cancel(RuntimeOrigin::signed(20), job), Error::<Test>::CannotCancel);
	});
}

#[test]
fn cancel_after_assignment_pays_the_providers_for_their_time_and_the_fee() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(2, 32));
		next_block();
		let providers = assigned(job);
		// The providers started computing; a submitter who could read an output off a node
		// and cancel would get the work for free. Cancelling pays each for its time, and the
		// fee: drawing the providers again costs a fee every time.
		let treasury = free(TREASURY);
		assert_ok!(Jobs::cancel(RuntimeOrigin::signed(20), job));
		let time = JobDefaults::get().error_fee;
		let record = JobRecords::<Test>::get(job).unwrap();
		let fee = record.fee;
		assert_eq!(
			record.settlement,
			Some(Settlement { paid: 2 * time, fee, refunded: 220 - 2 * time - fee })
		);
		assert!(job_events().contains(&Event::Cancelled {
			job,
			paid: 2 * time,
			fee,
			refunded: 220 - 2 * time - fee
		}));
		assert_eq!(free(20), START_BALANCE - 2 * time - fee - record.deposit);
		assert_eq!(free(TREASURY), treasury + fee);
		for p in providers {
			assert_eq!(free(p), START_BALANCE - MIN_BOND + time);
			assert_eq!(pallet_providers::ProviderRecords::<Test>::get(p).unwrap().active_jobs, 0);
		}
		// Its commit deadline passes without effect.
		run_to_block(2 + DEADLINE);
		assert_eq!(JobRecords::<Test>::get(job).unwrap().status, JobStatus::Cancelled);
	});
}

#[test]
fn no_cancel_once_a_provider_committed() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(2, 32));
		next_block();
		commit(assigned(job)[0], job, hash_of(&output(32, 0)));
		assert_noop!(Jobs::cancel(RuntimeOrigin::signed(20), job), Error::<Test>::CannotCancel);
	});
}

#[test]
fn clear_returns_the_deposit_of_a_finished_job_and_removes_it() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(1, 32));
		assert_noop!(Jobs::clear(RuntimeOrigin::signed(20), job), Error::<Test>::NotFinished);
		next_block();
		let p = assigned(job)[0];
		let out = output(32, 0);
		commit(p, job, hash_of(&out));
		reveal(p, job, &out);
		// The only reveal decided the job: the output moved into its record.
		assert_eq!(JobRecords::<Test>::get(job).unwrap().output.unwrap().to_vec(), out);
		assert_eq!(RevealedOutputs::<Test>::iter_prefix(job).count(), 0);
		next_block();
		assert_noop!(Jobs::clear(RuntimeOrigin::signed(21), job), Error::<Test>::NotSubmitter);
		let deposit = JobRecords::<Test>::get(job).unwrap().deposit;
		let before = free(20);
		assert_ok!(Jobs::clear(RuntimeOrigin::signed(20), job));
		assert_eq!(free(20), before + deposit);
		assert_eq!(held(20), 0);
		assert!(JobRecords::<Test>::get(job).is_none());
		assert!(!JobPayloads::<Test>::contains_key(job));
		assert_eq!(RevealedOutputs::<Test>::iter_prefix(job).count(), 0);
		assert!(job_events().contains(&Event::Cleared { job, deposit }));
		assert_noop!(Jobs::clear(RuntimeOrigin::signed(20), job), Error::<Test>::JobNotFound);
		// In all, the submitter paid the price and the fee, nothing more.
		assert_eq!(free(20), START_BALANCE - PRICE - 10);
	});
}
