//! Domain types of the delegation pallet: a provider's pool, a member's record, the
//! unbonding buckets, the commission and the governance-tunable parameters.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use depin_interfaces::EraIndex;
use frame_support::{traits::Get, BoundedVec, CloneNoBound, DebugNoBound, PartialEqNoBound};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{Saturating, Zero},
	FixedU128, Perbill,
};

/// Income per point of a pool, accumulated since the pool began (`FixedU128`, 18 decimal
/// places, as `pallet-nomination-pools` keeps it).
pub type RewardCounter = FixedU128;

/// Part of a pool on its way out, unbonded in one era: it stays held and slashable until
/// `unbonding_eras` have passed. Members own it in points, so that a slash lowers its
/// `balance` in O(1) and each member's share with it.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct UnbondBucket<Balance> {
	/// The era in which it was unbonded.
	pub era: EraIndex,
	/// Points its members own together.
	pub points: Balance,
	/// What the points are worth.
	pub balance: Balance,
}

impl<Balance: Zero> Default for UnbondBucket<Balance> {
	fn default() -> Self {
		Self { era: 0, points: Zero::zero(), balance: Zero::zero() }
	}
}

/// A provider's commission: the share of its pool's income it keeps before the rest is
/// split between its own bond and its delegators.
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
	Default,
)]
pub struct Commission {
	/// The rate in force (until `pending` applies).
	pub current: Perbill,
	/// An announced increase: the rate, and the first era in which it applies.
	pub pending: Option<(Perbill, EraIndex)>,
	/// The era of the last announced increase: the next may come `increase_interval` eras
	/// later. A decrease leaves it as it is.
	pub last_increase: Option<EraIndex>,
}

impl Commission {
	/// The rate in force in `era`, at most `max` (governance may lower the maximum).
	pub fn in_effect(&self, era: EraIndex, max: Perbill) -> Perbill {
		let rate = match self.pending {
			Some((rate, from)) if era >= from => rate,
			_ => self.current,
		};
		rate.min(max)
	}

	/// Applies an announced increase whose era has come.
	pub fn settle(&mut self, era: EraIndex) {
		if let Some((rate, from)) = self.pending {
			if era >= from {
				self.current = rate;
				self.pending = None;
			}
		}
	}
}

/// A provider's pool: the stake delegated to it, in points, and the income owed to its
/// members and to the provider.
#[derive(
	CloneNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
	PartialEqNoBound,
)]
#[scale_info(skip_type_params(MaxBuckets))]
#[codec(mel_bound(Balance: MaxEncodedLen))]
pub struct Pool<Balance, MaxBuckets: Get<u32>>
where
	Balance: Clone + PartialEq + core::fmt::Debug,
{
	/// Points of the members' active stake, together.
	pub points: Balance,
	/// What the active points are worth: delegated stake, held and slashable.
	pub active: Balance,
	/// Members with a record in the pool: points, unbonding funds or unclaimed income.
	pub members: u32,
	/// Income per active point since the pool began.
	pub reward_counter: RewardCounter,
	/// Income booked to the members through the counter and not yet settled into their
	/// records: covers what the counter owes them (rounding leaves dust, never a debt).
	pub members_owed: Balance,
	/// Commission and the own bond's share of income, owed to the provider.
	pub provider_owed: Balance,
	/// The provider's commission.
	pub commission: Commission,
	/// Unbonding stake by era, oldest first.
	pub buckets: BoundedVec<UnbondBucket<Balance>, MaxBuckets>,
	/// Matured buckets merged together when `buckets` is full (no longer slashable).
	pub matured: UnbondBucket<Balance>,
}

impl<Balance, MaxBuckets: Get<u32>> Default for Pool<Balance, MaxBuckets>
where
	Balance: Clone + PartialEq + core::fmt::Debug + Zero,
{
	fn default() -> Self {
		Self {
			points: Zero::zero(),
			active: Zero::zero(),
			members: 0,
			reward_counter: RewardCounter::zero(),
			members_owed: Zero::zero(),
			provider_owed: Zero::zero(),
			commission: Commission::default(),
			buckets: BoundedVec::default(),
			matured: UnbondBucket::default(),
		}
	}
}

impl<Balance, MaxBuckets: Get<u32>> Pool<Balance, MaxBuckets>
where
	Balance: Clone + Copy + PartialEq + core::fmt::Debug + Zero + Saturating,
{
	/// Everything the pool account holds: active stake and every bucket.
	pub fn held(&self) -> Balance {
		self.buckets
			.iter()
			.fold(self.active.saturating_add(self.matured.balance), |acc, b| {
				acc.saturating_add(b.balance)
			})
	}

	/// Whether nothing refers to the pool any more: it may be removed.
	pub fn is_spent(&self) -> bool {
		self.members == 0
			&& self.held().is_zero()
			&& self.members_owed.is_zero()
			&& self.provider_owed.is_zero()
			&& self.commission == Commission::default()
	}
}

/// A token holder's delegation: to one provider at a time.
#[derive(
	CloneNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	DebugNoBound,
	PartialEqNoBound,
)]
#[scale_info(skip_type_params(MaxChunks))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Balance: MaxEncodedLen))]
pub struct Member<AccountId, Balance, MaxChunks: Get<u32>>
where
	AccountId: Clone + PartialEq + core::fmt::Debug,
	Balance: Clone + PartialEq + core::fmt::Debug,
{
	/// The provider whose pool it is in.
	pub provider: AccountId,
	/// Its active points.
	pub points: Balance,
	/// The pool's reward counter when its income was last settled.
	pub last_counter: RewardCounter,
	/// Income settled and not yet claimed.
	pub unclaimed: Balance,
	/// Points in unbonding buckets, by the era they were unbonded in.
	pub unbonding: BoundedVec<(EraIndex, Balance), MaxChunks>,
}

/// Protocol parameters of the delegation pallet, set by governance.
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
pub struct DelegationParams<Balance> {
	/// Least a member keeps active in a pool (or nothing), and least a first delegation.
	pub min_delegation: Balance,
	/// Most a provider's delegators may have active behind it, as a multiple of its own
	/// active bond.
	pub max_delegation_ratio: u32,
	/// Highest commission a provider may set.
	pub max_commission: Perbill,
	/// Eras between `unbond` and the moment the funds may be withdrawn.
	pub unbonding_eras: EraIndex,
	/// Least eras between two announced commission increases.
	pub commission_increase_interval: EraIndex,
}

/// A pool as clients see it ([`crate::Pallet::pool_state`]).
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct PoolState<Balance> {
	/// Points of the active stake.
	pub points: Balance,
	/// Delegated stake, active.
	pub active: Balance,
	/// Delegated stake unbonding (still slashable, or matured and not yet withdrawn).
	pub unbonding: Balance,
	/// Members.
	pub members: u32,
	/// Commission in force now.
	pub commission: Perbill,
	/// An announced commission and the era it applies from.
	pub pending_commission: Option<(Perbill, EraIndex)>,
	/// Income owed to the provider (commission and own bond's share).
	pub provider_owed: Balance,
}

/// A member as clients see it ([`crate::Pallet::member_state`]).
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct MemberState<AccountId, Balance> {
	/// The provider it delegates to.
	pub provider: AccountId,
	/// What its active points are worth.
	pub active: Balance,
	/// What its unbonding points are worth, with the era each may be withdrawn from.
	pub unbonding: alloc::vec::Vec<(EraIndex, Balance)>,
	/// Income it may claim now.
	pub pending_rewards: Balance,
}
