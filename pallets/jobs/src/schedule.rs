//! The deadline schedule: each committing or revealing job is entered at the block its
//! phase ends ([`Deadlines`]), and handled there by `on_initialize`. Each block holds at
//! most `MaxDeadlinesPerBlock` entries; a full block pushes an entry to one of the next
//! [`SCHEDULE_PROBE`] blocks.

use crate::*;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::*;
use sp_runtime::traits::{One, Saturating};

/// Blocks tried, from the wanted one on, to fit a job in the deadline schedule.
pub const SCHEDULE_PROBE: u32 = 16;

impl<T: Config> Pallet<T> {
	/// Opens the reveal window of `record`. `false` if the schedule had no room (the
	/// record is unchanged).
	pub(crate) fn start_reveal(job: JobId, record: &mut JobOf<T>, now: BlockNumberFor<T>) -> bool {
		let until = now.saturating_add(Params::<T>::get().reveal_window);
		match Self::schedule(job, record, until, |until| JobStatus::Revealing { until }) {
			Some(until) => {
				Self::deposit_event(Event::RevealStarted { job, reveal_until: until });
				true
			},
			None => false,
		}
	}

	/// Puts `job` in the deadline schedule at `at`, or at the first of the next
	/// [`SCHEDULE_PROBE`] blocks with room, and sets its status with that block. Returns
	/// the block, or `None` (nothing changed) when all of them are full.
	pub(crate) fn schedule(
		job: JobId,
		record: &mut JobOf<T>,
		at: BlockNumberFor<T>,
		status: impl Fn(BlockNumberFor<T>) -> JobStatus<BlockNumberFor<T>>,
	) -> Option<BlockNumberFor<T>> {
		// A job stands in the schedule once, where its current phase ends: moving it
		// takes the old entry out, so finished phases hold no room.
		let current = record.status.phase_end();
		let mut block = at;
		for _ in 0..SCHEDULE_PROBE {
			if current == Some(block) {
				record.status = status(block);
				return Some(block);
			}
			// A full block is read, not written back.
			if Deadlines::<T>::try_mutate(block, |jobs| jobs.try_push(job)).is_ok() {
				if let Some(old) = current {
					Self::unschedule(job, old);
				}
				record.status = status(block);
				return Some(block);
			}
			block = block.saturating_add(One::one());
		}
		None
	}

	/// Takes `job` out of the schedule at `at` (bounded by `MaxDeadlinesPerBlock`).
	pub(crate) fn unschedule(job: JobId, at: BlockNumberFor<T>) {
		Deadlines::<T>::mutate_exists(at, |jobs| {
			if let Some(list) = jobs {
				list.retain(|j| *j != job);
				if list.is_empty() {
					*jobs = None;
				}
			}
		});
	}

	/// What deciding a job of `replicas` replicas may cost: a settlement, or giving up and
	/// slashing every replica (an escalation that finds the queue full gives up at any
	/// number of replicas).
	pub(crate) fn decision_weight(replicas: u32) -> Weight {
		T::WeightInfo::on_deadline_settle(replicas).max(T::WeightInfo::on_deadline_give_up())
	}

	/// A job's phase ended at `now`.
	pub(crate) fn on_deadline(job: JobId, now: BlockNumberFor<T>) -> Weight {
		let Some(mut record) = JobRecords::<T>::get(job) else {
			return T::WeightInfo::on_deadline_skip();
		};
		match record.status {
			JobStatus::Committing { until } if until == now => {
				// Who did not commit in its window is out of the job from now on.
				for replica in record.assigned.iter_mut() {
					if replica.state == ReplicaState::Assigned {
						replica.state = ReplicaState::Missed;
					}
				}
				if record
					.assigned
					.iter()
					.any(|r| matches!(r.state, ReplicaState::Committed { .. }))
				{
					if Self::start_reveal(job, &mut record, now) {
						JobRecords::<T>::insert(job, &record);
					} else {
						// No room to track a reveal window: those who committed are paid
						// for their time, the rest of the escrow returns.
						let _ = Self::settle_or_report(job, || {
							Self::give_up(job, record, GiveUp::NoRoom)
						});
					}
				} else {
					// Nobody new committed: decide on what was revealed before, if anything.
					let _ = Self::settle_or_report(job, || Self::decide(job, record));
				}
				Self::decision_weight(T::MaxReplicas::get())
			},
			JobStatus::Revealing { until } if until == now => {
				let _ = Self::settle_or_report(job, || Self::decide(job, record));
				Self::decision_weight(T::MaxReplicas::get())
			},
			// The job moved on since this entry was scheduled.
			_ => T::WeightInfo::on_deadline_skip(),
		}
	}
}
