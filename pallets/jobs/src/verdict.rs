//! The verdict: a result wins when at least `⌊replicas/2⌋ + 1` reveals agree on it and
//! they are a strict majority of the reveals. Without a winner, one more replica is
//! assigned (up to `MaxReplicas`); after that the job is `Unresolved`.
//!
//! The chain's own audits are judged against the answer the chain computed when it issued
//! them ([`AuditAnswers`], `audit.rs`), not by vote: the replicas that reveal it win,
//! every other output is a wrong result, however many agree on it.

use crate::*;
use frame_support::pallet_prelude::*;
use sp_core::H256;

impl<T: Config> Pallet<T> {
	/// Counts the reveals: settles the job, escalates it, or gives up. Fails if a payment
	/// of the settlement fails.
	pub(crate) fn decide(job: JobId, mut record: JobOf<T>) -> DispatchResult {
		if let Some(answer) = AuditAnswers::<T>::get(job) {
			return Self::settle(job, record, answer, None);
		}
		let mut tally: Vec<(H256, u32, Option<u32>)> = Vec::new();
		let mut revealed = 0u32;
		for replica in &record.assigned {
			if let ReplicaState::Revealed { result_hash, meta } = replica.state {
				revealed += 1;
				match tally.iter_mut().find(|(h, _, _)| *h == result_hash) {
					Some((_, n, _)) => *n += 1,
					None => tally.push((result_hash, 1, meta.error_code)),
				}
			}
		}
		let quorum = u32::from(record.replicas) / 2 + 1;
		let best = tally.iter().max_by_key(|(_, n, _)| *n).copied();
		match best {
			Some((hash, n, error)) if n >= quorum && n * 2 > revealed => {
				Self::settle(job, record, hash, error)
			},
			_ if (record.assigned.len() as u32) < T::MaxReplicas::get() => {
				let mut submissions = Submissions::<T>::get();
				if submissions.queue.try_push(job).is_ok() {
					Submissions::<T>::put(submissions);
					record.status = JobStatus::Queued;
					record.queued_for = 0;
					let replicas = record.assigned.len() as u32 + 1;
					JobRecords::<T>::insert(job, &record);
					Self::deposit_event(Event::Escalated { job, replicas });
					Ok(())
				} else {
					Self::give_up(job, record, GiveUp::NoQuorum)
				}
			},
			_ => Self::give_up(job, record, GiveUp::NoQuorum),
		}
	}
}
