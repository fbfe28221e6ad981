//! Attestation by commit, then reveal. A provider's operator commits to
//! `H(result_hash ‖ provider ‖ job ‖ salt)` while the job is committing, and reveals the
//! result hash and the salt (and a short output itself) once the reveal window opens.
//! Copying another provider's commitment is useless: it binds the provider (not its operator
//! key, so that a key rotated between commit and reveal still opens it).
//!
//! An attestation is feeless exactly when it would succeed: `#[pallet::feeless_if]` runs
//! the same checks as the call (`Pallet::check_commit`, `Pallet::check_reveal`), so a
//! reveal with a wrong salt, hash or output pays its full fee like any transaction.

use crate::*;
use frame_support::pallet_prelude::*;
use pallet_providers::ProviderRegistry;
use sp_core::H256;

/// An attestation of a replica: its commit or its reveal.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
	Commit,
	Reveal,
}

impl Phase {
	/// The attestation a replica in `state` owes a job in `status` now, if any: a commit
	/// while the job is committing and it has not committed, a reveal while the job is
	/// revealing and it has committed.
	pub fn due<BlockNumber>(status: &JobStatus<BlockNumber>, state: &ReplicaState) -> Option<Self> {
		match (status, state) {
			(JobStatus::Committing { .. }, ReplicaState::Assigned) => Some(Phase::Commit),
			(JobStatus::Revealing { .. }, ReplicaState::Committed { .. }) => Some(Phase::Reveal),
			_ => None,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The index of the replica whose operator is `operator`.
	pub(crate) fn replica_of(record: &JobOf<T>, operator: &T::AccountId) -> Option<usize> {
		let provider = T::Providers::provider_of(operator)?;
		record.assigned.iter().position(|r| r.provider == provider)
	}

	/// Every rule a commit must meet, checked without changing anything: the job's record
	/// and the committing replica's index. A commit is feeless exactly when this passes,
	/// so an attestation that fails at dispatch always pays its fee.
	pub(crate) fn check_commit(
		operator: &T::AccountId,
		job: JobId,
	) -> Result<(JobOf<T>, usize), DispatchError> {
		let record = JobRecords::<T>::get(job).ok_or(Error::<T>::JobNotFound)?;
		let i = Self::replica_of(&record, operator).ok_or(Error::<T>::NotAssigned)?;
		ensure!(matches!(record.status, JobStatus::Committing { .. }), Error::<T>::WrongPhase);
		match record.assigned[i].state {
			ReplicaState::Assigned => Ok((record, i)),
			ReplicaState::Missed => Err(Error::<T>::CommitWindowMissed.into()),
			_ => Err(Error::<T>::AlreadyCommitted.into()),
		}
	}

	/// Every rule a reveal must meet, checked without changing anything: the job's record
	/// and the revealing replica's index. A reveal is feeless exactly when this passes.
	pub(crate) fn check_reveal(
		operator: &T::AccountId,
		job: JobId,
		result_hash: &H256,
		salt: &[u8; 32],
		meta: &ResultMeta,
		inline_output: &Option<BoundedVec<u8, T::MaxInlineOutput>>,
	) -> Result<(JobOf<T>, usize), DispatchError> {
		let record = JobRecords::<T>::get(job).ok_or(Error::<T>::JobNotFound)?;
		let i = Self::replica_of(&record, operator).ok_or(Error::<T>::NotAssigned)?;
		ensure!(matches!(record.status, JobStatus::Revealing { .. }), Error::<T>::WrongPhase);
		let committed = match record.assigned[i].state {
			ReplicaState::Committed { commitment } => commitment,
			ReplicaState::Revealed { .. } => return Err(Error::<T>::AlreadyRevealed.into()),
			ReplicaState::Assigned | ReplicaState::Missed => {
				return Err(Error::<T>::NotCommitted.into())
			},
		};
		ensure!(
			commitment(result_hash, &record.assigned[i].provider, job, salt) == committed,
			Error::<T>::CommitmentMismatch
		);
		match meta.error_code {
			Some(code) => {
				ensure!(*result_hash == error_result_hash(code), Error::<T>::ErrorHashMismatch)
			},
			None => {
				ensure!(meta.output_len == record.output_len, Error::<T>::OutputLenMismatch);
				if record.output_len <= T::MaxInlineOutput::get() {
					let output = inline_output.as_ref().ok_or(Error::<T>::OutputMissing)?;
					ensure!(output_hash(output) == *result_hash, Error::<T>::OutputHashMismatch);
				}
			},
		}
		Ok((record, i))
	}

	pub(crate) fn do_commit(
		operator: T::AccountId,
		job: JobId,
		commitment: H256,
	) -> DispatchResult {
		let (mut record, i) = Self::check_commit(&operator, job)?;
		record.assigned[i].state = ReplicaState::Committed { commitment };
		let provider = record.assigned[i].provider.clone();
		// The provider's device is done with this task and every one queued before it.
		if let Some(place) = Assignments::<T>::get(&provider, job) {
			T::Providers::job_computed(&provider, place);
		}
		// Everyone committed: reveal now rather than at the deadline (if the schedule is
		// full, the commit deadline opens the reveal window instead).
		if record.assigned.iter().all(|r| r.state != ReplicaState::Assigned) {
			let now = frame_system::Pallet::<T>::block_number();
			let _ = Self::start_reveal(job, &mut record, now);
		}
		JobRecords::<T>::insert(job, &record);
		Self::deposit_event(Event::Committed { job, provider });
		Ok(())
	}

	/// Records a reveal. The last one due decides the job at once (see `verdict.rs`):
	/// nothing is left to wait for, and a verdict one block earlier is a block less the
	/// submitter waits and the providers' pay stays on hold. Returns the number of replicas
	/// of the job it decided, if it did.
	pub(crate) fn do_reveal(
		operator: T::AccountId,
		job: JobId,
		result_hash: H256,
		salt: [u8; 32],
		meta: ResultMeta,
		inline_output: Option<BoundedVec<u8, T::MaxInlineOutput>>,
	) -> Result<Option<u32>, DispatchError> {
		let (mut record, i) =
			Self::check_reveal(&operator, job, &result_hash, &salt, &meta, &inline_output)?;
		if let (None, Some(output)) = (meta.error_code, inline_output) {
			if !RevealedOutputs::<T>::contains_key(job, result_hash) {
				RevealedOutputs::<T>::insert(job, result_hash, output);
			}
		}
		record.assigned[i].state = ReplicaState::Revealed { result_hash, meta };
		let provider = record.assigned[i].provider.clone();
		Self::deposit_event(Event::Revealed { job, provider, result_hash });
		if record
			.assigned
			.iter()
			.any(|r| matches!(r.state, ReplicaState::Committed { .. }))
		{
			JobRecords::<T>::insert(job, &record);
			return Ok(None);
		}
		// Nobody left to reveal: the verdict is reached now, and the reveal deadline's entry
		// in the schedule is no longer needed. The reveal stands even if the settlement
		// fails (it cannot while the escrow is held); the deadline then decides again.
		JobRecords::<T>::insert(job, &record);
		let replicas = record.assigned.len() as u32;
		let decided = Self::settle_or_report(job, || {
			if let Some(until) = record.status.phase_end() {
				Self::unschedule(job, until);
			}
			Self::decide(job, record)
		});
		Ok(decided.then_some(replicas))
	}
}
