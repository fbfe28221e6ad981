//! Submitting jobs: escrow, deposit, queue, and every way a spec can be wrong.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use pallet_providers::{DeviceKind, MAX_REPUTATION};
use sp_runtime::{DispatchError, Perbill};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::Job.into(), &who)
}

#[test]
fn submit_holds_escrow_and_deposit_and_queues_the_job() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(3, 32));
		let record = JobRecords::<Test>::get(job).unwrap();
		// 3 × 100 + 10% fee; deposit 20 + 128 input bytes + 5 bytes of kernel parameters.
		assert_eq!(record.escrow, 330);
		assert_eq!(record.fee, 30);
		assert_eq!(record.deposit, 153);
		assert_eq!(held(20), 330 + 153);
		assert_eq!(free(20), START_BALANCE - 330 - 153);
		assert_eq!(record.status, JobStatus::Queued);
		assert_eq!(Submissions::<Test>::get().queue.to_vec(), vec![job]);
		assert!(JobPayloads::<Test>::contains_key(job));
		assert_eq!(
			job_events(),
			vec![Event::Submitted { job, submitter: 20, replicas: 3, escrow: 330 }]
		);
		// Assigned in the next block, to three distinct providers.
		next_block();
		let providers = assigned(job);
		assert_eq!(providers.len(), 3);
		assert!(providers.iter().all(|p| (1..=3).contains(p)));
		assert_eq!(
			JobRecords::<Test>::get(job).unwrap().status,
			JobStatus::Committing { until: 2 + DEADLINE }
		);
		assert!(Submissions::<Test>::get().queue.is_empty());
	});
}

