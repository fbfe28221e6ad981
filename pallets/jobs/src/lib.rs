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
//!    stake and reputation, from a seed of the parent block's VRF randomness (BABE) and the
//!    job. Neither the submitter nor the parent block's author chooses it. A job that finds no providers goes
//!    to the back of the queue; after `max_queue_blocks` it expires, its fee goes to the
//!    treasury and the rest is refunded.
//! 3. **Commit** ([`Pallet::commit`]) until the job's deadline: each assigned operator
//!    commits to `H(result_hash ‖ provider ‖ job ‖ salt)` ([`commitment`]). When all have
//!    committed, or the deadline passes, the reveal window opens.
//! 4. **Reveal** ([`Pallet::reveal`]): the result hash, the salt, run metadata, and for
//!    outputs of at most `MaxInlineOutput` bytes the output itself. A kernel that failed
//!    to build or run reveals an error code, hashed with [`error_result_hash`].
//! 5. **Verification**, in the last reveal's own call, or in `on_initialize` when the
//!    window closes with reveals missing:
//!    a result wins when at least `⌊replicas/2⌋ + 1` reveals agree on it and they are a
//!    strict majority of the reveals. Winners are paid the price (together at most
//!    `replicas × price`), the fee goes to the treasury, the rest returns to the submitter.
//!    A revealed output that loses to another output, and a commitment never revealed, are
//!    slashed (`slash_wrong_result`); a replica that let its commit window pass is out of
//!    the job and slashed less (`slash_no_show`); an error code that loses (or an output
//!    outvoted by one) costs pay and reputation, not bond (see `settlement.rs`). A quorum on
//!    an error code completes the job as `Failed` and pays each winner the small
//!    `error_fee`, and no reputation or work credit (those follow the fee, which only an
//!    agreed output pays). Without a quorum, one more replica is assigned (up to `MaxReplicas`);
//!    after that the job is `Unresolved` and the escrow is refunded.
//!    A job that waits in the queue for its first assignment pays `queue_fee_per_round` of
//!    its storage deposit for each round it waits.
//! 6. [`Pallet::cancel`] before any commitment refunds the escrow, less `error_fee` for each
//!    provider already assigned (they started computing) and, once assigned, the fee;
//!    [`Pallet::clear`] after the end removes the job and returns the storage deposit.
//!
//! A commit or reveal is feeless exactly when it succeeds (`#[pallet::feeless_if]` runs the
//! call's own checks); one that fails pays its full fee.
//!
//! ## Threat model: what an attacker cannot do cheaply
//!
//! Anyone can submit jobs, register providers and run a node; each rule below closes a way
//! to rob providers or the chain for about one transaction fee, and each has a test that
//! showed it working before the rule.
//!
//! - **Free failing attestations.** Feeless only if the call would succeed: a reveal with
//!   a wrong salt, hash or output pays like any transaction (`attestation.rs`).
//! - **Crowding attestations out of their window.** Valid attestations get a priority
//!   above ordinary tips and a longevity that ends with their window (`priority.rs`).
//! - **Reading a result and walking away.** A node serves an output only once the chain
//!   agreed on it, and only that output (`runtime_api.rs`); a cancel after assignment pays
//!   the assigned providers for their time (`settlement.rs`).
//! - **Waiting to see the vote.** A committed replica that does not reveal is slashed like
//!   a wrong result, so withholding is never cheaper than lying (`settlement.rs`).
//! - **Joining a later round.** A replica that let its commit window pass is out of the
//!   job; it cannot commit after an escalation, when earlier reveals are public, nor escape
//!   its no-show slash (`schedule.rs`, [`ReplicaState::Missed`]).
//! - **Punishing a device difference as fraud.** Only an output that loses to another
//!   output is slashed; an error code (a driver that cannot build the kernel) is not
//!   (`settlement.rs`).
//! - **Filling the deadline schedule.** A job stands in the schedule once, where its
//!   current phase ends; moving on or cancelling takes the entry out, and a job that finds
//!   no room for its reveal window slashes nobody who committed: they are paid for their
//!   time (`schedule.rs`, `settlement.rs`).
//! - **Choosing who computes.** Providers are drawn from the parent block's VRF output
//!   (BABE), which its author cannot grind the way it could a block hash, and a submitter
//!   that cancels after assignment to draw again pays the fee each time
//!   (`assignment.rs`).
//! - **Blocking the queue.** `submit` refuses requirements that no single listed provider
//!   meets (kind, memory and reputation together, replicas: one read of the providers
//!   pallet's joint tiers); a job nobody takes goes to the back of the queue, so the jobs
//!   behind it are assigned; each round it waits for its first assignment costs it
//!   `queue_fee_per_round` of its deposit, so that holding places costs in proportion to
//!   the time held, whoever's providers keep the jobs waiting; and a quarter of the queue
//!   is closed to `submit`, kept for audits and escalations, so that a full queue never
//!   stops a disputed job's extra replica or an era's audits (`submission.rs`,
//!   `assignment.rs`, `tests/queue.rs`).
//! - **Stacking work on one provider.** A provider node's executor runs one task at a
//!   time and a task's budget starts when it starts, so the chain plans each provider's
//!   device queue (`pallet_providers::DeviceQueue`): a replica goes only to a provider that
//!   can compute it, behind everything already queued there, before its commit window
//!   ends, and the provider's worker dispatches tasks in that order ([`Assignments`] holds
//!   each task's place). A commitment tells the chain the device is done with everything
//!   up to it. An honest provider is never a no-show because of the chain's own
//!   scheduling, and a no-show is slashed at most what the job was worth
//!   (`tests/queueing.rs` runs an honest provider on a device that takes time).
//! - **Backing any amount of work with a small bond.** A provider is not assigned a job
//!   that would take what its unfinished jobs pay it past `max_exposure_percent` of its
//!   active bond (the providers pallet's selection).
//! - **Inventing a device class.** A class-pinned job goes only to a class that
//!   `min_class_providers` listed providers and `min_class_bond` of bond stand behind, so
//!   that one party cannot hold every replica for the price of a few minimum bonds.
//! - **Unbonding away from a slash.** No job can outlast the providers' unbonding period
//!   ([`Pallet::longest_job`], checked by `integrity_test` and `set_params`).
//! - **Missing a window by oneself.** The provider node's worker resends well inside the
//!   shortest window (every window is at least [`params::MIN_WINDOW`] blocks), counts its
//!   own pending transactions in its nonce, and keeps a short output from commit to reveal
//!   (`offchain.rs`).
//!
//! ## Where each rule lives
//!
//! | file | rule |
//! | --- | --- |
//! | `submission.rs` | what a spec must satisfy; escrow and storage deposit |
//! | `assignment.rs` | who computes a job, drawn from VRF randomness nobody chooses |
//! | `attestation.rs` | commit, then reveal; which attestation is due ([`Phase`]) |
//! | `priority.rs` | valid attestations go ahead of ordinary traffic in the pool |
//! | `schedule.rs` | the deadline schedule of commit and reveal windows |
//! | `verdict.rs` | the quorum, escalation by one replica |
//! | `settlement.rs` | payments, slashes, refunds; cancel and clear |
//! | `asset.rs` | every currency operation (one hold per submitter) |
//! | `params.rs` | which parameters governance may set |
//! | `invariants.rs` | the invariants below (`try_state`) |
//! | `offchain.rs` | the provider node's off-chain worker |
//! | `runtime_api.rs` | what a node may serve: only an output the chain agreed on |
//! | `types.rs` | the domain types |
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
//!   deposits of its uncleared jobs; an account without jobs holds nothing for one.
//! - Every finished job's settlement adds up: `paid + fee + refunded == escrow`; a completed
//!   job's winners were paid their share each and the treasury the fee, whatever freezes
//!   stand on the submitter's account (payments out of escrow ignore them, `asset.rs`; one
//!   that fails undoes the settlement, [`Event::SettlementFailed`]).
//! - Every replica of an unfinished job points at a registered provider; bounded lists stay
//!   within their bounds.
//! - The queue holds exactly the jobs waiting for assignment, once each; every committing or
//!   revealing job is scheduled at the block its phase ends, and the schedule holds nothing
//!   else (no entry of a finished phase, a cancelled or a cleared job).
//! - Every job id is below `next_id`; revealed outputs belong to unfinished jobs.
//! - Each provider's count of unfinished jobs and its exposure (what they pay it) are
//!   exactly those of its assignments.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod asset;
mod assignment;
pub mod attestation;
mod audit;
mod invariants;
pub mod offchain;
pub mod params;
mod priority;
pub mod runtime_api;
mod schedule;
mod settlement;
mod submission;
pub mod types;
mod verdict;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
pub use attestation::Phase;
use frame_support::traits::fungible;
pub use pallet::*;
pub use priority::PrioritizeAttestations;
pub use schedule::SCHEDULE_PROBE;
pub(crate) use settlement::GiveUp;
pub use submission::Room;
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
	<T as Config>::MaxEntryLen,
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

