//! Domain types of the jobs pallet: what a submitter asks for, what the chain keeps about a
//! job while it runs, and what providers attest.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound,
	PartialEqNoBound,
};
use pallet_providers::{DeviceClass, Requirements};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::Perbill;

/// A job's id (assigned in submission order), its kernel and the built-in kernels'
/// parameters are the compute primitives' own: the runtime, its off-chain worker, clients
/// and the node's executor share them.
pub use depin_compute_primitives::{
	content::ContentId,
	kernels::{
		Conv2dParams, MatMulParams, MonteCarloParams, QuantizedNetParams, Sha256BatchParams,
	},
	BuiltinKernel, JobId, Kernel,
};

/// What a submitter asks for.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxSource, MaxEntry, MaxInput))]
#[codec(mel_bound(Balance: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub struct JobSpec<
	Balance,
	BlockNumber,
	MaxSource: Get<u32>,
	MaxEntry: Get<u32>,
	MaxInput: Get<u32>,
> where
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// The code to run.
	pub kernel: Kernel<MaxSource, MaxEntry>,
	/// Input bytes, stored on-chain until the job is cleared.
	pub input: BoundedVec<u8, MaxInput>,
	/// Input too large for a transaction, by content (a Merkle root over 1 MiB chunks and
	/// the length, at most 256 MiB): providers' nodes fetch it from the peers that hold it,
	/// the submitter's own node first (upload it there with `compute_dataBegin`,
	/// `compute_dataWrite`, `compute_dataFinish`). `input` must then be empty. Data the
	/// submitter withholds is the agreed error `DataUnavailable` (8): the providers' time
	/// is paid from the escrow, nobody is slashed.
	pub input_content: Option<ContentId>,
	/// Global work size in up to three dimensions (unused dimensions are 1).
	pub work_size: [u32; 3],
	/// Length of the output in bytes.
	pub output_len: u32,
	/// How many providers compute it (`1..=MaxReplicas`).
	pub replicas: u8,
	/// What the providers must offer.
	pub requirements: Requirements,
	/// What each agreeing replica is paid.
	pub price_per_replica: Balance,
	/// Blocks the providers have to compute and commit, counted from assignment.
	pub deadline: BlockNumber,
	/// Wall time, in milliseconds, a provider spends building and running the kernel
	/// before it stops and attests that the job ran past its budget (`BudgetExceeded`,
	/// paid as time, never slashed). At most `max_compute_budget_ms`, and at most
	/// `compute_ms_per_block` per block of the deadline.
	pub compute_budget_ms: u32,
}

/// Where a job is in its life.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub enum JobStatus<BlockNumber> {
	/// Waiting in the assignment queue (new, or escalated with one more replica).
	Queued,
	/// Assigned; providers compute and commit until `until`.
	Committing { until: BlockNumber },
	/// Providers reveal until `until`.
	Revealing { until: BlockNumber },
	/// A quorum agreed on an output.
	Completed,
	/// A quorum agreed that the kernel failed with this error code.
	Failed { code: u32 },
	/// No quorum could be reached (or no providers were found); the escrow was refunded.
	Unresolved,
	/// Cancelled by the submitter before any commitment.
	Cancelled,
}

impl<BlockNumber: Copy> JobStatus<BlockNumber> {
	/// Whether the job is over and its escrow settled.
	pub fn is_finished(&self) -> bool {
		matches!(self, Self::Completed | Self::Failed { .. } | Self::Unresolved | Self::Cancelled)
	}

	/// The block at which the current phase ends, for a committing or revealing job: where
	/// the job stands in the deadline schedule.
	pub fn phase_end(&self) -> Option<BlockNumber> {
		match self {
			Self::Committing { until } | Self::Revealing { until } => Some(*until),
			_ => None,
		}
	}
}

/// What a provider reports about its run, next to the result hash.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct ResultMeta {
	/// Wall time of the kernel run, in milliseconds.
	pub exec_ms: u32,
	/// Length of the output in bytes (0 for an error).
	pub output_len: u32,
	/// Device class the provider ran on.
	pub device_class: DeviceClass,
	/// Error code when the kernel failed to build or run (its result hash is then
	/// [`error_result_hash`] of it).
	pub error_code: Option<u32>,
}

/// A replica's progress.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub enum ReplicaState {
	/// Assigned, nothing heard yet.
	Assigned,
	/// Committed to a hidden result.
	Committed { commitment: H256 },
	/// Revealed its result.
	Revealed { result_hash: H256, meta: ResultMeta },
	/// Let its commit window pass without committing: out of the job (it cannot commit in
	/// a later round, when earlier reveals are public), a no-show at settlement.
	Missed,
}

/// One provider's share of a job.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct Replica<AccountId> {
	/// The provider assigned.
	pub provider: AccountId,
	/// Its device class at assignment.
	pub device_class: DeviceClass,
	/// Its progress.
	pub state: ReplicaState,
}

/// How a finished job's escrow was split. `paid + fee + refunded` equals the escrow.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct Settlement<Balance> {
	/// Paid to agreeing providers.
	pub paid: Balance,
	/// Protocol fee, to the treasury.
	pub fee: Balance,
	/// Returned to the submitter.
	pub refunded: Balance,
}