#[test]
fn submit_rejects_bad_specs_precisely() {
	ExtBuilder::default().build_and_execute(|| {
		let bad = |f: &dyn Fn(&mut JobSpecOf<Test>)| {
			let mut s = spec(1, 32);
			f(&mut s);
			Jobs::submit(RuntimeOrigin::signed(20), s)
		};
		assert_noop!(bad(&|s| s.replicas = 0), Error::<Test>::InvalidReplicas);
		assert_noop!(bad(&|s| s.replicas = 6), Error::<Test>::InvalidReplicas);
		assert_noop!(bad(&|s| s.work_size = [4, 0, 1]), Error::<Test>::InvalidWorkSize);
		assert_noop!(bad(&|s| s.output_len = 0), Error::<Test>::InvalidOutputLen);
		assert_noop!(bad(&|s| s.output_len = 4_097), Error::<Test>::InvalidOutputLen);
		assert_noop!(bad(&|s| s.price_per_replica = 9), Error::<Test>::PriceTooLow);
		assert_noop!(bad(&|s| s.deadline = 1), Error::<Test>::InvalidDeadline);
		assert_noop!(bad(&|s| s.deadline = 101), Error::<Test>::InvalidDeadline);
		assert_noop!(
			bad(&|s| s.requirements.min_reputation = MAX_REPUTATION + 1),
			Error::<Test>::InvalidRequirements
		);
		assert_noop!(
			bad(&|s| s.kernel = Kernel::Source {
				source: Default::default(),
				entry: b"main".to_vec().try_into().unwrap()
			}),
			Error::<Test>::EmptySource
		);
		assert_noop!(
			bad(&|s| s.kernel = Kernel::Source {
				source: b"__kernel void k() {}".to_vec().try_into().unwrap(),
				entry: Default::default()
			}),
			Error::<Test>::EmptySource
		);
		assert_noop!(bad(&|s| s.requirements.kind = DeviceKind::Gpu), Error::<Test>::NoProviders);
		assert_noop!(
			bad(&|s| {
				s.replicas = 2;
				s.price_per_replica = u64::MAX;
			}),
			Error::<Test>::Overflow
		);
		// Account 77 has nothing.
		assert_noop!(
			Jobs::submit(RuntimeOrigin::signed(77), spec(1, 32)),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(Jobs::submit(RuntimeOrigin::none(), spec(1, 32)), DispatchError::BadOrigin);
	});
}

#[test]
fn the_assignment_queue_is_bounded() {
	ExtBuilder::default().build_and_execute(|| {
		// Six of the eight places are open to `submit` (a quarter is kept for audits and
		// escalations).
		assert_eq!(Jobs::open_queue_len(), 6);
		for _ in 0..6 {
			submit(20, spec(1, 32));
		}
		assert_noop!(
			Jobs::submit(RuntimeOrigin::signed(20), spec(1, 32)),
			Error::<Test>::QueueFull
		);
		// Four are assigned per block; the queue drains.
		next_block();
		assert_eq!(Submissions::<Test>::get().queue.len(), 2);
		next_block();
		assert!(Submissions::<Test>::get().queue.is_empty());
		submit(20, spec(1, 32));
	});
}

#[test]
fn set_params_is_for_governance_and_checked() {
	ExtBuilder::default().build_and_execute(|| {
		let params = JobParams { fee: Perbill::from_percent(1), ..JobDefaults::get() };
		assert_noop!(
			Jobs::set_params(RuntimeOrigin::signed(1), params.clone()),
			DispatchError::BadOrigin
		);
		for bad in [
			JobParams { min_deadline: 0, ..params.clone() },
			JobParams { min_deadline: 50, max_deadline: 40, ..params.clone() },
			JobParams { reveal_window: 0, ..params.clone() },
			JobParams { error_fee: params.min_price + 1, ..params.clone() },
			JobParams { max_queue_blocks: 0, ..params.clone() },
		] {
			assert_noop!(
				Jobs::set_params(RuntimeOrigin::root(), bad),
				Error::<Test>::InvalidParams
			);
		}
		assert_ok!(Jobs::set_params(RuntimeOrigin::root(), params.clone()));
		assert_eq!(Params::<Test>::get(), params);
		let job = submit(20, spec(2, 32));
		assert_eq!(JobRecords::<Test>::get(job).unwrap().fee, 2, "1% of 200");
	});
}

/// The jobs pallet refused parameters whose longest job outlasts the providers' unbonding
/// period, but the providers pallet accepted an unbonding period shorter than the longest
/// job: a provider could then withdraw its bond before a job's slash. Both sides check.
#[test]
fn the_unbonding_period_cannot_fall_to_the_longest_job() {
	ExtBuilder::default().build_and_execute(|| {
		let longest = Jobs::longest_job(&Params::<Test>::get());
		let providers = |unbonding_period: u64| {
			let params = pallet_providers::ProviderParams {
				unbonding_period,
				..pallet_providers::Params::<Test>::get()
			};
			pallet_providers::Pallet::<Test>::set_params(RuntimeOrigin::root(), params)
		};
		assert_noop!(providers(longest), pallet_providers::Error::<Test>::InvalidParams);
		assert_ok!(providers(longest + 1));
	});
}

#[test]
fn input_by_content_is_stored_as_its_id_and_handed_to_the_executor() {
	use depin_compute_primitives::content::{ContentId, MAX_CONTENT_LEN};
	ExtBuilder::default().build_and_execute(|| {
		let content = ContentId { root: sp_core::H256::repeat_byte(7), len: MAX_CONTENT_LEN };
		let mut by_content = spec(3, 32);
		by_content.input = Default::default();
		by_content.input_content = Some(content);
		let job = submit(20, by_content.clone());
		// The deposit counts the id's 40 bytes, never the content's 256 MiB.
		assert_eq!(JobRecords::<Test>::get(job).unwrap().deposit, 20 + 40 + 5);
		assert_eq!(JobPayloads::<Test>::get(job).unwrap().input_content, Some(content));
		let task = Jobs::compute_task(job, &JobRecords::<Test>::get(job).unwrap()).unwrap();
		assert_eq!((task.input_content, task.input.len()), (Some(content), 0));

		// Inline and by content at once, or more than 256 MiB: refused before anything is held.
		let mut both = by_content.clone();
		both.input = vec![1u8].try_into().unwrap();
		assert_noop!(Jobs::submit(RuntimeOrigin::signed(20), both), Error::<Test>::InputTwice);
		let mut huge = by_content;
		huge.input_content = Some(ContentId { len: MAX_CONTENT_LEN + 1, ..content });
		assert_noop!(Jobs::submit(RuntimeOrigin::signed(20), huge), Error::<Test>::ContentTooLarge);
	});
}
