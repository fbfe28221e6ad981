//! The pallet's invariants, checked by `try_state` and after every test.

use crate::*;
use frame_support::pallet_prelude::*;
use pallet_providers::ProviderRegistry;
use sp_runtime::Saturating;

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants (see the crate docs). Run by `try_state` and
	/// after every test, including other pallets' tests.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::{BTreeMap, BTreeSet};
		use sp_runtime::TryRuntimeError;
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, job) in JobRecords::<T>::iter() {
			let mut expected = job.deposit;
			if job.status.is_finished() {
				let s = job
					.settlement
					.ok_or(TryRuntimeError::Other("finished job without settlement"))?;
				ensure!(
					s.paid.saturating_add(s.fee).saturating_add(s.refunded) == job.escrow,
					TryRuntimeError::Other("escrow not conserved")
				);
				// What the verdict owes was paid, whatever stands on the submitter's account:
				// a completed job's winners their share each, the treasury the fee.
				if job.status == JobStatus::Completed {
					let winners = job
						.assigned
						.iter()
						.filter(|r| {
							matches!(r.state, ReplicaState::Revealed { result_hash, .. }
								if Some(result_hash) == job.result_hash)
						})
						.count() as u32;
					let each = Self::share(&job, job.price_per_replica, winners);
					ensure!(
						s.paid == each.saturating_mul(winners.into()) && s.fee == job.fee,
						TryRuntimeError::Other(
							"a completed job's payments differ from its verdict"
						)
					);
				}
			} else {
				expected = expected.saturating_add(job.escrow);
				ensure!(job.settlement.is_none(), TryRuntimeError::Other("unfinished job settled"));
				for replica in &job.assigned {
					ensure!(
						T::Providers::is_registered(&replica.provider),
						TryRuntimeError::Other("replica of an unregistered provider")
					);
					ensure!(
						Assignments::<T>::contains_key(&replica.provider, id),
						TryRuntimeError::Other("replica missing from the provider's assignments")
					);
				}
			}
			ensure!(
				job.assigned.len() as u32 <= T::MaxReplicas::get(),
				TryRuntimeError::Other("too many replicas")
			);
			ensure!(
				JobPayloads::<T>::contains_key(id),
				TryRuntimeError::Other("job without payload")
			);
			let entry = held.entry(job.submitter.clone()).or_default();
			*entry = entry.saturating_add(expected);
		}
		for (who, amount) in &held {
			ensure!(
				asset::held::<T>(who) == *amount,
				TryRuntimeError::Other("job hold differs from escrow + deposits")
			);
		}
		// Nobody else holds anything for a job: a cleared or cancelled job leaves no hold.
		ensure!(
			frame_system::Account::<T>::iter_keys()
				.all(|who| held.contains_key(&who) || asset::held::<T>(&who).is_zero()),
			TryRuntimeError::Other("a job hold without a job")
		);
		let queue = Submissions::<T>::get().queue;
		for id in &queue {
			ensure!(
				JobRecords::<T>::get(id).map(|j| j.status) == Some(JobStatus::Queued),
				TryRuntimeError::Other("queued id of a job that is not queued")
			);
		}
		for (id, job) in JobRecords::<T>::iter() {
			match job.status {
				JobStatus::Queued => ensure!(
					queue.iter().filter(|q| **q == id).count() == 1,
					TryRuntimeError::Other("queued job not in the queue exactly once")
				),
				JobStatus::Committing { until } | JobStatus::Revealing { until } => ensure!(
					Deadlines::<T>::get(until).contains(&id),
					TryRuntimeError::Other("running job not scheduled at its deadline")
				),
				_ => {},
			}
		}
		// A job stands in the schedule once, at the end of its current phase, and nothing
		// else does: finished phases, cancelled and cleared jobs hold no room.
		for (block, jobs) in Deadlines::<T>::iter() {
			for (i, id) in jobs.iter().enumerate() {
				ensure!(
					JobRecords::<T>::get(id).and_then(|j| j.status.phase_end()) == Some(block),
					TryRuntimeError::Other("schedule entry of a job whose phase ends elsewhere")
				);
				ensure!(
					!jobs[..i].contains(id),
					TryRuntimeError::Other("job scheduled twice in one block")
				);
			}
		}
		let next_id = Submissions::<T>::get().next_id;
		ensure!(
			JobRecords::<T>::iter_keys().all(|id| id < next_id),
			TryRuntimeError::Other("job id at or above next_id")
		);
		ensure!(
			RevealedOutputs::<T>::iter_keys()
				.all(|(id, _)| JobRecords::<T>::get(id).is_some_and(|j| !j.status.is_finished())),
			TryRuntimeError::Other("revealed output of a finished or cleared job")
		);
		ensure!(
			JobPayloads::<T>::iter_keys().all(JobRecords::<T>::contains_key),
			TryRuntimeError::Other("payload without job")
		);
		ensure!(
			AuditAnswers::<T>::iter_keys().all(JobRecords::<T>::contains_key),
			TryRuntimeError::Other("audit answer without job")
		);
		let mut per_provider: BTreeMap<T::AccountId, (u32, BalanceOf<T>)> = BTreeMap::new();
		let mut places: BTreeSet<(T::AccountId, u64)> = BTreeSet::new();
		for (provider, id, place) in Assignments::<T>::iter() {
			// Each task has its own place in its provider's device queue: the worker's
			// dispatch order is total.
			ensure!(
				places.insert((provider.clone(), place)),
				TryRuntimeError::Other("two tasks at one place of a device queue")
			);
			let job = JobRecords::<T>::get(id)
				.filter(|j| {
					!j.status.is_finished() && j.assigned.iter().any(|r| r.provider == provider)
				})
				.ok_or(TryRuntimeError::Other(
					"assignment of a finished job or another provider",
				))?;
			let (count, exposure) = per_provider.entry(provider).or_default();
			*count += 1;
			*exposure = exposure.saturating_add(job.price_per_replica);
		}
		// What counts against a provider's job cap and exposure cap is exactly what it is
		// assigned: its count of jobs and what they pay it.
		for (provider, load) in per_provider {
			ensure!(
				T::Providers::load(&provider) == load,
				TryRuntimeError::Other("a provider's load differs from its assignments")
			);
		}
		Ok(())
	}
}
