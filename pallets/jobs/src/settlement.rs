//! Settlement: where a job's escrow goes when it ends. Winners are paid the price
//! (together at most `replicas × price`), the fee goes to the treasury, the rest returns to
//! the submitter. Cancelling and clearing release what the submitter holds.
//! Invariant: `paid + fee + refunded == escrow` for every finished job.
//!
//! ## Who loses bond
//!
//! Only what shows a provider lied or hid, never what devices do differently:
//! - an *output* that loses to another *output* is a wrong result (`slash_wrong_result`);
//! - a replica that committed and did not reveal withheld its result: slashed the same,
//!   so that waiting to see how the vote goes is never cheaper than lying;
//! - a replica that let its commit window pass is a no-show (`slash_no_show`), and is out
//!   of the job from then on ([`ReplicaState::Missed`]);
//! - an error code that loses the vote, or an output outvoted by an error code, shows a
//!   device difference (a driver that cannot build the kernel, a resource limit), not a
//!   lie: the replica is not paid and loses reputation, its bond is untouched.
//!
//! ## A kernel nobody can finish
//!
//! A job declares a compute budget; provider nodes stop the kernel when it runs out (or
//! when it crashes the worker twice) and attest that as an error result,
//! `BudgetExceeded` or `KernelCrashed` (`ErrorCode::is_exhaustion`). The submitter chose
//! the kernel and the budget, so the submitter pays: when the vote agrees on such a result,
//! every replica that revealed is paid for its time, whatever it revealed; and nobody
//! loses bond or reputation over one, on either side of the vote. (A replica that
//! committed and did not reveal is still slashed as withholding: it could have revealed.)
//!
//! A job given up because the deadline schedule had no room for its reveal window
//! ([`GiveUp::NoRoom`]) slashes nobody who committed: they are paid `error_fee` each for
//! their time, from the escrow.

use crate::*;
use depin_compute_primitives::ErrorCode;
use depin_interfaces::{VerifiedWork, WorkCredit};
use frame_support::pallet_prelude::*;
use pallet_providers::{ProviderRegistry, SlashReason};
use sp_core::H256;
use sp_runtime::traits::{CheckedDiv, Saturating};

/// Why a job ends without a result.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum GiveUp {
	/// No quorum could be reached, or no extra replica was found in time.
	NoQuorum,
	/// No providers were found in time for a job nobody was assigned to: it held a place
	/// in the queue for nothing, so its fee goes to the treasury.
	Expired,
	/// The deadline schedule had no room for the reveal window: nobody's fault among
	/// those who committed.
	NoRoom,
}

