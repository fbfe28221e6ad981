//! # Jobs pallet
//!
//! Job submitters pay into escrow for OpenCL work; the chain assigns replicas to eligible
//! providers, collects commit-then-reveal attestations from their operator keys, decides
//! the result by a quorum of identical hashes, pays the winners and slashes the losers.
//!
//! ## Lifecycle
//!
//! 1. [`Pallet::submit`]: the submitter describes the job ([`JobSpec`]); the escrow
//!    (`replicas × price + fee`) and a storage deposit for the stored kernel and input go on
//!    hold ([`HoldReason::Job`]). Bad specs are refused with a precise error. The job joins
//!    the assignment queue.
//! 2. **Assignment**, in the next block's `on_initialize` (at most
//!    `MaxAssignmentsPerBlock` jobs per block): `replicas` providers that meet the
//!    requirements are drawn through the providers pallet's candidate index, weighted by
//!    stake and reputation, from a seed that is the parent block hash and the job id. The
//!    submitter cannot know that hash when submitting. A job that finds no providers for
//!    `max_queue_blocks` is refunded.
//! 3. **Commit** ([`Pallet::commit`]) until the job's deadline: each assigned operator
//!    commits to `H(result_hash ‖ operator ‖ job ‖ salt)` ([`commitment`]). When all have
//!    committed, or the deadline passes, the reveal window opens.
//! 4. **Reveal** ([`Pallet::reveal`]): the result hash, the salt, run metadata, and for
//!    outputs of at most `MaxInlineOutput` bytes the output itself. A kernel that failed
//!    to build or run reveals an error code, hashed with [`error_result_hash`].
//! 5. **Verification**, in `on_initialize` after the last reveal or when the window closes:
//!    a result wins when at least `⌊replicas/2⌋ + 1` reveals agree on it and they are a
//!    strict majority of the reveals. Winners are paid the price (together at most
//!    `replicas × price`), the fee goes to the treasury, the rest returns to the submitter.
//!    Revealed losers are slashed (`slash_wrong_result`), providers that did not commit or
//!    reveal are slashed less (`slash_no_show`). A quorum on an error code completes the job
//!    as `Failed` and pays each winner the small `error_fee`. Without a quorum, one more
//!    replica is assigned (up to `MaxReplicas`); after that the job is `Unresolved` and the
//!    whole escrow is refunded.
//! 6. [`Pallet::cancel`] before any commitment refunds everything;
//!    [`Pallet::clear`] after the end removes the job and returns the storage deposit.
//!
//! Valid commits and reveals are feeless (`#[pallet::feeless_if]`); invalid ones pay.
//!
//! ## Bounded work
//!
//! No call or hook iterates over unbounded sets: the assignment queue and the per-block
//! deadline schedule ([`Deadlines`]) are bounded vectors, a job has at most `MaxReplicas`
//! replicas, and provider selection reads a bounded sample.
//!
//! ## Invariants (`try_state`)
//!
//! - The `Job` hold on every account equals the escrow of its unfinished jobs plus the
//!   deposits of its uncleared jobs.
//! - Every finished job's settlement adds up: `paid + fee + refunded == escrow`.
//! - Every replica of an unfinished job points at a registered provider; bounded lists stay
//!   within their bounds.
//! - The queue holds exactly the jobs waiting for assignment, once each; every committing or
//!   revealing job is scheduled at the block its phase ends.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod asset;
pub mod offchain;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use frame_support::traits::fungible;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Balance type of the currency escrows are held in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The job spec type of a runtime.
pub type JobSpecOf<T> = JobSpec<
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxSourceLen,
	<T as Config>::MaxParamsLen,
	<T as Config>::MaxInputLen,
>;

/// The job record type of a runtime.
pub type JobOf<T> = Job<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxReplicas,
	<T as Config>::MaxInlineOutput,
>;

/// The kernel type of a runtime.
pub type KernelOf<T> = Kernel<<T as Config>::MaxSourceLen, <T as Config>::MaxParamsLen>;

