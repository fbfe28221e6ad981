//! Assignment: up to `MaxAssignmentsPerBlock` queued jobs per block get their replicas,
//! drawn by the providers pallet's candidate index (weighted by stake and reputation) from
//! a seed of the parent block's VRF randomness ([`Config::Randomness`]) and the job.
//!
//! ## Who could choose who computes
//!
//! - **The submitter** cannot know the seed when it submits: the randomness comes from the
//!   block that includes the submission, and the job is assigned in the next one.
//! - **A block author** cannot choose the randomness: a VRF output is fixed by the author's
//!   key and the slot, unlike a block hash, which an author can grind by reordering or
//!   varying what it includes. What an author can do is decide, knowing its own output,
//!   whether to include a submission at all (one try per block it authors), or withhold
//!   its block (then it has no block). A submitter colluding with an author gets one draw
//!   per slot of that author; each retry through `cancel` costs the job's fee.
//! - **Retrying by cancelling** costs the fee every time (see `settlement.rs`), so that
//!   drawing until one's own providers hold the majority costs a fee per draw.
//!
//! A job that finds no providers goes to the back of the queue, so that jobs nobody can
//! take (their requirements pass `submit`'s check, see `submission.rs`, but no provider
//! with room meets them) never hold up the jobs behind them. Each round it waits costs it
//! `queue_fee_per_round` of its deposit, so that holding places in the queue costs in
//! proportion to the time they are held, whoever's providers keep the job waiting. After
//! `max_queue_blocks` rounds without providers it expires: its fee goes to the treasury,
//! the rest of the escrow returns.

