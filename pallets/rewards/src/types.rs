//! Domain types of the rewards pallet: the governance-tunable parameters, an era's
//! accounts, and a provider's place in the stake-income index.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use depin_interfaces::EraIndex;
use scale_info::TypeInfo;
use sp_runtime::{FixedU128, Perbill};

/// Protocol parameters of the rewards pallet, set by governance.
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
pub struct RewardParams<Balance, BlockNumber> {
	/// Blocks per era.
	pub era_length: BlockNumber,
	/// Yearly emission, as a share of total issuance.
	pub inflation: Perbill,
	/// Share of each era's emission that pays verified work.
	pub work_share: Perbill,
	/// Share of each era's emission that pays stake. The treasury receives the rest.
	pub stake_share: Perbill,
	/// Share of a user job's protocol fee its agreeing replicas are credited together
	/// (below 100 %: paying oneself for a job never earns what it costs).
	pub user_work_rate: Perbill,
	/// Least replicas a user job needs for its work to count.
	pub min_work_replicas: u8,
	/// Audit jobs the chain issues at the start of each era.
	pub audits_per_era: u32,
	/// Replicas of each audit job (at least 3).
	pub audit_replicas: u8,
	/// Credited to each replica that agrees on an audit's result.
	pub audit_reward: Balance,
}

/// An era's accounts. Invariants: while it runs,
/// `minted == work_budget + stake_budget + treasury + unspent`; once it is closed (its
/// unspent work budget and stake stream move to `unspent`),
/// `minted == work_paid + stake + treasury + unspent`; always `work_paid <= work_budget`
/// and `stake <= stake_budget`.
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
	Default,
)]
pub struct EraInfo<Balance, BlockNumber> {
	/// The era's number.
	pub index: EraIndex,
	/// Its first block.
	pub start: BlockNumber,
	/// Minted into the reward pot at its start.
	pub minted: Balance,
	/// What verified work may be paid in it.
	pub work_budget: Balance,
	/// Paid for verified work (credited to pools, and audit jobs' escrow).
	pub work_paid: Balance,
	/// The era's stake share: released to the stake-income index block by block over the
	/// era, so that stake earns for the blocks it was listed, not for being listed at one
	/// block.
	pub stake_budget: Balance,
	/// Released to the stake-income index so far (owed to providers).
	pub stake: Balance,
	/// Sent to the treasury at its start.
	pub treasury: Balance,
	/// Not paid out (work budget left over, the stake stream of blocks when nothing was
	/// staked, rounding), sent to the treasury when the era closes.
	pub unspent: Balance,
	/// Surplus of the pot (audit refunds and deposits returning) swept to the treasury
	/// when the era closed; not part of this era's mint.
	pub swept: Balance,
}

/// Where a provider stands in the stake-income index.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct StakeCursor<Balance> {
	/// Its counted stake, as last reported by the providers pallet.
	pub counted: Balance,
	/// The index when its income was last booked.
	pub index: FixedU128,
}

/// The current era, for clients ([`crate::Pallet::era_state`]).
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct EraState<Balance, BlockNumber> {
	/// The era and its accounts so far.
	pub era: EraInfo<Balance, BlockNumber>,
	/// The first block of the next era.
	pub next_era_at: BlockNumber,
	/// Stake counted for stake income, over every provider.
	pub total_counted: Balance,
}
