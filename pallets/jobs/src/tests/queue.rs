//! The assignment queue under attack: jobs nobody can take are refused or cost their
//! submitter, and never hold up the jobs behind them; a place held costs each round it is
//! held; a full queue still takes audits and escalations.

use crate::{mock::*, *};
use depin_interfaces::AuditJobs;
use frame_support::{assert_noop, assert_ok, traits::Get};
use pallet_providers::{ProviderRegistry, MAX_REPUTATION};

/// A job of one replica that every provider meets but none takes: it pays more than any
/// provider's bond backs (the providers pallet's exposure cap). An attacker's own busy
/// provider would keep a job waiting the same way.
fn blocked_spec() -> JobSpecOf<Test> {
	let mut s = spec(1, 32);
	s.price_per_replica = MIN_BOND + 1;
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
			unmeetable(&|s| s.requirements.min_memory_mib = 4_097),
			Error::<Test>::NoProviders
		);
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
		// The protocol fee goes to the treasury, with what the rounds in the queue cost the
		// deposit; the rest of the escrow returns.
		assert_eq!(free(TREASURY), treasury + record.fee + record_after.queue_paid);
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

#[test]
fn a_job_asking_the_memory_of_one_provider_and_the_reputation_of_another_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		// Provider 1 earns reputation 600; provider 4 joins with 8,192 MiB at 500.
		for _ in 0..10 {
			<Providers as ProviderRegistry<AccountId>>::reward(&1);
		}
		let big = pallet_providers::Capabilities { memory_mib: 8_192, ..cpu() };
		assert_ok!(Providers::register(RuntimeOrigin::signed(4), big, operator(4), MIN_BOND));
		// Each minimum alone is met, both together by nobody: the job could never be
		// assigned, and would hold a place in the queue until it expired.
		let both = |memory: u32, reputation: u32| {
			let mut s = spec(1, 32);
			s.requirements.min_memory_mib = memory;
			s.requirements.min_reputation = reputation;
			s
		};
		assert_noop!(
			Jobs::submit(RuntimeOrigin::signed(20), both(8_192, 600)),
			Error::<Test>::NoProviders
		);
		submit(20, both(8_192, 500));
		submit(20, both(4_096, 600));
	});
}

#[test]
fn holding_a_place_in_the_queue_costs_each_round_it_is_held() {
	ExtBuilder::default().providers(1).build_and_execute(|| {
		// Provider 1's bond backs jobs paying up to MIN_BOND: this one waits, although the
		// provider meets its requirements.
		let mut waiting = spec(1, 32);
		waiting.price_per_replica = MIN_BOND + 1;
		let treasury = free(TREASURY);
		let job = submit(21, waiting);
		let deposit = JobRecords::<Test>::get(job).unwrap().deposit;
		let rounds = u64::from(JobDefaults::get().max_queue_blocks) - 1;
		run_to_block(1 + rounds);
		let rent = JobDefaults::get().queue_fee_per_round;
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Queued);
		assert_eq!(free(TREASURY), treasury + rent * rounds, "paid for each round waited");
		assert_eq!(record.queue_paid, rent * rounds);
		assert_eq!(record.deposit, deposit - rent * rounds);
		// Then it expires: the fee too goes to the treasury; clearing returns what is left
		// of the deposit.
		next_block();
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Unresolved);
		assert_eq!(free(TREASURY), treasury + rent * rounds + record.fee);
		let before = free(21);
		assert_ok!(Jobs::clear(RuntimeOrigin::signed(21), job));
		assert_eq!(free(21), before + deposit - rent * rounds);
	});
}

#[test]
fn a_job_assigned_at_once_pays_nothing_for_the_queue() {
	ExtBuilder::default().build_and_execute(|| {
		let treasury = free(TREASURY);
		let (job, _) = assigned_job(1);
		assert_eq!(JobRecords::<Test>::get(job).unwrap().queue_paid, 0);
		assert_eq!(free(TREASURY), treasury);
	});
}

#[test]
fn a_full_queue_still_takes_escalations_and_audits() {
	ExtBuilder::default().build_and_execute(|| {
		// Two replicas that will disagree.
		let (disputed, providers) = assigned_job(2);
		// Then submitters fill every place `submit` may use.
		let mut blocked = spec(1, 32);
		blocked.price_per_replica = MIN_BOND + 1;
		while Jobs::submit(RuntimeOrigin::signed(21), blocked.clone()).is_ok() {}
		assert_eq!(Submissions::<Test>::get().queue.len() as u32, Jobs::open_queue_len());
		assert!(Jobs::open_queue_len() < <Test as Config>::MaxQueueLen::get());
		// The disputed job still gets its third replica.
		commit(providers[0], disputed, hash_of(&output(32, 1)));
		commit(providers[1], disputed, hash_of(&output(32, 2)));
		reveal(providers[0], disputed, &output(32, 1));
		reveal(providers[1], disputed, &output(32, 2));
		assert!(job_events().contains(&Event::Escalated { job: disputed, replicas: 3 }));
		// And the chain's audit is still issued.
		assert_ok!(<Jobs as AuditJobs<AccountId>>::issue(&30, 1, 0));
	});
}