/// The job parameters type of a runtime.
pub type JobParamsOf<T> = JobParams<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, InspectHold, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	use pallet_providers::{ProviderRegistry, SlashReason, MAX_REPUTATION};
	use sp_core::H256;
	use sp_runtime::traits::{CheckedAdd, CheckedDiv, CheckedMul, One, Saturating, Zero};

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	/// Registered providers at which `submit`'s weight is taken. Submitting reads no
	/// provider list (one counter per device kind); the benchmark varies the number of
	/// providers from 10 to this many to show that, and the weight is taken at the top.
	pub const BENCHMARKED_PROVIDERS: u32 = 10_000;

	/// Blocks tried, from the wanted one on, to fit a job in the deadline schedule.
	pub const SCHEDULE_PROBE: u32 = 16;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the jobs pallet.
	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateSignedTransaction<Call<Self>>
	{
		/// The currency escrows and deposits are held in.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, which include this pallet's.
		type RuntimeHoldReason: From<HoldReason>;

		/// The provider registry: selection, operators, reputation, slashing.
		type Providers: ProviderRegistry<Self::AccountId, Balance = BalanceOf<Self>>;

		/// Who may change [`Params`]: Root for now, the DAO later.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Account that receives protocol fees.
		#[pallet::constant]
		type Treasury: Get<Self::AccountId>;

		/// Parameters when genesis does not set them.
		type DefaultParams: Get<JobParamsOf<Self>>;

		/// Most replicas of one job, escalations included.
		#[pallet::constant]
		type MaxReplicas: Get<u32>;

		/// Longest job input, in bytes.
		#[pallet::constant]
		type MaxInputLen: Get<u32>;

		/// Longest OpenCL C source, in bytes.
		#[pallet::constant]
		type MaxSourceLen: Get<u32>;

		/// Longest built-in kernel parameters or entry-point name, in bytes.
		#[pallet::constant]
		type MaxParamsLen: Get<u32>;

		/// Longest job output, in bytes.
		#[pallet::constant]
		type MaxOutputLen: Get<u32>;

		/// Longest output stored on-chain; longer ones stay with the providers.
		#[pallet::constant]
		type MaxInlineOutput: Get<u32>;

		/// Most jobs waiting for assignment.
		#[pallet::constant]
		type MaxQueueLen: Get<u32>;

		/// Most jobs assigned per block.
		#[pallet::constant]
		type MaxAssignmentsPerBlock: Get<u32>;

		/// Most job deadlines falling in one block.
		#[pallet::constant]
		type MaxDeadlinesPerBlock: Get<u32>;

		/// The crypto of operator keys, with which provider nodes' off-chain workers sign
		/// commits and reveals ([`offchain::crypto::OperatorCrypto`] in a runtime).
		type OperatorCrypto: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Reasons this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A job's escrow (until settled) and storage deposit (until cleared).
		#[codec(index = 0)]
		Job,
	}

	/// The protocol parameters in force.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, JobParamsOf<T>, ValueQuery, T::DefaultParams>;

	/// The next job id and the jobs waiting for assignment, in order. One item, because
	/// every submission touches both.
	#[pallet::storage]
	pub type Submissions<T: Config> = StorageValue<_, SubmissionQueue<T::MaxQueueLen>, ValueQuery>;

	/// Jobs by id, until cleared.
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, JobOf<T>>;

	/// Kernel, input and work size of each job, until cleared. Apart from `Jobs` so that
	/// commits and reveals never read the input.
	#[pallet::storage]
	pub type Payloads<T: Config> =
		StorageMap<_, Twox64Concat, JobId, (KernelOf<T>, BoundedVec<u8, T::MaxInputLen>, [u32; 3])>;

	/// Inline outputs revealed for a job, one per distinct result hash, until settlement
	/// keeps the winner's.
	#[pallet::storage]
	pub type RevealedOutputs<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		JobId,
		Identity,
		H256,
		BoundedVec<u8, T::MaxInlineOutput>,
	>;

	/// Jobs whose current phase ends at a block: commit or reveal deadlines, and
	/// settlements due. Entries of jobs that moved on are skipped.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<JobId, T::MaxDeadlinesPerBlock>,
		ValueQuery,
	>;

	/// The unfinished jobs each provider is assigned to. A provider's entries are bounded
	/// by its concurrent-job cap, so its operator's off-chain worker reads them without
	/// scanning all jobs.
	#[pallet::storage]
	pub type Assignments<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, JobId, (), OptionQuery>;

	/// Genesis: parameters.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters; `DefaultParams` when `None`.
		pub params: Option<JobParamsOf<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(params) = &self.params {
				assert!(Pallet::<T>::params_are_valid(params), "genesis job params are invalid");
				Params::<T>::put(params);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A job was submitted and queued for assignment.
		Submitted { job: JobId, submitter: T::AccountId, replicas: u8, escrow: BalanceOf<T> },
		/// Providers were assigned to a job; they commit until `commit_until`.
		Assigned { job: JobId, providers: Vec<T::AccountId>, commit_until: BlockNumberFor<T> },
		/// A provider committed to a result.
		Committed { job: JobId, provider: T::AccountId },
		/// The reveal window opened.
		RevealStarted { job: JobId, reveal_until: BlockNumberFor<T> },
		/// A provider revealed its result.
		Revealed { job: JobId, provider: T::AccountId, result_hash: H256 },
		/// No quorum yet: one more replica is being assigned.
		Escalated { job: JobId, replicas: u32 },
		/// A quorum agreed on the output.
		Completed {
			job: JobId,
			result_hash: H256,
			winners: Vec<T::AccountId>,
			paid: BalanceOf<T>,
			fee: BalanceOf<T>,
			refunded: BalanceOf<T>,
		},
		/// A quorum agreed that the kernel failed with `code`.
		Failed { job: JobId, code: u32, paid: BalanceOf<T>, refunded: BalanceOf<T> },
		/// No quorum (or no providers); the escrow was refunded.
		Unresolved { job: JobId, refunded: BalanceOf<T> },
		/// The submitter cancelled the job; the escrow was refunded.
		Cancelled { job: JobId, refunded: BalanceOf<T> },
		/// The job's data was removed and its storage deposit returned.
		Cleared { job: JobId, deposit: BalanceOf<T> },
		/// Governance set new parameters.
		ParamsSet { params: JobParamsOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Replicas must be between 1 and `MaxReplicas`.
		InvalidReplicas,
		/// Every work-size dimension must be at least 1.
		InvalidWorkSize,
		/// The output length must be between 1 and `MaxOutputLen` bytes.
		InvalidOutputLen,
		/// The price per replica is below `min_price`.
		PriceTooLow,
		/// The deadline is outside `min_deadline..=max_deadline`.
		InvalidDeadline,
		/// The minimum reputation is above `MAX_REPUTATION`.
		InvalidRequirements,
		/// OpenCL source jobs need source code and an entry-point name.
		EmptySource,
		/// No provider of the requested device kind is registered.
		NoProviders,
		/// The assignment queue is full; submit again in a later block.
		QueueFull,
		/// Escrow and deposit overflow the balance type.
		Overflow,
		/// The free balance does not cover escrow and storage deposit.
		InsufficientBalance,
		/// No job with this id.
		JobNotFound,
		/// The caller is not the operator of a provider assigned to this job.
		NotAssigned,
		/// The job is not in the phase this call belongs to.
		WrongPhase,
		/// This provider already committed.
		AlreadyCommitted,
		/// This provider did not commit, so it cannot reveal.
		NotCommitted,
		/// This provider already revealed.
		AlreadyRevealed,
		/// The revealed result and salt do not match the commitment.
		CommitmentMismatch,
		/// An error result's hash must be `error_result_hash(code)`.
		ErrorHashMismatch,
		/// The output length in the metadata differs from the job's.
		OutputLenMismatch,
		/// This job's output is small enough to be stored: reveal it.
		OutputMissing,
		/// The revealed output does not hash to the revealed result hash.
		OutputHashMismatch,
		/// Only the submitter may do this.
		NotSubmitter,
		/// A provider already committed: the job can no longer be cancelled.
		CannotCancel,
		/// The job is not finished yet.
		NotFinished,
		/// The parameters are out of range.
		InvalidParams,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::run_offchain_worker(now);
		}

		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let mut weight = T::WeightInfo::on_initialize_base();
			for job in Deadlines::<T>::take(now) {
				weight.saturating_accrue(Self::on_deadline(job, now));
			}
			weight.saturating_accrue(Self::assign_queued(now));
			weight
		}

		fn integrity_test() {
			assert!(T::MaxReplicas::get() >= 1 && T::MaxReplicas::get() <= u8::MAX as u32);
			assert!(T::MaxInlineOutput::get() <= T::MaxOutputLen::get());
			assert!(T::MaxAssignmentsPerBlock::get() >= 1);
			assert!(T::MaxDeadlinesPerBlock::get() >= T::MaxAssignmentsPerBlock::get());
			assert!(Pallet::<T>::params_are_valid(&T::DefaultParams::get()));
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Submits a job. The escrow (`replicas × price + fee`) and the storage deposit go
		/// on hold; providers are assigned in the next block.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit(
			spec.input.len() as u32 + spec.kernel.stored_len(),
			BENCHMARKED_PROVIDERS,
		))]
		pub fn submit(origin: OriginFor<T>, spec: JobSpecOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit(who, spec).map(|_| ())
		}

		/// Commits to a result of an assigned job: `commitment` is
		/// `H(result_hash ‖ operator ‖ job ‖ salt)`. Signed by the provider's operator key.
		/// Free when valid.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::commit())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, job: &JobId, _c: &H256| -> bool {
			Pallet::<T>::is_valid_attestation(origin, *job, Phase::Commit)
		})]
		pub fn commit(origin: OriginFor<T>, job: JobId, commitment: H256) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			Self::do_commit(operator, job, commitment)
		}

		/// Reveals the committed result: its hash, the salt, run metadata, and the output
		/// itself when it is at most `MaxInlineOutput` bytes. Signed by the provider's
		/// operator key. Free when valid.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::reveal())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, job: &JobId, _h: &H256, _s: &[u8; 32], _m: &ResultMeta, _o: &Option<BoundedVec<u8, T::MaxInlineOutput>>| -> bool {
			Pallet::<T>::is_valid_attestation(origin, *job, Phase::Reveal)
		})]
		pub fn reveal(
			origin: OriginFor<T>,
			job: JobId,
			result_hash: H256,
			salt: [u8; 32],
			meta: ResultMeta,
			inline_output: Option<BoundedVec<u8, T::MaxInlineOutput>>,
		) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			Self::do_reveal(operator, job, result_hash, salt, meta, inline_output)
		}

		/// Cancels a job before any provider committed; the whole escrow returns. Takes it
		/// out of the assignment queue (bounded by `MaxQueueLen`).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::cancel())]
		pub fn cancel(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Jobs::<T>::get(job).ok_or(Error::<T>::JobNotFound)?;
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
			record.settlement =
				Some(Settlement { paid: Zero::zero(), fee: Zero::zero(), refunded });
			Jobs::<T>::insert(job, &record);
			Self::deposit_event(Event::Cancelled { job, refunded });
			Ok(())
		}

		/// Removes a finished job's data and returns its storage deposit. The result
		/// stays in the events.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::clear())]
		pub fn clear(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Jobs::<T>::get(job).ok_or(Error::<T>::JobNotFound)?;
			ensure!(record.submitter == who, Error::<T>::NotSubmitter);
			ensure!(record.status.is_finished(), Error::<T>::NotFinished);
			asset::refund::<T>(&who, record.deposit)?;
			Jobs::<T>::remove(job);
			Payloads::<T>::remove(job);
			let _ = RevealedOutputs::<T>::clear_prefix(job, T::MaxReplicas::get(), None);
			Self::deposit_event(Event::Cleared { job, deposit: record.deposit });
			Ok(())
		}

		/// Sets the protocol parameters. `GovernanceOrigin` only.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: JobParamsOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
			Params::<T>::put(&params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}

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
		pub fn due<BlockNumber>(
			status: &JobStatus<BlockNumber>,
			state: &ReplicaState,
		) -> Option<Self> {
			match (status, state) {
				(JobStatus::Committing { .. }, ReplicaState::Assigned) => Some(Phase::Commit),
				(JobStatus::Revealing { .. }, ReplicaState::Committed { .. }) => {
					Some(Phase::Reveal)
				},
				_ => None,
			}
		}
	}

	impl<T: Config> Pallet<T> {
		pub(crate) fn params_are_valid(p: &JobParamsOf<T>) -> bool {
			!p.min_deadline.is_zero()
				&& p.min_deadline <= p.max_deadline
				&& !p.reveal_window.is_zero()
				&& p.error_fee <= p.min_price
				&& p.max_queue_blocks > 0
		}

		/// Submission, shared with benchmarks and tests. Returns the job id.
		pub(crate) fn do_submit(
			who: T::AccountId,
			spec: JobSpecOf<T>,
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
			if let Kernel::Source { source, entry } = &spec.kernel {
				ensure!(!source.is_empty() && !entry.is_empty(), Error::<T>::EmptySource);
			}
			ensure!(T::Providers::has_candidates(spec.requirements.kind), Error::<T>::NoProviders);

			let replicas = BalanceOf::<T>::from(u32::from(spec.replicas));
			let work = spec.price_per_replica.checked_mul(&replicas).ok_or(Error::<T>::Overflow)?;
			let fee = params.fee.mul_ceil(work);
			let escrow = work.checked_add(&fee).ok_or(Error::<T>::Overflow)?;
			let stored = BalanceOf::<T>::from(spec.input.len() as u32 + spec.kernel.stored_len());
			let deposit = params
				.deposit_per_byte
				.checked_mul(&stored)
				.and_then(|d| d.checked_add(&params.deposit_base))
				.ok_or(Error::<T>::Overflow)?;
			let held = escrow.checked_add(&deposit).ok_or(Error::<T>::Overflow)?;

			let mut submissions = Submissions::<T>::get();
			let job = submissions.next_id;
			submissions.queue.try_push(job).map_err(|_| Error::<T>::QueueFull)?;
			submissions.next_id = job.saturating_add(1);
			asset::hold::<T>(&who, held).map_err(|_| Error::<T>::InsufficientBalance)?;

			let now = frame_system::Pallet::<T>::block_number();
			Jobs::<T>::insert(
				job,
				Job {
					submitter: who.clone(),
					replicas: spec.replicas,
					requirements: spec.requirements,
					output_len: spec.output_len,
					price_per_replica: spec.price_per_replica,
					deadline: spec.deadline,
					escrow,
					fee,
					deposit,
					submitted_at: now,
					status: JobStatus::Queued,
					queued_for: 0,
					assigned: Default::default(),
					result_hash: None,
					output: None,
					settlement: None,
				},
			);
			Payloads::<T>::insert(job, (spec.kernel, spec.input, spec.work_size));
			Submissions::<T>::put(submissions);
			Self::deposit_event(Event::Submitted {
				job,
				submitter: who,
				replicas: spec.replicas,
				escrow,
			});
			Ok(job)
		}

		/// The index of the replica whose operator is `operator`.
		pub(crate) fn replica_of(record: &JobOf<T>, operator: &T::AccountId) -> Option<usize> {
			let provider = T::Providers::provider_of(operator)?;
			record.assigned.iter().position(|r| r.provider == provider)
		}

		/// Whether `origin` is an assigned operator that may attest in `phase` now.
		pub(crate) fn is_valid_attestation(
			origin: &OriginFor<T>,
			job: JobId,
			phase: Phase,
		) -> bool {
			let Ok(operator) = ensure_signed(origin.clone()) else { return false };
			let Some(record) = Jobs::<T>::get(job) else { return false };
			let Some(i) = Self::replica_of(&record, &operator) else { return false };
			Phase::due(&record.status, &record.assigned[i].state) == Some(phase)
		}

		pub(crate) fn do_commit(
			operator: T::AccountId,
			job: JobId,
			commitment: H256,
		) -> DispatchResult {
			let mut record = Jobs::<T>::get(job).ok_or(Error::<T>::JobNotFound)?;
			let i = Self::replica_of(&record, &operator).ok_or(Error::<T>::NotAssigned)?;
			ensure!(matches!(record.status, JobStatus::Committing { .. }), Error::<T>::WrongPhase);
			ensure!(
				record.assigned[i].state == ReplicaState::Assigned,
				Error::<T>::AlreadyCommitted
			);
			record.assigned[i].state = ReplicaState::Committed { commitment };
			let provider = record.assigned[i].provider.clone();
			// Everyone committed: reveal now rather than at the deadline (if the schedule is
			// full, the commit deadline opens the reveal window instead).
			if record.assigned.iter().all(|r| r.state != ReplicaState::Assigned) {
				let now = frame_system::Pallet::<T>::block_number();
				let _ = Self::start_reveal(job, &mut record, now);
			}
			Jobs::<T>::insert(job, &record);
			Self::deposit_event(Event::Committed { job, provider });
			Ok(())
		}

		pub(crate) fn do_reveal(
			operator: T::AccountId,
			job: JobId,
			result_hash: H256,
			salt: [u8; 32],
			meta: ResultMeta,
			inline_output: Option<BoundedVec<u8, T::MaxInlineOutput>>,
		) -> DispatchResult {
			let mut record = Jobs::<T>::get(job).ok_or(Error::<T>::JobNotFound)?;
			let i = Self::replica_of(&record, &operator).ok_or(Error::<T>::NotAssigned)?;
			ensure!(matches!(record.status, JobStatus::Revealing { .. }), Error::<T>::WrongPhase);
			let ReplicaState::Committed { commitment: committed } = record.assigned[i].state else {
				return Err(match record.assigned[i].state {
					ReplicaState::Revealed { .. } => Error::<T>::AlreadyRevealed,
					_ => Error::<T>::NotCommitted,
				}
				.into());
			};
			ensure!(
				commitment(&result_hash, &operator, job, &salt) == committed,
				Error::<T>::CommitmentMismatch
			);
			match meta.error_code {
				Some(code) => {
					ensure!(result_hash == error_result_hash(code), Error::<T>::ErrorHashMismatch)
				},
				None => {
					ensure!(meta.output_len == record.output_len, Error::<T>::OutputLenMismatch);
					if record.output_len <= T::MaxInlineOutput::get() {
						let output = inline_output.ok_or(Error::<T>::OutputMissing)?;
						ensure!(
							H256(sp_io::hashing::blake2_256(&output)) == result_hash,
							Error::<T>::OutputHashMismatch
						);
						if !RevealedOutputs::<T>::contains_key(job, result_hash) {
							RevealedOutputs::<T>::insert(job, result_hash, output);
						}
					}
				},
			}
			record.assigned[i].state = ReplicaState::Revealed { result_hash, meta };
			let provider = record.assigned[i].provider.clone();
			// Nobody left to reveal: settle in the next block (if the schedule is full, at
			// the reveal deadline instead).
			if !record
				.assigned
				.iter()
				.any(|r| matches!(r.state, ReplicaState::Committed { .. }))
			{
				let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
				let _ =
					Self::schedule(job, &mut record, next, |until| JobStatus::Revealing { until });
			}
			Jobs::<T>::insert(job, &record);
			Self::deposit_event(Event::Revealed { job, provider, result_hash });
			Ok(())
		}

		/// Opens the reveal window of `record`. `false` if the schedule had no room (the
		/// record is unchanged).
		fn start_reveal(job: JobId, record: &mut JobOf<T>, now: BlockNumberFor<T>) -> bool {
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
		fn schedule(
			job: JobId,
			record: &mut JobOf<T>,
			at: BlockNumberFor<T>,
			status: impl Fn(BlockNumberFor<T>) -> JobStatus<BlockNumberFor<T>>,
		) -> Option<BlockNumberFor<T>> {
			let mut block = at;
			for _ in 0..SCHEDULE_PROBE {
				if Deadlines::<T>::mutate(block, |jobs| jobs.try_push(job).is_ok()) {
					record.status = status(block);
					return Some(block);
				}
				block = block.saturating_add(One::one());
			}
			None
		}

		/// A job's phase ended at `now`.
		pub(crate) fn on_deadline(job: JobId, now: BlockNumberFor<T>) -> Weight {
			let Some(mut record) = Jobs::<T>::get(job) else {
				return T::WeightInfo::on_deadline_skip();
			};
			match record.status {
				JobStatus::Committing { until } if until == now => {
					if record
						.assigned
						.iter()
						.any(|r| matches!(r.state, ReplicaState::Committed { .. }))
					{
						if Self::start_reveal(job, &mut record, now) {
							Jobs::<T>::insert(job, &record);
						} else {
							// No room to track a reveal window: give the escrow back.
							Self::give_up(job, record);
						}
					} else {
						// Nobody new committed: decide on what was revealed before, if anything.
						Self::decide(job, record);
					}
					T::WeightInfo::on_deadline_settle(T::MaxReplicas::get())
				},
				JobStatus::Revealing { until } if until == now => {
					Self::decide(job, record);
					T::WeightInfo::on_deadline_settle(T::MaxReplicas::get())
				},
				// The job moved on since this entry was scheduled.
				_ => T::WeightInfo::on_deadline_skip(),
			}
		}

		/// Counts the reveals: settles the job, escalates it, or gives up.
		fn decide(job: JobId, mut record: JobOf<T>) {
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
						Jobs::<T>::insert(job, &record);
						Self::deposit_event(Event::Escalated { job, replicas });
					} else {
						Self::give_up(job, record);
					}
				},
				_ => Self::give_up(job, record),
			}
		}

		/// `provider` takes a replica of `job`: it counts against its cap and its operator's
		/// off-chain worker finds it in [`Assignments`].
		fn hold_replica(provider: &T::AccountId, job: JobId) {
			T::Providers::job_assigned(provider);
			Assignments::<T>::insert(provider, job, ());
		}

		/// `provider` is done with `job`, whatever the outcome.
		fn release(provider: &T::AccountId, job: JobId) {
			T::Providers::job_released(provider);
			Assignments::<T>::remove(provider, job);
		}

		/// Pays the winners of `hash`, slashes losers and no-shows, refunds the rest.
		fn settle(job: JobId, mut record: JobOf<T>, hash: H256, error: Option<u32>) {
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
			Jobs::<T>::insert(job, &record);
		}

		/// No quorum possible: refunds the escrow; no-shows are still slashed.
		fn give_up(job: JobId, mut record: JobOf<T>) {
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
			record.settlement =
				Some(Settlement { paid: Zero::zero(), fee: Zero::zero(), refunded });
			Jobs::<T>::insert(job, &record);
			Self::deposit_event(Event::Unresolved { job, refunded });
		}

		/// Assigns providers to up to `MaxAssignmentsPerBlock` queued jobs.
		pub(crate) fn assign_queued(now: BlockNumberFor<T>) -> Weight {
			let mut submissions = Submissions::<T>::get();
			if submissions.queue.is_empty() {
				return Weight::zero();
			}
			let mut weight = Weight::zero();
			let mut waiting = BoundedVec::<JobId, T::MaxQueueLen>::new();
			let parent = frame_system::Pallet::<T>::parent_hash();
			let params = Params::<T>::get();
			let mut handled = 0u32;
			for job in core::mem::take(&mut submissions.queue) {
				if handled >= T::MaxAssignmentsPerBlock::get() {
					let _ = waiting.try_push(job);
					continue;
				}
				handled += 1;
				weight.saturating_accrue(T::WeightInfo::assign(T::MaxReplicas::get()));
				let Some(mut record) = Jobs::<T>::get(job) else { continue };
				if record.status != JobStatus::Queued {
					continue;
				}
				let wanted =
					if record.assigned.is_empty() { u32::from(record.replicas) } else { 1 };
				let exclude: Vec<T::AccountId> =
					record.assigned.iter().map(|r| r.provider.clone()).collect();
				let pinned = if record.requirements.same_device_class {
					record.assigned.first().map(|r| r.device_class)
				} else {
					None
				};
				let seed = sp_io::hashing::blake2_256(&(parent, job, record.queued_for).encode());
				let picked =
					T::Providers::select(&record.requirements, wanted, &exclude, pinned, seed);
				if picked.len() as u32 == wanted {
					let mut providers = Vec::with_capacity(picked.len());
					for (provider, device_class) in picked {
						Self::hold_replica(&provider, job);
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
						// No room for its deadline: undo, and try again next block.
						for provider in &providers {
							Self::release(provider, job);
						}
						let _ = waiting.try_push(job);
						continue;
					};
					Jobs::<T>::insert(job, &record);
					Self::deposit_event(Event::Assigned { job, providers, commit_until: until });
				} else if record.queued_for.saturating_add(1) >= params.max_queue_blocks {
					// No providers (or no extra replica) to be found in time.
					Self::give_up(job, record);
				} else {
					record.queued_for = record.queued_for.saturating_add(1);
					Jobs::<T>::insert(job, &record);
					let _ = waiting.try_push(job);
				}
			}
			submissions.queue = waiting;
			Submissions::<T>::put(submissions);
			weight
		}

		/// Checks the pallet's invariants (see the crate docs). Run by `try_state` and
		/// after every test, including other pallets' tests.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::BTreeMap;
			use sp_runtime::TryRuntimeError;
			let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
			for (id, job) in Jobs::<T>::iter() {
				let mut expected = job.deposit;
				if job.status.is_finished() {
					let s = job
						.settlement
						.ok_or(TryRuntimeError::Other("finished job without settlement"))?;
					ensure!(
						s.paid.saturating_add(s.fee).saturating_add(s.refunded) == job.escrow,
						TryRuntimeError::Other("escrow not conserved")
					);
				} else {
					expected = expected.saturating_add(job.escrow);
					ensure!(
						job.settlement.is_none(),
						TryRuntimeError::Other("unfinished job settled")
					);
					for replica in &job.assigned {
						ensure!(
							T::Providers::is_registered(&replica.provider),
							TryRuntimeError::Other("replica of an unregistered provider")
						);
						ensure!(
							Assignments::<T>::contains_key(&replica.provider, id),
							TryRuntimeError::Other(
								"replica missing from the provider's assignments"
							)
						);
					}
				}
				ensure!(
					job.assigned.len() as u32 <= T::MaxReplicas::get(),
					TryRuntimeError::Other("too many replicas")
				);
				ensure!(
					Payloads::<T>::contains_key(id),
					TryRuntimeError::Other("job without payload")
				);
				let entry = held.entry(job.submitter.clone()).or_default();
				*entry = entry.saturating_add(expected);
			}
			for (who, amount) in held {
				ensure!(
					asset::held::<T>(&who) == amount,
					TryRuntimeError::Other("job hold differs from escrow + deposits")
				);
			}
			let queue = Submissions::<T>::get().queue;
			for id in &queue {
				ensure!(
					Jobs::<T>::get(id).map(|j| j.status) == Some(JobStatus::Queued),
					TryRuntimeError::Other("queued id of a job that is not queued")
				);
			}
			for (id, job) in Jobs::<T>::iter() {
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
			ensure!(
				Payloads::<T>::iter_keys().all(|id| Jobs::<T>::contains_key(id)),
				TryRuntimeError::Other("payload without job")
			);
			for (provider, id, ()) in Assignments::<T>::iter() {
				ensure!(
					Jobs::<T>::get(id).is_some_and(|j| !j.status.is_finished()
						&& j.assigned.iter().any(|r| r.provider == provider)),
					TryRuntimeError::Other("assignment of a finished job or another provider")
				);
			}
			Ok(())
		}
	}
}

/// The next job id and the assignment queue.
#[derive(
	frame_support::CloneNoBound,
	frame_support::PartialEqNoBound,
	frame_support::EqNoBound,
	frame_support::DebugNoBound,
	frame_support::DefaultNoBound,
	codec::Encode,
	codec::Decode,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
#[scale_info(skip_type_params(MaxQueueLen))]
#[codec(mel_bound())]
pub struct SubmissionQueue<MaxQueueLen: frame_support::traits::Get<u32>> {
	/// The id the next job gets.
	pub next_id: JobId,
	/// Jobs waiting for assignment, oldest first.
	pub queue: frame_support::BoundedVec<JobId, MaxQueueLen>,
}
