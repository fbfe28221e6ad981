//! Domain types of the providers pallet: what a provider declares about its device, the
//! record the chain keeps about it, the governance-tunable parameters, and what a job may
//! require of a provider.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::{ConstU32, Get},
	BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::{traits::Zero, Perbill, Saturating};

/// Longest vendor or device name a provider may declare, in bytes (OpenCL names are far
/// shorter in practice).
pub const MAX_NAME_LEN: u32 = 64;

/// Highest reputation score. New providers start at half of it.
pub const MAX_REPUTATION: u32 = 1_000;

/// Reputation of a newly registered provider: the middle of the scale.
pub const INITIAL_REPUTATION: u32 = MAX_REPUTATION / 2;

/// Width of a reputation tier in [`KindStat`]: eleven tiers, `0..=MAX_REPUTATION`.
pub const REPUTATION_TIER: u32 = 100;

/// Number of memory tiers in [`KindStat`]: tier `t` holds `2^t..2^(t+1)` MiB.
pub const MEMORY_TIERS: usize = 32;

/// Number of reputation tiers in [`KindStat`].
pub const REPUTATION_TIERS: usize = (MAX_REPUTATION / REPUTATION_TIER) as usize + 1;

/// A vendor or device name, UTF-8 by convention, at most [`MAX_NAME_LEN`] bytes.
pub type Name = BoundedVec<u8, ConstU32<MAX_NAME_LEN>>;

pub use depin_compute_primitives::{DeviceClass, DeviceKind, OpenClVersion};

/// What a provider declares about the device it sells. The chain cannot verify it; wrong
/// declarations surface as wrong or missing results, which are slashed.
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
pub struct Capabilities {
	/// The kind of device.
	pub kind: DeviceKind,
	/// Vendor name as OpenCL reports it.
	pub vendor: Name,
	/// Device name as OpenCL reports it.
	pub device: Name,
	/// Supported OpenCL version.
	pub opencl_version: OpenClVersion,
	/// Global memory of the device, in MiB.
	pub memory_mib: u32,
	/// Compute units of the device.
	pub compute_units: u32,
	/// How many jobs the provider accepts at once. At least 1.
	pub max_concurrent_jobs: u16,
	/// Fingerprint of the device class.
	pub device_class: DeviceClass,
}

/// Part of a bond on its way out: it stays on hold (and slashable) until `unlock_at`.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct UnbondingChunk<Balance, BlockNumber> {
	/// Amount being unbonded.
	pub value: Balance,
	/// First block at which it may be withdrawn.
	pub unlock_at: BlockNumber,
}

/// A provider's device queue as the chain plans it. A provider node's executor runs one
/// task at a time, in the order the chain assigned them (its off-chain worker dispatches
/// them in that order), and a task may use its whole compute budget from the moment it
/// starts. The chain therefore gives a provider a job only if everything assigned before
/// it, and the job itself, can be computed before the job's commit window ends
/// ([`Workload::due`]); an honest provider is never a no-show because of the chain's own
/// scheduling.
#[derive(
	Clone,
	Copy,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct DeviceQueue<BlockNumber> {
	/// The block by which every task assigned so far is computed, at the latest.
	pub busy_until: BlockNumber,
	/// Compute blocks assigned since registration, never decreasing: a task's place in the
	/// queue is this count just after it was assigned (see [`DeviceQueue::assign`]).
	pub assigned_blocks: u64,
}

impl<BlockNumber> DeviceQueue<BlockNumber>
where
	BlockNumber: Copy + Ord + Saturating + From<u32>,
{
	/// When a task of `blocks` compute blocks assigned at `now` would be computed.
	pub fn done_by(&self, now: BlockNumber, blocks: u32) -> BlockNumber {
		self.busy_until.max(now).saturating_add(blocks.into())
	}

	/// Adds a task of `blocks` compute blocks at `now`; returns its place in the queue.
	pub fn assign(&mut self, now: BlockNumber, blocks: u32) -> u64 {
		self.busy_until = self.done_by(now, blocks);
		self.assigned_blocks = self.assigned_blocks.saturating_add(blocks.into());
		self.assigned_blocks
	}

	/// The task at `place` was computed by `now` (its commitment landed). Tasks run in
	/// order, so everything before it is computed too, and what comes after it needs at
	/// most the compute blocks assigned after it, from `now` on: every one of those was
	/// assigned by `now`. Tasks that were cancelled still count (the executor may run them).
	pub fn computed(&mut self, now: BlockNumber, place: u64) {
		let after = self.assigned_blocks.saturating_sub(place);
		let after = BlockNumber::from(u32::try_from(after).unwrap_or(u32::MAX));
		self.busy_until = self.busy_until.min(now.saturating_add(after));
	}
}