use crate::*;
use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::*;
use pallet_providers::{ProviderRegistry, Workload};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// `provider` takes a replica of `job`, which asks `work` of it: it counts against its
	/// cap, its exposure and its device's queue, and its operator's off-chain worker finds
	/// it in [`Assignments`], with its place in that queue.
	pub(crate) fn hold_replica(provider: &T::AccountId, job: JobId, work: &WorkloadOf<T>) {
		let place = T::Providers::job_assigned(provider, work);
		Assignments::<T>::insert(provider, job, place);
	}

	/// What a replica of `record` asks of its provider if assigned at `now` under `params`.
	fn workload(
		record: &JobOf<T>,
		now: BlockNumberFor<T>,
		params: &JobParamsOf<T>,
	) -> WorkloadOf<T> {
		let per_block = params.compute_ms_per_block.max(1);
		Workload {
			price: record.price_per_replica,
			compute_blocks: record.compute_budget_ms.div_ceil(per_block),
			due: now.saturating_add(record.deadline),
		}
	}

	/// `provider` is done with `job`, which paid `price`, whatever the outcome.
	pub(crate) fn release(provider: &T::AccountId, job: JobId, price: BalanceOf<T>) {
		T::Providers::job_released(provider, price);
		Assignments::<T>::remove(provider, job);
	}

	/// A job waiting for its first assignment pays `queue_fee_per_round` for the round it
	/// just waited through, from its deposit to the treasury: holding a place in the
	/// queue costs in proportion to the time held. (Rounds of an escalation are not the
	/// submitter's doing and cost nothing.)
	fn charge_queue_round(job: JobId, record: &mut JobOf<T>, params: &JobParamsOf<T>) {
		if !record.assigned.is_empty() {
			return;
		}
		let rent = params.queue_fee_per_round.min(record.deposit);
		match asset::pay::<T>(&record.submitter, &T::Treasury::get(), rent) {
			Ok(()) => {
				record.deposit = record.deposit.saturating_sub(rent);
				record.queue_paid = record.queue_paid.saturating_add(rent);
			},
			// The hold covers the deposit: this cannot fail while the invariants hold.
			Err(error) => {
				log::error!(target: "runtime::jobs", "job {job}: queue fee not paid: {error:?}")
			},
		}
	}

	/// Assigns providers to up to `MaxAssignmentsPerBlock` queued jobs, from the head of
	/// the queue. A job that finds no providers goes to the back, behind the jobs that did
	/// not have their turn: jobs nobody can take never hold up the ones behind them.
	pub(crate) fn assign_queued(now: BlockNumberFor<T>) -> Weight {
		let mut submissions = Submissions::<T>::get();
		if submissions.queue.is_empty() {
			return Weight::zero();
		}
		let mut weight = Weight::zero();
		// Jobs that did not have their turn, then jobs that had it and must wait: together
		// at most the queue they come from.
		let mut waiting = BoundedVec::<JobId, T::MaxQueueLen>::new();
		let mut retry = Vec::new();
		let parent = frame_system::Pallet::<T>::parent_hash();
		let subject = |job: JobId, tries: u32| (b"depin/assign", job, tries).encode();
		let params = Params::<T>::get();
		let mut handled = 0u32;
		for job in core::mem::take(&mut submissions.queue) {
			if handled >= T::MaxAssignmentsPerBlock::get() {
				let _ = waiting.try_push(job);
				continue;
			}
			handled += 1;
			// Assigned, or given up after its time in the queue (slashing its replicas).
			weight.saturating_accrue(
				T::WeightInfo::assign(T::MaxReplicas::get())
					.max(T::WeightInfo::on_deadline_give_up()),
			);
			let Some(mut record) = JobRecords::<T>::get(job) else { continue };
			if record.status != JobStatus::Queued {
				continue;
			}
			let wanted = if record.assigned.is_empty() { u32::from(record.replicas) } else { 1 };
			let exclude: Vec<T::AccountId> =
				record.assigned.iter().map(|r| r.provider.clone()).collect();
			let pinned = if record.requirements.same_device_class {
				record.assigned.first().map(|r| r.device_class)
			} else {
				None
			};
			// The parent block's VRF randomness alone: mixing in the parent hash would let
			// its author grind the draw again. A block without one (the first) falls back
			// to the parent hash.
			let seed = match T::Randomness::random(&subject(job, record.queued_for)).0 {
				Some(random) => sp_io::hashing::blake2_256(random.as_ref()),
				None => sp_io::hashing::blake2_256(&(parent, job, record.queued_for).encode()),
			};
			let work = Self::workload(&record, now, &params);
			let price = work.price;
			let picked =
				T::Providers::select(&record.requirements, wanted, &exclude, pinned, &work, seed);
			if picked.len() as u32 == wanted {
				let mut providers = Vec::with_capacity(picked.len());
				for (provider, device_class) in picked {
					Self::hold_replica(&provider, job, &work);
					providers.push(provider.clone());
					// `wanted` fits: the queue only holds jobs below MaxReplicas.
					let _ = record.assigned.try_push(Replica {
						provider,
						device_class,
						state: ReplicaState::Assigned,
					});
				}
				let until = now.saturating_add(record.deadline);
				let Some(until) = Self::schedule(job, &mut record, until, |until| {
					JobStatus::Committing { until }
				}) else {
					// No room for its deadline: undo, and try again next block. (The
					// providers' device queues keep the time planned for it: a provider may
					// already have dispatched it, and time planned in excess only delays
					// its next job.)
					for provider in &providers {
						Self::release(provider, job, price);
					}
					retry.push(job);
					continue;
				};
				JobRecords::<T>::insert(job, &record);
				Self::deposit_event(Event::Assigned { job, providers, commit_until: until });
			} else if record.queued_for.saturating_add(1) >= params.max_queue_blocks {
				// No providers (or no extra replica) to be found in time.
				let cause =
					if record.assigned.is_empty() { GiveUp::Expired } else { GiveUp::NoQuorum };
				let _ = Self::settle_or_report(job, || Self::give_up(job, record, cause));
			} else {
				record.queued_for = record.queued_for.saturating_add(1);
				Self::charge_queue_round(job, &mut record, &params);
				JobRecords::<T>::insert(job, &record);
				retry.push(job);
			}
		}
		for job in retry {
			let _ = waiting.try_push(job);
		}
		submissions.queue = waiting;
		Submissions::<T>::put(submissions);
		weight
	}
}
