//! Submission: what a job spec must satisfy, and what it costs (escrow and storage
//! deposit, one hold on the submitter's account).

use crate::*;
use depin_compute_primitives::content::MAX_CONTENT_LEN;
use frame_support::pallet_prelude::*;
use pallet_providers::{ProviderRegistry, MAX_REPUTATION};
use sp_runtime::traits::{CheckedAdd, CheckedMul, UniqueSaturatedInto, Zero};

/// How much of the assignment queue a submission may use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Room {
	/// What `submit` may use: [`Pallet::open_queue_len`] places.
	Open,
	/// The whole queue: the chain's audits.
	Reserved,
}

impl<T: Config> Pallet<T> {
	/// Places of the assignment queue open to `submit`: the rest, a quarter of
	/// `MaxQueueLen`, is kept for the chain's audits and for escalations, so that filling the
	/// queue never stops a disputed job from getting its extra replica or an era's audits
	/// from being issued.
	pub fn open_queue_len() -> u32 {
		let len = T::MaxQueueLen::get();
		len.saturating_sub(len / 4)
	}

	/// Submission, shared with audits, benchmarks and tests; `room` says how much of the
	/// queue it may use. Returns the job id.
	pub(crate) fn do_submit(
		who: T::AccountId,
		spec: JobSpecOf<T>,
		room: Room,
	) -> Result<JobId, DispatchError> {
		let params = Params::<T>::get();
		ensure!(
			spec.replicas >= 1 && u32::from(spec.replicas) <= T::MaxReplicas::get(),
			Error::<T>::InvalidReplicas
		);
		ensure!(spec.work_size.iter().all(|d| *d >= 1), Error::<T>::InvalidWorkSize);
		ensure!(
			spec.output_len >= 1 && spec.output_len <= T::MaxOutputLen::get(),
			Error::<T>::InvalidOutputLen
		);
		ensure!(spec.price_per_replica >= params.min_price, Error::<T>::PriceTooLow);
		ensure!(
			spec.deadline >= params.min_deadline && spec.deadline <= params.max_deadline,
			Error::<T>::InvalidDeadline
		);
		ensure!(
			spec.requirements.min_reputation <= MAX_REPUTATION,
			Error::<T>::InvalidRequirements
		);
		// The budget must end early enough for a provider to attest within the deadline.
		let deadline: u64 = spec.deadline.unique_saturated_into();
		ensure!(
			spec.compute_budget_ms >= 1
				&& spec.compute_budget_ms <= params.max_compute_budget_ms
				&& u64::from(spec.compute_budget_ms)
					<= deadline.saturating_mul(params.compute_ms_per_block.into()),
			Error::<T>::InvalidBudget
		);
		if let Some(content) = &spec.input_content {
			ensure!(spec.input.is_empty(), Error::<T>::InputTwice);
			ensure!(content.len <= MAX_CONTENT_LEN, Error::<T>::ContentTooLarge);
		}
		if let Kernel::Source { source, entry } = &spec.kernel {
			ensure!(!source.is_empty() && !entry.is_empty(), Error::<T>::EmptySource);
		}
		// A job nobody listed could take would only hold a place in the queue.
		ensure!(
			T::Providers::can_meet(&spec.requirements, u32::from(spec.replicas)),
			Error::<T>::NoProviders
		);

		let replicas = BalanceOf::<T>::from(u32::from(spec.replicas));
		let work = spec.price_per_replica.checked_mul(&replicas).ok_or(Error::<T>::Overflow)?;
		let fee = params.fee.mul_ceil(work);
		let escrow = work.checked_add(&fee).ok_or(Error::<T>::Overflow)?;
		let content_len =
			if spec.input_content.is_some() { ContentId::max_encoded_len() } else { 0 };
		let stored = BalanceOf::<T>::from(
			spec.input.len() as u32 + content_len as u32 + spec.kernel.stored_len(),
		);
		let deposit = params
			.deposit_per_byte
			.checked_mul(&stored)
			.and_then(|d| d.checked_add(&params.deposit_base))
			.ok_or(Error::<T>::Overflow)?;
		let held = escrow.checked_add(&deposit).ok_or(Error::<T>::Overflow)?;

		let mut submissions = Submissions::<T>::get();
		let job = submissions.next_id;
		// A quarter of the queue stays free for audits and escalations (`Room`).
		let room = match room {
			Room::Open => Self::open_queue_len(),
			Room::Reserved => T::MaxQueueLen::get(),
		};
		ensure!((submissions.queue.len() as u32) < room, Error::<T>::QueueFull);
		submissions.queue.try_push(job).map_err(|_| Error::<T>::QueueFull)?;
		submissions.next_id = job.saturating_add(1);
		asset::hold::<T>(&who, held).map_err(|_| Error::<T>::InsufficientBalance)?;

		let now = frame_system::Pallet::<T>::block_number();
		JobRecords::<T>::insert(
			job,
			Job {
				submitter: who.clone(),
				replicas: spec.replicas,
				requirements: spec.requirements,
				output_len: spec.output_len,
				compute_budget_ms: spec.compute_budget_ms,
				price_per_replica: spec.price_per_replica,
				deadline: spec.deadline,
				escrow,
				fee,
				deposit,
				queue_paid: Zero::zero(),
				submitted_at: now,
				status: JobStatus::Queued,
				queued_for: 0,
				assigned: Default::default(),
				result_hash: None,
				output: None,
				settlement: None,
			},
		);
		JobPayloads::<T>::insert(
			job,
			JobPayload {
				kernel: spec.kernel,
				input: spec.input,
				input_content: spec.input_content,
				work_size: spec.work_size,
			},
		);
		Submissions::<T>::put(submissions);
		Self::deposit_event(Event::Submitted {
			job,
			submitter: who,
			replicas: spec.replicas,
			escrow,
		});
		Ok(job)
	}
}