/// What a replica of a job asks of the provider that takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workload<Balance, BlockNumber> {
	/// What the job pays the provider: counts against its exposure cap.
	pub price: Balance,
	/// Blocks of compute the job may take (its compute budget, rounded up).
	pub compute_blocks: u32,
	/// The end of the job's commit window: its result must be computed before.
	pub due: BlockNumber,
}

/// Where a listed provider sits in the candidate index.
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
pub struct Listing {
	/// Slot in the bucket of its device kind.
	pub kind_slot: u32,
	/// Slot in the bucket of its device class.
	pub class_slot: u32,
}

/// Where the sweep that brings every provider's counted stake in line with the parameters
/// in force resumes ([`crate::Recount`]).
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub enum RecountFrom<AccountId> {
	/// At the registry's first provider.
	Start,
	/// After this provider.
	After(AccountId),
}

/// The chain's record of a provider.
#[derive(
	CloneNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound, PartialEqNoBound, EqNoBound,
)]
#[scale_info(skip_type_params(MaxChunks))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Balance: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub struct ProviderInfo<AccountId, Balance, BlockNumber, MaxChunks: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// The hot key that signs this provider's commitments and reveals.
	pub operator: AccountId,
	/// The declared device.
	pub capabilities: Capabilities,
	/// Active bond: counts for selection weight and is slashed first.
	pub bond: Balance,
	/// Bond being unbonded: still held and slashable until withdrawn, at most
	/// [`crate::Config::MaxUnbondingChunks`] requests at once.
	pub unbonding: BoundedVec<UnbondingChunk<Balance, BlockNumber>, MaxChunks>,
	/// Reputation, `0..=MAX_REPUTATION`.
	pub reputation: u32,
	/// Paused by the provider: no new jobs.
	pub paused: bool,
	/// Jobs assigned and not yet settled.
	pub active_jobs: u16,
	/// What those jobs pay it (their price per replica, together): the work its bond
	/// must back, at most `max_exposure_percent` of the active bond when a job is added.
	pub exposure: Balance,
	/// Stake its delegators have active behind it (kept by the delegation pallet): with
	/// the active bond, up to `max_counted_stake`, it weighs the provider in selection.
	pub delegated: Balance,
	/// Where it is in the candidate index, if it can receive new jobs.
	pub listing: Option<Listing>,
	/// Its device's queue of assigned tasks, as the chain plans it.
	pub queue: DeviceQueue<BlockNumber>,
}

impl<AccountId, Balance, BlockNumber, MaxChunks>
	ProviderInfo<AccountId, Balance, BlockNumber, MaxChunks>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Saturating + Zero + Copy + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxChunks: Get<u32>,
{
	/// Everything held for this provider: active bond plus unbonding chunks.
	pub fn total_held(&self) -> Balance {
		self.unbonding.iter().fold(self.bond, |acc, c| acc.saturating_add(c.value))
	}
}

/// Protocol parameters of the providers pallet, set by governance.
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
pub struct ProviderParams<Balance, BlockNumber> {
	/// Smallest active bond with which a provider receives jobs.
	pub min_bond: Balance,
	/// Blocks between `unbond` and the moment the funds may be withdrawn.
	pub unbonding_period: BlockNumber,
	/// Share of a provider's held bond slashed for a revealed result that lost the vote.
	pub slash_wrong_result: Perbill,
	/// Share of a provider's held bond slashed for not committing or not revealing.
	pub slash_no_show: Perbill,
	/// Reputation gained for a result that agreed with the majority.
	pub reputation_gain: u32,
	/// Reputation lost for a result that lost the vote.
	pub reputation_loss_wrong: u32,
	/// Reputation lost for a no-show.
	pub reputation_loss_no_show: u32,
	/// What a provider's unfinished jobs may pay it together, in percent of its active
	/// bond (100: work worth the bond). Selection skips a provider that a job would take
	/// past it, so that a small bond cannot back any amount of work.
	pub max_exposure_percent: u32,
	/// Least listed providers in a device class for it to take class-pinned jobs.
	pub min_class_providers: u32,
	/// Least active bond, over a class's listed providers together, for it to take
	/// class-pinned jobs: an invented class costs real bond before it can hold every
	/// replica of a job.
	pub min_class_bond: Balance,
	/// Most stake (active bond plus delegated) that counts for a provider's selection
	/// weight and stake income: beyond it, capital buys no more work.
	pub max_counted_stake: Balance,
}