/// The chain's record of a job (its input and kernel are in [`JobPayload`]).
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxReplicas, MaxInline))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Balance: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub struct Job<AccountId, Balance, BlockNumber, MaxReplicas: Get<u32>, MaxInline: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// Who pays and gets the result.
	pub submitter: AccountId,
	/// Replicas requested.
	pub replicas: u8,
	/// Requirements on providers.
	pub requirements: Requirements,
	/// Output length in bytes.
	pub output_len: u32,
	/// The job's compute budget, in milliseconds of wall time: what a provider's device
	/// may spend on it, and what the chain plans on its device's queue.
	pub compute_budget_ms: u32,
	/// Price per agreeing replica.
	pub price_per_replica: Balance,
	/// Commit window in blocks.
	pub deadline: BlockNumber,
	/// Escrow held: `replicas × price + fee`.
	pub escrow: Balance,
	/// Protocol fee included in the escrow.
	pub fee: Balance,
	/// Storage deposit still held, returned when the job is cleared: what the submission
	/// held, less what the job paid for waiting in the queue (`queue_paid`).
	pub deposit: Balance,
	/// What the job paid the treasury, out of its deposit, for the assignment rounds it
	/// waited through in the queue (`queue_fee_per_round` each).
	pub queue_paid: Balance,
	/// Block of submission.
	pub submitted_at: BlockNumber,
	/// Where the job is.
	pub status: JobStatus<BlockNumber>,
	/// Blocks spent waiting for providers in the queue.
	pub queued_for: u32,
	/// Providers assigned so far (escalation adds one at a time).
	pub assigned: BoundedVec<Replica<AccountId>, MaxReplicas>,
	/// The agreed result hash, once decided.
	pub result_hash: Option<H256>,
	/// The agreed output, when it is at most `MaxInlineOutput` bytes.
	pub output: Option<BoundedVec<u8, MaxInline>>,
	/// How the escrow was split, once finished.
	pub settlement: Option<Settlement<Balance>>,
}

/// Protocol parameters of the jobs pallet, set by governance.
#[derive(
	Clone,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct JobParams<Balance, BlockNumber> {
	/// Protocol fee, as a share of `replicas × price`, to the treasury.
	pub fee: Perbill,
	/// Least price per replica.
	pub min_price: Balance,
	/// Shortest commit window a submitter may ask for.
	pub min_deadline: BlockNumber,
	/// Longest commit window a submitter may ask for.
	pub max_deadline: BlockNumber,
	/// Blocks the committed providers have to reveal.
	pub reveal_window: BlockNumber,
	/// Paid to each agreeing provider when the quorum agrees on an error code.
	pub error_fee: Balance,
	/// Longest compute budget a job may declare, in milliseconds. Provider nodes must
	/// allow a task at least this long (the node's `--compute-time-limit`), or they miss
	/// the commit window of jobs that use it.
	pub max_compute_budget_ms: u32,
	/// Compute budget each block of a job's commit window allows, in milliseconds: a
	/// budget must end early enough in the window for the provider to commit after it.
	pub compute_ms_per_block: u32,
	/// Storage deposit per job.
	pub deposit_base: Balance,
	/// Storage deposit per stored byte (input and kernel).
	pub deposit_per_byte: Balance,
	/// Blocks a job waits in the queue for providers before it expires (its fee goes to the
	/// treasury, the rest of the escrow returns).
	pub max_queue_blocks: u32,
	/// What a job pays, out of its storage deposit, for each assignment round it waits
	/// through in the queue before its first assignment: a place in the queue costs in
	/// proportion to the time it is held. At most `deposit_base / max_queue_blocks`, so that
	/// the deposit covers the longest wait.
	pub queue_fee_per_round: Balance,
}

/// The result hash of an output (its root as content: see
/// [`depin_compute_primitives::content::output_hash`]).
pub use depin_compute_primitives::content::output_hash;

/// The result hash of a run that failed with `code`: every honest provider computes the
/// same one, so that a broken kernel is agreed on rather than blamed on providers.
pub fn error_result_hash(code: u32) -> H256 {
	H256(sp_io::hashing::blake2_256(&(b"depin:kernel-error", code).encode()))
}

/// The commitment to a result: binds the result to the provider and the job, hidden by a
/// salt, so that copying another provider's commitment is useless. It binds the provider
/// rather than its operator key, so that a key rotated between commit and reveal
/// (`providers.set_operator`) still opens what the old key committed.
pub fn commitment<AccountId: Encode>(
	result_hash: &H256,
	provider: &AccountId,
	job: JobId,
	salt: &[u8; 32],
) -> H256 {
	H256(sp_io::hashing::blake2_256(&(result_hash, provider, job, salt).encode()))
}

/// What a job runs: kept apart from its [`Job`] record so that commits and reveals never
/// read the input.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(MaxSource, MaxEntry, MaxInput))]
#[codec(mel_bound())]
pub struct JobPayload<MaxSource: Get<u32>, MaxEntry: Get<u32>, MaxInput: Get<u32>> {
	/// The code to run.
	pub kernel: Kernel<MaxSource, MaxEntry>,
	/// Input bytes.
	pub input: BoundedVec<u8, MaxInput>,
	/// Input by content, fetched from peers.
	pub input_content: Option<ContentId>,
	/// Global work size of a source kernel (unused dimensions are 1).
	pub work_size: [u32; 3],
}

/// The next job id and the assignment queue.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	DefaultNoBound,
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxQueueLen))]
#[codec(mel_bound())]
pub struct SubmissionQueue<MaxQueueLen: Get<u32>> {
	/// The id the next job gets.
	pub next_id: JobId,
	/// Jobs waiting for assignment, oldest first.
	pub queue: BoundedVec<JobId, MaxQueueLen>,
}
