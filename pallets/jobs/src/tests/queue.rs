//! The assignment queue under attack: jobs nobody can take are refused or cost their
//! submitter, and never hold up the jobs behind them.

use crate::{mock::*, *};
use frame_support::{assert_noop, traits::Get};
use pallet_providers::MAX_REPUTATION;

/// Account 20's job of one replica that needs more memory than any provider has, yet
/// looks plausible: the providers' 4,096 MiB and its 4,097 MiB are in the same size tier.
fn blocked_spec() -> JobSpecOf<Test> {
	let mut s = spec(1, 32);
	s.requirements.min_memory_mib = 4_097;
	s
}

#[test]
fn requirements_no_listed_provider_can_meet_are_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let unmeetable = |f: &dyn Fn(&mut JobSpecOf<Test>)| {
			let mut s = spec(1, 32);
			f(&mut s);
			Jobs::submit(RuntimeOrigin::signed(20), s)
		};
		// Every provider has 4,096 MiB and reputation 500; there are three of them.
		assert_noop!(
			unmeetable(&|s| s.requirements.min_memory_mib = u32::MAX),
			Error::<Test>::NoProviders
		);
		assert_noop!(
			unmeetable(&|s| s.requirements.min_memory_mib = 8_192),
			Error::<Test>::NoProviders
		);
		assert_noop!(
			unmeetable(&|s| s.requirements.min_reputation = MAX_REPUTATION),
			Error::<Test>::NoProviders
		);
		assert_noop!(unmeetable(&|s| s.replicas = 4), Error::<Test>::NoProviders);
		// What the providers can meet is accepted.
		submit(20, spec(3, 32));
		let mut fits = spec(1, 32);
		fits.requirements.min_memory_mib = 4_096;
		fits.requirements.min_reputation = 500;
		submit(20, fits);
	});
}

#[test]
fn honest_jobs_behind_blocked_ones_are_assigned() {
	ExtBuilder::default().build_and_execute(|| {
		// An attacker fills the head of the queue with as many jobs nobody can take as
		// there are assignments per block.
		let per_block = <Test as Config>::MaxAssignmentsPerBlock::get();
		for _ in 0..per_block {
			submit(21, blocked_spec());
		}
		let honest = submit(20, spec(1, 32));
		next_block();
		assert_eq!(JobRecords::<Test>::get(honest).unwrap().status, JobStatus::Queued);
		// The blocked jobs had their turn; the honest job gets its own in the next block.
		next_block();
		assert!(matches!(
			JobRecords::<Test>::get(honest).unwrap().status,
			JobStatus::Committing { .. }
		));
	});
}

#[test]
fn a_job_that_expires_unassigned_pays_the_fee() {
	ExtBuilder::default().build_and_execute(|| {
		let treasury = free(TREASURY);
		let job = submit(21, blocked_spec());
		let record = JobRecords::<Test>::get(job).unwrap();
		run_to_block(1 + u64::from(JobDefaults::get().max_queue_blocks));
		let record_after = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record_after.status, JobStatus::Unresolved);
		// The protocol fee goes to the treasury; the rest of the escrow returns.
		assert_eq!(free(TREASURY), treasury + record.fee);
		assert_eq!(
			record_after.settlement,
			Some(Settlement { paid: 0, fee: record.fee, refunded: record.escrow - record.fee })
		);
		assert_eq!(
			job_events().last(),
			Some(&Event::Unresolved {
				job,
				paid: 0,
				fee: record.fee,
				refunded: record.escrow - record.fee
			})
		);
	});
}
