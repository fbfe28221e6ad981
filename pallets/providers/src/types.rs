//! Domain types of the providers pallet: what a provider declares about its device, the
//! record the chain keeps about it, the governance-tunable parameters, and what a job may
//! require of a provider.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use sp_runtime::{traits::Zero, Perbill, Saturating};

/// Longest vendor or device name a provider may declare, in bytes (OpenCL names are far
/// shorter in practice).
pub const MAX_NAME_LEN: u32 = 64;

/// Most unbonding requests a provider may have in flight at once.
pub const MAX_UNLOCKING_CHUNKS: u32 = 8;

/// Highest reputation score. New providers start at half of it.
pub const MAX_REPUTATION: u32 = 1_000;

/// Reputation of a newly registered provider: the middle of the scale.
pub const INITIAL_REPUTATION: u32 = MAX_REPUTATION / 2;

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
pub struct UnlockChunk<Balance, BlockNumber> {
	/// Amount being unbonded.
	pub value: Balance,
	/// First block at which it may be withdrawn.
	pub unlock_at: BlockNumber,
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

/// The chain's record of a provider.
#[derive(Clone, Encode, Decode, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq)]
pub struct ProviderInfo<AccountId, Balance, BlockNumber> {
	/// The hot key that signs this provider's commitments and reveals.
	pub operator: AccountId,
	/// The declared device.
	pub capabilities: Capabilities,
	/// Active bond: counts for selection weight and is slashed first.
	pub bond: Balance,
	/// Bond being unbonded: still held and slashable until withdrawn.
	pub unlocking: BoundedVec<UnlockChunk<Balance, BlockNumber>, ConstU32<MAX_UNLOCKING_CHUNKS>>,
	/// Reputation, `0..=MAX_REPUTATION`.
	pub reputation: u32,
	/// Paused by the provider: no new jobs.
	pub paused: bool,
	/// Jobs assigned and not yet settled.
	pub active_jobs: u16,
	/// Where it is in the candidate index, if it can receive new jobs.
	pub listing: Option<Listing>,
}

impl<AccountId, Balance: Saturating + Zero + Copy, BlockNumber>
	ProviderInfo<AccountId, Balance, BlockNumber>
{
	/// Everything held for this provider: active bond plus unlocking chunks.
	pub fn total_held(&self) -> Balance {
		self.unlocking.iter().fold(self.bond, |acc, c| acc.saturating_add(c.value))
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
