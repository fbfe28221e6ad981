//! Settlement: where a job's escrow goes when it ends. Winners are paid the price
//! (together at most `replicas × price`), the fee goes to the treasury, the rest returns to
//! the submitter; revealed losers are slashed for a wrong result, replicas that did not
//! attest for a no-show. Cancelling and clearing release what the submitter holds.
//! Invariant: `paid + fee + refunded == escrow` for every finished job.

use crate::*;
use frame_support::pallet_prelude::*;
use pallet_providers::{ProviderRegistry, SlashReason};
use sp_core::H256;
use sp_runtime::traits::{CheckedDiv, Saturating};

impl<T: Config> Pallet<T> {
	/// Pays the winners of `hash`, slashes losers and no-shows, refunds the rest.
	pub(crate) fn settle(job: JobId, mut record: JobOf<T>, hash: H256, error: Option<u32>) {
		let params = Params::<T>::get();
		let winners: Vec<T::AccountId> = record
			.assigned
			.iter()
			.filter(
				|r| matches!(r.state, ReplicaState::Revealed { result_hash, .. } if result_hash == hash),
			)
			.map(|r| r.provider.clone())
			.collect();
		let count = BalanceOf::<T>::from(winners.len() as u32);
		let budget = record.escrow.saturating_sub(record.fee);
		let each = match error {
			Some(_) => params.error_fee.min(record.price_per_replica),
			None => record.price_per_replica,
		};
		// Together the winners get at most what the submitter paid for.
		let each = if each.saturating_mul(count) > budget {
			budget.checked_div(&count).unwrap_or_default()
		} else {
			each
		};
		let submitter = record.submitter.clone();
		let mut paid = BalanceOf::<T>::zero();
		for winner in &winners {
			paid = paid.saturating_add(asset::pay::<T>(&submitter, winner, each));
		}
		let fee = if error.is_some() {
			Zero::zero()
		} else {
			asset::pay::<T>(&submitter, &T::Treasury::get(), record.fee)
		};
		let refunded = record.escrow.saturating_sub(paid).saturating_sub(fee);
		let _ = asset::refund::<T>(&submitter, refunded);

		for replica in &record.assigned {
			match replica.state {
				ReplicaState::Revealed { result_hash, .. } if result_hash == hash => {
					T::Providers::reward(&replica.provider)
				},
				ReplicaState::Revealed { .. } => {
					T::Providers::punish(&replica.provider, SlashReason::WrongResult);
				},
				_ => {
					T::Providers::punish(&replica.provider, SlashReason::NoShow);
				},
			}
			Self::release(&replica.provider, job);
		}
		record.result_hash = Some(hash);
		record.output = RevealedOutputs::<T>::take(job, hash);
		let _ = RevealedOutputs::<T>::clear_prefix(job, T::MaxReplicas::get(), None);
		record.settlement = Some(Settlement { paid, fee, refunded });
		match error {
			Some(code) => {
				record.status = JobStatus::Failed { code };
				Self::deposit_event(Event::Failed { job, code, paid, refunded });
			},
			None => {
				record.status = JobStatus::Completed;
				Self::deposit_event(Event::Completed {
					job,
					result_hash: hash,
					winners,
					paid,
					fee,
					refunded,
				});
			},
		}
		JobRecords::<T>::insert(job, &record);
	}

	/// No quorum possible: refunds the escrow; no-shows are still slashed.
	pub(crate) fn give_up(job: JobId, mut record: JobOf<T>) {
		for replica in &record.assigned {
			if !matches!(replica.state, ReplicaState::Revealed { .. }) {
				T::Providers::punish(&replica.provider, SlashReason::NoShow);
			}
			Self::release(&replica.provider, job);
		}
		let refunded = record.escrow;
		let _ = asset::refund::<T>(&record.submitter, refunded);
		let _ = RevealedOutputs::<T>::clear_prefix(job, T::MaxReplicas::get(), None);
		record.status = JobStatus::Unresolved;
		record.settlement = Some(Settlement { paid: Zero::zero(), fee: Zero::zero(), refunded });
		JobRecords::<T>::insert(job, &record);
		Self::deposit_event(Event::Unresolved { job, refunded });
	}

	/// The submitter cancels `job` before any provider committed: the whole escrow
	/// returns, the assigned providers are released. Takes the job out of the assignment
	/// queue (bounded by `MaxQueueLen`).
	pub(crate) fn do_cancel(who: T::AccountId, job: JobId) -> DispatchResult {
		let mut record = JobRecords::<T>::get(job).ok_or(Error::<T>::JobNotFound)?;
		ensure!(record.submitter == who, Error::<T>::NotSubmitter);
		ensure!(
			matches!(record.status, JobStatus::Queued | JobStatus::Committing { .. })
				&& record.assigned.iter().all(|r| r.state == ReplicaState::Assigned),
			Error::<T>::CannotCancel
		);
		for replica in &record.assigned {
			Self::release(&replica.provider, job);
		}
		if record.status == JobStatus::Queued {
			Submissions::<T>::mutate(|s| s.queue.retain(|queued| *queued != job));
		}
		let refunded = record.escrow;
		asset::refund::<T>(&who, refunded)?;
		record.status = JobStatus::Cancelled;
		record.settlement = Some(Settlement { paid: Zero::zero(), fee: Zero::zero(), refunded });
		JobRecords::<T>::insert(job, &record);
		Self::deposit_event(Event::Cancelled { job, refunded });
		Ok(())
	}

	/// The submitter removes a finished job's data and gets its storage deposit back.
	pub(crate) fn do_clear(who: T::AccountId, job: JobId) -> DispatchResult {
		let record = JobRecords::<T>::get(job).ok_or(Error::<T>::JobNotFound)?;
		ensure!(record.submitter == who, Error::<T>::NotSubmitter);
		ensure!(record.status.is_finished(), Error::<T>::NotFinished);
		asset::refund::<T>(&who, record.deposit)?;
		JobRecords::<T>::remove(job);
		JobPayloads::<T>::remove(job);
		let _ = RevealedOutputs::<T>::clear_prefix(job, T::MaxReplicas::get(), None);
		Self::deposit_event(Event::Cleared { job, deposit: record.deposit });
		Ok(())
	}
}