/// What a replica asks of its provider, in a runtime's types.
pub type WorkloadOf<T> =
	pallet_providers::Workload<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// The kernel type of a runtime.
pub type KernelOf<T> = Kernel<<T as Config>::MaxSourceLen, <T as Config>::MaxEntryLen>;

/// The stored payload type of a runtime.
pub type JobPayloadOf<T> =
	JobPayload<<T as Config>::MaxSourceLen, <T as Config>::MaxEntryLen, <T as Config>::MaxInputLen>;

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
	use pallet_providers::ProviderRegistry;
	use sp_core::H256;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	/// Registered providers at which `submit`'s weight is taken. Submitting reads no
	/// provider list (one counter per device kind); the benchmark varies the number of
	/// providers from 10 to this many to show that, and the weight is taken at the top.
	pub const BENCHMARKED_PROVIDERS: u32 = 10_000;

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

		/// Randomness of the parent block that its author could not choose (BABE's VRF
		/// output: `pallet_babe::ParentBlockRandomness` in a runtime). Providers are drawn
		/// from it; `None` (a block without a VRF output) falls back to the parent hash.
		type Randomness: frame_support::traits::Randomness<Option<Self::Hash>, BlockNumberFor<Self>>;

		/// The provider registry: selection, operators, reputation, slashing.
		type Providers: ProviderRegistry<
			Self::AccountId,
			Balance = BalanceOf<Self>,
			BlockNumber = BlockNumberFor<Self>,
		>;

		/// Who may change [`Params`] (the DAO's parameters track, in this runtime).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Hears each agreeing replica's verified work at settlement (the rewards pallet;
		/// `()` where there is none), and names the account audit jobs come from.
		type WorkCredit: depin_interfaces::WorkCredit<Self::AccountId, BalanceOf<Self>>;

		/// Account that receives protocol fees.
		#[pallet::constant]
		type Treasury: Get<Self::AccountId>;

		/// The fewest blocks delegated stake stays slashable once unbonded (the
		/// delegation pallet's `unbonding_eras - 1` eras of the rewards pallet's length,
		/// plus one): governance cannot make the longest job this long, or stake behind a
		/// provider could leave before its slash (nor longer, on a chain started with
		/// shorter unbonding: development chains).
		type DelegationUnbonding: Get<BlockNumberFor<Self>>;

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

		/// Longest entry-point name of a source kernel, in bytes.
		#[pallet::constant]
		type MaxEntryLen: Get<u32>;

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

		/// Pool priority of a commit or reveal that would succeed now, through
		/// [`PrioritizeAttestations`]: above what ordinary transactions reach with their tips,
		/// so that traffic cannot crowd an attestation out of its window.
		#[pallet::constant]
		type AttestationPriority: Get<sp_runtime::transaction_validity::TransactionPriority>;

		/// How long one off-chain worker run waits, in all, for the results of the tasks it
		/// dispatched, in milliseconds: a third of the block time in a runtime, so that a
		/// commit sent at its end still reaches the next block's author.
		#[pallet::constant]
		type ResultWaitMillis: Get<u64>;

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

	/// The chain's record of each job, by id, until cleared.
	#[pallet::storage]
	pub type JobRecords<T: Config> = StorageMap<_, Twox64Concat, JobId, JobOf<T>>;

	/// Kernel, input and work size of each job, until cleared. Apart from [`JobRecords`] so
	/// that commits and reveals never read the input.
	#[pallet::storage]
	pub type JobPayloads<T: Config> = StorageMap<_, Twox64Concat, JobId, JobPayloadOf<T>>;

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

	/// The chain's own answer to each of its audit jobs (the result hash of the product it
	/// computed when it issued the audit): an audit's verdict (`audit.rs`). Removed when
	/// the job is cleared; at most the audits not yet cleared.
	#[pallet::storage]
	pub type AuditAnswers<T: Config> = StorageMap<_, Twox64Concat, JobId, H256, OptionQuery>;

	/// The unfinished jobs each provider is assigned to, each with its place in the
	/// provider's device queue ([`pallet_providers::DeviceQueue`]): the provider's off-chain
	/// worker dispatches them in that order. A provider's entries are bounded by its
	/// concurrent-job cap, so its worker reads them without scanning all jobs.
	#[pallet::storage]
	pub type Assignments<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, JobId, u64, OptionQuery>;

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
		Submitted {
			/// The new job.
			job: JobId,
			/// Who pays for it and gets the result.
			submitter: T::AccountId,
			/// Providers asked to compute it.
			replicas: u8,
			/// Put on hold: `replicas × price + fee` (the storage deposit is held apart).
			escrow: BalanceOf<T>,
		},
		/// Providers were assigned to a job.
		Assigned {
			/// The job.
			job: JobId,
			/// The providers newly assigned (all replicas, or one more on escalation).
			providers: Vec<T::AccountId>,
			/// Last block in which they may commit.
			commit_until: BlockNumberFor<T>,
		},
		/// A provider committed to a result.
		Committed {
			/// The job.
			job: JobId,
			/// The provider whose operator key committed.
			provider: T::AccountId,
		},
		/// The reveal window opened.
		RevealStarted {
			/// The job.
			job: JobId,
			/// Last block in which committed providers may reveal.
			reveal_until: BlockNumberFor<T>,
		},
		/// A provider revealed its result.
		Revealed {
			/// The job.
			job: JobId,
			/// The provider whose operator key revealed.
			provider: T::AccountId,
			/// Its output's [`output_hash`] (the output's root as content), or its
			/// [`error_result_hash`].
			result_hash: H256,
		},
		/// No quorum yet: one more replica is being assigned.
		Escalated {
			/// The job.
			job: JobId,
			/// Replicas once the new one is assigned.
			replicas: u32,
		},
		/// A quorum agreed on the output.
		Completed {
			/// The job.
			job: JobId,
			/// The agreed result: the output's [`output_hash`], its root as content, under
			/// which nodes serve it once agreed.
			result_hash: H256,
			/// The providers that revealed it, and were paid.
			winners: Vec<T::AccountId>,
			/// Paid to the winners, together.
			paid: BalanceOf<T>,
			/// Protocol fee, to the treasury.
			fee: BalanceOf<T>,
			/// Returned to the submitter.
			refunded: BalanceOf<T>,
		},
		/// A quorum agreed that the kernel failed.
		Failed {
			/// The job.
			job: JobId,
			/// The agreed error code (see `ErrorCode` in the compute primitives).
			code: u32,
			/// Paid to the agreeing providers (`error_fee` each), together.
			paid: BalanceOf<T>,
			/// Returned to the submitter.
			refunded: BalanceOf<T>,
		},
		/// The job ended without a result: no quorum, no providers, or no room in the
		/// deadline schedule for its reveal window.
		Unresolved {
			/// The job.
			job: JobId,
			/// Paid, from the escrow, to replicas that committed but could not reveal
			/// because the schedule had no room (`error_fee` each); otherwise nothing.
			paid: BalanceOf<T>,
			/// The protocol fee, to the treasury, when the job expired in the queue without
			/// any provider; otherwise nothing.
			fee: BalanceOf<T>,
			/// Returned to the submitter: the rest of the escrow.
			refunded: BalanceOf<T>,
		},
		/// A settlement failed on a payment and was undone: the job stays as it was, its
		/// escrow held. It cannot happen while the hold covers the escrow and the payees
		/// exist; the event makes it visible if it ever does.
		SettlementFailed {
			/// The job.
			job: JobId,
			/// Why the payment failed.
			error: DispatchError,
		},
		/// The submitter cancelled the job before any provider committed.
		Cancelled {
			/// The job.
			job: JobId,
			/// Paid to the providers already assigned, for their time (`error_fee` each).
			paid: BalanceOf<T>,
			/// The protocol fee, to the treasury, when providers were already assigned.
			fee: BalanceOf<T>,
			/// Returned to the submitter: the rest of the escrow.
			refunded: BalanceOf<T>,
		},
		/// The job's data was removed and its storage deposit returned.
		Cleared {
			/// The job.
			job: JobId,
			/// The storage deposit returned to the submitter.
			deposit: BalanceOf<T>,
		},
		/// Governance set new parameters.
		ParamsSet {
			/// The parameters now in force.
			params: JobParamsOf<T>,
		},
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
		/// The compute budget is zero, above `max_compute_budget_ms`, or longer than the
		/// deadline allows (`compute_ms_per_block` for each block of it).
		InvalidBudget,
		/// OpenCL source jobs need source code and an entry-point name.
		EmptySource,
		/// No listed provider could meet the requirements: too few of the device kind, or
		/// with that much memory or reputation, for the replicas asked.
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
		/// This provider let its commit window pass: it is out of the job, and cannot join
		/// a later round.
		CommitWindowMissed,
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
		/// The longest job would outlast delegated stake's unbonding: stake behind a
		/// provider could leave before the job's slash.
		OutlastsDelegationUnbonding,
		/// A job's input is inline or by content, not both.
		InputTwice,
		/// Input content is limited to 256 MiB.
		ContentTooLarge,
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
			assert!(
				Pallet::<T>::longest_job(&T::DefaultParams::get())
					< T::Providers::unbonding_period(),
				"a provider could unbond and withdraw before its job is settled"
			);
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
			Self::do_submit(who, spec, Room::Open).map(|_| ())
		}

		/// Commits to a result of an assigned job: `commitment` is
		/// `H(result_hash ‖ provider ‖ job ‖ salt)`. Signed by the provider's operator key.
		/// Free when valid.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::commit())]
		#[pallet::feeless_if(|origin: &OriginFor<T>, job: &JobId, _c: &H256| -> bool {
			ensure_signed(origin.clone())
				.is_ok_and(|operator| Pallet::<T>::check_commit(&operator, *job).is_ok())
		})]
		pub fn commit(origin: OriginFor<T>, job: JobId, commitment: H256) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			Self::do_commit(operator, job, commitment)
		}

		/// Reveals the committed result: its hash, the salt, run metadata, and the output
		/// itself when it is at most `MaxInlineOutput` bytes. Signed by the provider's
		/// operator key. Free when valid. The last reveal due decides the job in the same
		/// call; it is charged for that, the others are refunded the settlement's weight.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::reveal().saturating_add(
			Pallet::<T>::decision_weight(T::MaxReplicas::get())
		))]
		#[pallet::feeless_if(|origin: &OriginFor<T>, job: &JobId, hash: &H256, salt: &[u8; 32], meta: &ResultMeta, output: &Option<BoundedVec<u8, T::MaxInlineOutput>>| -> bool {
			ensure_signed(origin.clone()).is_ok_and(|operator| {
				Pallet::<T>::check_reveal(&operator, *job, hash, salt, meta, output).is_ok()
			})
		})]
		pub fn reveal(
			origin: OriginFor<T>,
			job: JobId,
			result_hash: H256,
			salt: [u8; 32],
			meta: ResultMeta,
			inline_output: Option<BoundedVec<u8, T::MaxInlineOutput>>,
		) -> DispatchResultWithPostInfo {
			let operator = ensure_signed(origin)?;
			let decided = Self::do_reveal(operator, job, result_hash, salt, meta, inline_output)?;
			let mut weight = T::WeightInfo::reveal();
			if let Some(replicas) = decided {
				weight.saturating_accrue(Self::decision_weight(replicas));
			}
			Ok(Some(weight).into())
		}

		/// Cancels a job before any provider committed. Before assignment the whole escrow
		/// returns; after it, each assigned provider is paid `error_fee` for its time and the
		/// fee goes to the treasury.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::cancel())]
		pub fn cancel(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel(who, job)
		}

		/// Removes a finished job's data and returns its storage deposit. The result
		/// stays in the events.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::clear())]
		pub fn clear(origin: OriginFor<T>, job: JobId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_clear(who, job)
		}

		/// Sets the protocol parameters. `GovernanceOrigin` only.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: JobParamsOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
			// A chain started with longer jobs than that (development presets, with
			// minute-long unbonding) may keep them, not lengthen them.
			let longest = Self::longest_job(&params);
			ensure!(
				longest < T::DelegationUnbonding::get()
					|| longest <= Self::longest_job(&Params::<T>::get()),
				Error::<T>::OutlastsDelegationUnbonding
			);
			Params::<T>::put(&params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}