impl<T: Config> Pallet<T> {
	/// Pays the winners of `hash`, slashes losers and no-shows, refunds the rest. Fails,
	/// and the caller's storage layer undoes everything, if a payment fails.
	pub(crate) fn settle(
		job: JobId,
		mut record: JobOf<T>,
		hash: H256,
		error: Option<u32>,
	) -> DispatchResult {
		let won = |state: &ReplicaState| matches!(state, ReplicaState::Revealed { result_hash, .. } if *result_hash == hash);
		let winners: Vec<T::AccountId> = record
			.assigned
			.iter()
			.filter(|r| won(&r.state))
			.map(|r| r.provider.clone())
			.collect();
		// The kernel ran out of its budget (or crashed the worker) on most devices: every
		// replica that revealed spent its time on it, and is paid for that time.
		let exhausted = error.is_some_and(ErrorCode::is_exhaustion);
		let paid = match error {
			Some(_) if exhausted => {
				Self::pay_for_time(&record, |state| matches!(state, ReplicaState::Revealed { .. }))?
			},
			Some(_) => Self::pay_for_time(&record, won)?,
			None => {
				let each = Self::share(&record, record.price_per_replica, winners.len() as u32);
				for winner in &winners {
					asset::pay::<T>(&record.submitter, winner, each)?;
				}
				each.saturating_mul(BalanceOf::<T>::from(winners.len() as u32))
			},
		};
		let submitter = record.submitter.clone();
		let fee = if error.is_some() {
			Zero::zero()
		} else {
			asset::pay::<T>(&submitter, &T::Treasury::get(), record.fee)?;
			record.fee
		};
		let refunded = record.escrow.saturating_sub(paid).saturating_sub(fee);
		asset::refund::<T>(&submitter, refunded)?;

		// What each agreeing replica's work was worth, for the rewards pallet, which credits
		// each a `1 / replicas` share of the fee's worth: after escalations there may be
		// more winners than replicas asked for, and together they get no more than the
		// share of one job.
		let work = VerifiedWork {
			replicas: record.replicas.max(u8::try_from(winners.len()).unwrap_or(u8::MAX)),
			price_per_replica: record.price_per_replica,
			fee: record.fee,
			audit: T::WorkCredit::is_auditor(&submitter),
		};
		for replica in &record.assigned {
			match replica.state {
				// Reputation and work credit follow the fee: only an agreed output pays one.
				// Agreeing on an error earns the time and nothing else: an error is also what
				// a lazy provider would say, and a quorum of colluding replicas can agree on
				// one for nothing but the error fee, which their own submitter pays them.
				ReplicaState::Revealed { result_hash, .. } if result_hash == hash => {
					if error.is_none() {
						T::Providers::reward(&replica.provider);
						T::WorkCredit::credit_work(&replica.provider, work);
					}
				},
				ReplicaState::Revealed { meta, .. }
					if meta.error_code.is_none() && error.is_none() =>
				{
					T::Providers::punish(
						&replica.provider,
						SlashReason::WrongResult,
						record.price_per_replica,
					);
					T::WorkCredit::forfeit_work(&replica.provider);
				},
				// The submitter's kernel or budget is at fault, not the provider.
				ReplicaState::Revealed { meta, .. }
					if exhausted || meta.error_code.is_some_and(ErrorCode::is_exhaustion) => {},
				ReplicaState::Revealed { .. } => T::Providers::demote(&replica.provider),
				ReplicaState::Committed { .. } => {
					T::Providers::punish(
						&replica.provider,
						SlashReason::Withheld,
						record.price_per_replica,
					);
					T::WorkCredit::forfeit_work(&replica.provider);
				},
				ReplicaState::Assigned | ReplicaState::Missed => {
					T::Providers::punish(
						&replica.provider,
						SlashReason::NoShow,
						record.price_per_replica,
					);
				},
			}
			Self::release(&replica.provider, job, record.price_per_replica);
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
		Ok(())
	}

	/// What each of `count` replicas gets when each is owed `each`: together at most what
	/// the submitter paid for (`escrow - fee`), even after escalations.
	pub(crate) fn share(record: &JobOf<T>, each: BalanceOf<T>, count: u32) -> BalanceOf<T> {
		let count = BalanceOf::<T>::from(count);
		let budget = record.escrow.saturating_sub(record.fee);
		if each.saturating_mul(count) > budget {
			budget.checked_div(&count).unwrap_or_default()
		} else {
			each
		}
	}

	/// What a replica is paid for its time when the job yields no output it can be paid
	/// for: `error_fee`, at most the price.
	fn time_pay(record: &JobOf<T>) -> BalanceOf<T> {
		Params::<T>::get().error_fee.min(record.price_per_replica)
	}

	/// Pays each replica whose state passes `spent` for its time ([`Self::time_pay`]),
	/// together within what the submitter paid for. Returns what was paid.
	fn pay_for_time(
		record: &JobOf<T>,
		spent: impl Fn(&ReplicaState) -> bool,
	) -> Result<BalanceOf<T>, DispatchError> {
		let count = record.assigned.iter().filter(|r| spent(&r.state)).count() as u32;
		let each = Self::share(record, Self::time_pay(record), count);
		for replica in record.assigned.iter().filter(|r| spent(&r.state)) {
			asset::pay::<T>(&record.submitter, &replica.provider, each)?;
		}
		Ok(each.saturating_mul(BalanceOf::<T>::from(count)))
	}

	/// The job ends without a result: no-shows and withheld reveals are slashed (see the
	/// module docs), the rest of the escrow returns to the submitter. With
	/// [`GiveUp::NoRoom`] those who committed are paid for their time instead; with
	/// [`GiveUp::Expired`] the fee goes to the treasury. Fails, and the caller's storage
	/// layer undoes everything, if a payment fails.
	pub(crate) fn give_up(job: JobId, mut record: JobOf<T>, cause: GiveUp) -> DispatchResult {
		let submitter = record.submitter.clone();
		let paid = match cause {
			GiveUp::NoRoom => Self::pay_for_time(&record, |state| {
				matches!(state, ReplicaState::Committed { .. })
			})?,
			GiveUp::NoQuorum | GiveUp::Expired => Zero::zero(),
		};
		let fee = match cause {
			GiveUp::Expired => {
				asset::pay::<T>(&submitter, &T::Treasury::get(), record.fee)?;
				record.fee
			},
			GiveUp::NoQuorum | GiveUp::NoRoom => Zero::zero(),
		};
		for replica in &record.assigned {
			match (replica.state, cause) {
				(ReplicaState::Revealed { .. }, _)
				| (ReplicaState::Committed { .. }, GiveUp::NoRoom) => {},
				(ReplicaState::Committed { .. }, GiveUp::NoQuorum | GiveUp::Expired) => {
					T::Providers::punish(
						&replica.provider,
						SlashReason::Withheld,
						record.price_per_replica,
					);
					T::WorkCredit::forfeit_work(&replica.provider);
				},
				(ReplicaState::Assigned | ReplicaState::Missed, _) => {
					T::Providers::punish(
						&replica.provider,
						SlashReason::NoShow,
						record.price_per_replica,
					);
				},
			}
			Self::release(&replica.provider, job, record.price_per_replica);
		}
		let refunded = record.escrow.saturating_sub(paid).saturating_sub(fee);
		asset::refund::<T>(&submitter, refunded)?;
		let _ = RevealedOutputs::<T>::clear_prefix(job, T::MaxReplicas::get(), None);
		record.status = JobStatus::Unresolved;
		record.settlement = Some(Settlement { paid, fee, refunded });
		JobRecords::<T>::insert(job, &record);
		Self::deposit_event(Event::Unresolved { job, paid, fee, refunded });
		Ok(())
	}

	/// Runs a settlement (a verdict, a phase's end, a job's expiry) in a storage layer of its
	/// own: if a payment fails, the job stays as it was, its escrow held, and
	/// [`Event::SettlementFailed`] says why; nothing is booked as paid that was not. Returns
	/// whether it settled.
	pub(crate) fn settle_or_report(
		job: JobId,
		settlement: impl FnOnce() -> DispatchResult,
	) -> bool {
		match frame_support::storage::with_storage_layer(settlement) {
			Ok(()) => true,
			Err(error) => {
				log::error!(target: "runtime::jobs", "settling job {job} failed: {error:?}");
				Self::deposit_event(Event::SettlementFailed { job, error });
				false
			},
		}
	}

	/// The submitter cancels `job` before any provider committed. Before assignment the
	/// whole escrow returns. After it, the assigned providers have started computing (and
	/// their output could be read off a careless node): each is paid for its time
	/// (`error_fee`, at most the price) and released, and the fee goes to the treasury, so
	/// that cancelling and submitting again until one's own providers are drawn costs a fee
	/// per draw; the rest returns. Takes the job out of the assignment queue (bounded by
	/// `MaxQueueLen`) or of the deadline schedule.
	pub(crate) fn do_cancel(who: T::AccountId, job: JobId) -> DispatchResult {
		let mut record = JobRecords::<T>::get(job).ok_or(Error::<T>::JobNotFound)?;
		ensure!(record.submitter == who, Error::<T>::NotSubmitter);
		ensure!(
			matches!(record.status, JobStatus::Queued | JobStatus::Committing { .. })
				&& record.assigned.iter().all(|r| r.state == ReplicaState::Assigned),
			Error::<T>::CannotCancel
		);
		let paid = Self::pay_for_time(&record, |state| *state == ReplicaState::Assigned)?;
		let fee = if record.assigned.is_empty() {
			Zero::zero()
		} else {
			asset::pay::<T>(&who, &T::Treasury::get(), record.fee)?;
			record.fee
		};
		for replica in &record.assigned {
			Self::release(&replica.provider, job, record.price_per_replica);
		}
		match record.status.phase_end() {
			Some(until) => Self::unschedule(job, until),
			None => Submissions::<T>::mutate(|s| s.queue.retain(|queued| *queued != job)),
		}
		let refunded = record.escrow.saturating_sub(paid).saturating_sub(fee);
		asset::refund::<T>(&who, refunded)?;
		record.status = JobStatus::Cancelled;
		record.settlement = Some(Settlement { paid, fee, refunded });
		JobRecords::<T>::insert(job, &record);
		Self::deposit_event(Event::Cancelled { job, paid, fee, refunded });
		Ok(())
	}

	/// The result the chain agreed on for `job` ([`runtime_api::JobsApi`]).
	pub fn agreed_result(job: JobId) -> Option<runtime_api::AgreedResult> {
		let record = JobRecords::<T>::get(job)?;
		match record.status {
			JobStatus::Completed => record.result_hash.map(runtime_api::AgreedResult::Output),
			JobStatus::Failed { code } => Some(runtime_api::AgreedResult::Error(code)),
			_ => None,
		}
	}

	/// The submitter removes a finished job's data and gets its storage deposit back.
	pub(crate) fn do_clear(who: T::AccountId, job: JobId) -> DispatchResult {
		let record = JobRecords::<T>::get(job).ok_or(Error::<T>::JobNotFound)?;
		ensure!(record.submitter == who, Error::<T>::NotSubmitter);
		ensure!(record.status.is_finished(), Error::<T>::NotFinished);
		asset::refund::<T>(&who, record.deposit)?;
		JobRecords::<T>::remove(job);
		JobPayloads::<T>::remove(job);
		AuditAnswers::<T>::remove(job);
		let _ = RevealedOutputs::<T>::clear_prefix(job, T::MaxReplicas::get(), None);
		Self::deposit_event(Event::Cleared { job, deposit: record.deposit });
		Ok(())
	}
}