/// What a job requires of the providers it is assigned to.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct Requirements {
	/// The kind of device.
	pub kind: DeviceKind,
	/// Least global memory, in MiB.
	pub min_memory_mib: u32,
	/// Least reputation, `0..=MAX_REPUTATION`.
	pub min_reputation: u32,
	/// Every replica on the same device class (for kernels whose results are only exact
	/// within one class, such as floating point).
	pub same_device_class: bool,
}

/// How many listed providers of one device kind have each size of memory *and* each level
/// of reputation together: enough to tell, in one storage read, whether enough listed
/// providers meet both of a job's minimums at once
/// ([`crate::ProviderRegistry::can_meet`]). Counting the two apart would accept a job that
/// asks the memory of some providers and the reputation of others, which no provider can
/// take.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct KindStat {
	/// `listed[m][r]` listed providers have memory in tier `m` (`2^m..2^(m+1)` MiB) and
	/// reputation in tier `r` (`r × REPUTATION_TIER..(r + 1) × REPUTATION_TIER`).
	pub listed: [[u32; REPUTATION_TIERS]; MEMORY_TIERS],
}

impl Default for KindStat {
	fn default() -> Self {
		Self { listed: [[0; REPUTATION_TIERS]; MEMORY_TIERS] }
	}
}

/// The memory tier of `mib`: `⌊log2(mib)⌋` (0 for 0 and 1).
pub fn memory_tier(mib: u32) -> usize {
	mib.checked_ilog2().unwrap_or(0) as usize
}

/// The reputation tier of `reputation`, capped at the last.
pub fn reputation_tier(reputation: u32) -> usize {
	((reputation / REPUTATION_TIER) as usize).min(REPUTATION_TIERS - 1)
}

/// The lowest memory tier whose every provider has at least `mib` MiB (tier 0 holds
/// devices declaring 0 MiB, so 1 MiB needs tier 1); `MEMORY_TIERS` if none.
fn least_memory_tier(mib: u32) -> usize {
	match mib {
		0 => 0,
		1 => 1,
		// ⌈log2(mib)⌉: the tier that starts at the next power of two.
		_ => (u32::BITS - (mib - 1).leading_zeros()) as usize,
	}
}

/// The lowest reputation tier whose every provider has at least `reputation`.
fn least_reputation_tier(reputation: u32) -> usize {
	reputation.div_ceil(REPUTATION_TIER) as usize
}

impl KindStat {
	/// Counts (`add`) or uncounts a listed provider with these tiers.
	pub fn count(&mut self, memory_tier: usize, reputation_tier: usize, add: bool) {
		if let Some(n) =
			self.listed.get_mut(memory_tier).and_then(|row| row.get_mut(reputation_tier))
		{
			*n = if add { n.saturating_add(1) } else { n.saturating_sub(1) };
		}
	}

	/// Whether no provider is counted.
	pub fn is_empty(&self) -> bool {
		self.listed.iter().flatten().all(|n| *n == 0)
	}

	/// Whether at least `replicas` listed providers each meet both of `req`'s minimums.
	/// Only whole tiers count: those whose every provider has at least `min_memory_mib`
	/// and at least `min_reputation`. A job accepted here has enough listed providers
	/// that can take it; a job whose minimums fall inside a tier is refused unless the
	/// tiers above suffice (a submitter asks for a tier's floor, a power of two MiB or a
	/// multiple of [`REPUTATION_TIER`], to count the whole tier).
	pub fn may_meet(&self, req: &Requirements, replicas: u32) -> bool {
		let memory = least_memory_tier(req.min_memory_mib);
		let reputation = least_reputation_tier(req.min_reputation);
		let meeting = self
			.listed
			.iter()
			.skip(memory)
			.flat_map(|row| row.iter().skip(reputation))
			.fold(0u32, |n, c| n.saturating_add(*c));
		meeting >= replicas
	}
}

/// Why a provider was slashed.
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
pub enum SlashReason {
	/// Revealed a result that lost the vote.
	WrongResult,
	/// Did not commit in time.
	NoShow,
	/// Committed, then kept the result back. Slashed like a wrong result, so that waiting
	/// to see how the vote goes is never cheaper than revealing a wrong answer.
	Withheld,
}
