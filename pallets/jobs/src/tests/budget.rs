//! A kernel nobody can finish costs its submitter, not the providers: a job declares a
//! compute budget, provider nodes attest running past it (`BudgetExceeded`) or a kernel
//! that crashes their worker (`KernelCrashed`), and such a result pays every replica that
//! revealed for its time and takes no one's bond or reputation, on either side of the vote.
//! (The node side, a real endless kernel stopped at its budget, is tested in
//! `depin-compute-executor` and end to end.)

use crate::{mock::*, *};
use depin_compute_primitives::ErrorCode;
use frame_support::assert_noop;
use pallet_providers::INITIAL_REPUTATION;

const BUDGET: u32 = ErrorCode::BudgetExceeded as u32;
const CRASHED: u32 = ErrorCode::KernelCrashed as u32;

#[test]
fn a_kernel_past_its_budget_costs_its_submitter_not_the_providers() {
	for code in [BUDGET, CRASHED] {
		ExtBuilder::default().build_and_execute(|| {
			let (job, p) = assigned_job(3);
			let submitter_before = free(20);
			for who in &p {
				commit_error(*who, job, code);
			}
			for who in &p {
				reveal_error(*who, job, code);
			}
			next_block();
			let record = JobRecords::<Test>::get(job).unwrap();
			assert_eq!(record.status, JobStatus::Failed { code });
			// Each provider is paid for its time; none loses bond or reputation.
			let error_fee = JobDefaults::get().error_fee;
			for who in &p {
				assert_eq!(free(*who), START_BALANCE - MIN_BOND + error_fee);
				assert_eq!(bond_held(*who), MIN_BOND);
				assert_eq!(reputation(*who), INITIAL_REPUTATION);
				assert!(!was_slashed(*who));
			}
			// The submitter pays that time out of the escrow, and gets the rest back.
			assert_eq!(
				record.settlement,
				Some(Settlement {
					paid: 3 * error_fee,
					fee: 0,
					refunded: record.escrow - 3 * error_fee
				})
			);
			assert_eq!(free(20), submitter_before + record.escrow - 3 * error_fee);
		});
	}
}

#[test]
fn slower_devices_that_ran_out_lose_nothing_when_faster_ones_finish() {
	ExtBuilder::default().build_and_execute(|| {
		let (job, p) = assigned_job(3);
		let out = output(32, 0);
		commit(p[0], job, hash_of(&out));
		commit(p[1], job, hash_of(&out));
		commit_error(p[2], job, BUDGET);
		reveal(p[0], job, &out);
		reveal(p[1], job, &out);
		reveal_error(p[2], job, BUDGET);
		next_block();
		assert_eq!(JobRecords::<Test>::get(job).unwrap().status, JobStatus::Completed);
		// Not paid (the output was what the submitter paid for), not demoted, not slashed.
		assert_eq!(free(p[2]), START_BALANCE - MIN_BOND);
		assert_eq!(reputation(p[2]), INITIAL_REPUTATION);
		assert_eq!(bond_held(p[2]), MIN_BOND);
	});
}

#[test]
fn a_faster_device_outvoted_by_the_budget_is_paid_its_time_too() {
	ExtBuilder::default().build_and_execute(|| {
		let (job, p) = assigned_job(3);
		let out = output(32, 0);
		commit_error(p[0], job, BUDGET);
		commit_error(p[1], job, BUDGET);
		commit(p[2], job, hash_of(&out));
		reveal_error(p[0], job, BUDGET);
		reveal_error(p[1], job, BUDGET);
		reveal(p[2], job, &out);
		next_block();
		assert_eq!(
			JobRecords::<Test>::get(job).unwrap().status,
			JobStatus::Failed { code: BUDGET }
		);
		let error_fee = JobDefaults::get().error_fee;
		for who in &p {
			assert_eq!(free(*who), START_BALANCE - MIN_BOND + error_fee);
			assert_eq!(reputation(*who), INITIAL_REPUTATION);
			assert_eq!(bond_held(*who), MIN_BOND);
		}
	});
}

#[test]
fn the_budget_must_fit_the_deadline_and_the_governed_maximum() {
	ExtBuilder::default().build_and_execute(|| {
		let with_budget = |budget: u32, deadline: u64| {
			let mut s = spec(1, 32);
			s.compute_budget_ms = budget;
			s.deadline = deadline;
			Jobs::submit(RuntimeOrigin::signed(20), s)
		};
		let params = JobDefaults::get();
		// compute_ms_per_block = 1,000; max_compute_budget_ms = 10,000.
		assert_noop!(with_budget(0, DEADLINE), Error::<Test>::InvalidBudget);
		assert_noop!(
			with_budget(params.max_compute_budget_ms + 1, 20),
			Error::<Test>::InvalidBudget
		);
		let min = params.min_deadline;
		assert_noop!(
			with_budget(min as u32 * params.compute_ms_per_block + 1, min),
			Error::<Test>::InvalidBudget
		);
		submit(20, {
			let mut s = spec(1, 32);
			s.compute_budget_ms = min as u32 * params.compute_ms_per_block;
			s.deadline = min;
			s
		});
		// The executor gets the budget with the task.
		let job = Submissions::<Test>::get().next_id - 1;
		assert_eq!(
			Jobs::compute_task(job, &JobRecords::<Test>::get(job).unwrap())
				.unwrap()
				.budget_ms,
			min as u32 * params.compute_ms_per_block
		);
	});
}
