//! The DAO's domain types: votes of each house, their locks, the two-house tally and the
//! rules by which a track combines the houses.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::marker::PhantomData;
use frame_support::{traits::Get, BoundedVec};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

/// How long a token-house vote keeps its capital locked after its poll ends, when the
/// vote was on the winning side, and what that lock multiplies its weight by. The
/// multiplier is capped at 3×: beyond it, a longer lock buys nothing.
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
pub enum VoteLock {
	/// Locked while the vote stands only: 1×.
	#[default]
	None,
	/// One locking period after the poll: 1.5×.
	OnePeriod,
	/// Two periods: 2×.
	TwoPeriods,
	/// Four periods: 2.5×.
	FourPeriods,
	/// Eight periods: 3×, the most.
	EightPeriods,
}

impl VoteLock {
	/// Locking periods after the poll.
	pub fn periods(self) -> u32 {
		match self {
			Self::None => 0,
			Self::OnePeriod => 1,
			Self::TwoPeriods => 2,
			Self::FourPeriods => 4,
			Self::EightPeriods => 8,
		}
	}

	/// Weight of `capital` voted with this lock: `capital × (2 + steps) / 2`, i.e. 1× to 3×.
	pub fn weigh<B: Saturating + Copy + From<u8> + core::ops::Div<Output = B>>(
		self,
		capital: B,
	) -> B {
		let halves: u8 = match self {
			Self::None => 2,
			Self::OnePeriod => 3,
			Self::TwoPeriods => 4,
			Self::FourPeriods => 5,
			Self::EightPeriods => 6,
		};
		capital.saturating_mul(B::from(halves)) / B::from(2)
	}
}

/// A token holder's vote on one poll. Its capital is the account's balance (free or on
/// hold) and its delegated stake, both locked while the vote stands.
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
pub enum TokenVote<Balance> {
	/// All of `capital` for or against, weighed by its lock.
	Standard {
		/// For (`true`) or against.
		aye: bool,
		/// The lock after the poll, and the weight it gives.
		lock: VoteLock,
		/// What the vote puts up.
		capital: Balance,
	},
	/// Capital split between for and against, 1× each, no lock after the poll.
	Split {
		/// Capital for.
		aye: Balance,
		/// Capital against.
		nay: Balance,
	},
	/// As `Split`, with capital that only adds to turnout (support).
	SplitAbstain {
		/// Capital for.
		aye: Balance,
		/// Capital against.
		nay: Balance,
		/// Capital that abstains.
		abstain: Balance,
	},
}

impl<Balance: Saturating + Copy + Zero + From<u8> + core::ops::Div<Output = Balance>>
	TokenVote<Balance>
{
	/// All the capital the vote puts up.
	pub fn capital(&self) -> Balance {
		match *self {
			Self::Standard { capital, .. } => capital,
			Self::Split { aye, nay } => aye.saturating_add(nay),
			Self::SplitAbstain { aye, nay, abstain } => {
				aye.saturating_add(nay).saturating_add(abstain)
			},
		}
	}

	/// The lock that follows the poll's end.
	pub fn lock(&self) -> VoteLock {
		match *self {
			Self::Standard { lock, .. } => lock,
			_ => VoteLock::None,
		}
	}

	/// What the vote adds to a house's tally.
	pub fn tally(&self) -> HouseTally<Balance> {
		match *self {
			Self::Standard { aye: true, lock, capital } => {
				HouseTally { ayes: lock.weigh(capital), nays: Zero::zero(), support: capital }
			},
			Self::Standard { aye: false, lock, capital } => {
				HouseTally { ayes: Zero::zero(), nays: lock.weigh(capital), support: Zero::zero() }
			},
			Self::Split { aye, nay } => HouseTally { ayes: aye, nays: nay, support: aye },
			Self::SplitAbstain { aye, nay, abstain } => {
				HouseTally { ayes: aye, nays: nay, support: aye.saturating_add(abstain) }
			},
		}
	}

	/// Whether the vote keeps its lock after a poll that ended `approved`: only a side
	/// that won is held to its lock, as in conviction voting.
	pub fn locks_after(&self, approved: bool) -> bool {
		matches!(*self, Self::Standard { aye, lock, .. } if aye == approved && lock != VoteLock::None)
	}
}

/// A provider's vote in the work house.
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
pub enum WorkVote {
	/// For.
	Aye,
	/// Against.
	Nay,
	/// Turnout only.
	Abstain,
}

impl WorkVote {
	/// What a vote of `weight` adds to the work house's tally.
	pub fn tally<Balance: Zero + Copy>(self, weight: Balance) -> HouseTally<Balance> {
		let zero = Zero::zero();
		match self {
			Self::Aye => HouseTally { ayes: weight, nays: zero, support: weight },
			Self::Nay => HouseTally { ayes: zero, nays: weight, support: zero },
			Self::Abstain => HouseTally { ayes: zero, nays: zero, support: weight },
		}
	}
}

/// How a token-house vote's capital is backed: the part of the voter's balance its votes
/// hold and the part that is delegated stake (which the delegation pallet keeps in place).
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
pub struct Backing<Balance> {
	/// Held on the voter's account for its votes ([`crate::HoldReason::Vote`]).
	pub held: Balance,
	/// Delegated stake.
	pub staked: Balance,
}

impl<Balance: Ord + Copy> Backing<Balance> {
	/// The larger of two backings, part by part: what covers both.
	pub fn max(self, other: Self) -> Self {
		Backing { held: self.held.max(other.held), staked: self.staked.max(other.staked) }
	}
}

/// A lock that outlives the votes it came from: kept after they are removed, until `until`.
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
pub struct PriorLock<Balance, BlockNumber> {
	/// What stays locked.
	pub backing: Backing<Balance>,
	/// The block from which it is free.
	pub until: BlockNumber,
}

/// A token holder's standing votes and what they lock.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq)]
#[scale_info(skip_type_params(MaxVotes))]
#[codec(mel_bound(PollIndex: MaxEncodedLen, Balance: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub struct TokenVoting<PollIndex, Balance, BlockNumber, MaxVotes: Get<u32>> {
	/// Votes by poll, in poll order, with the backing each was cast with.
	pub votes: BoundedVec<(PollIndex, TokenVote<Balance>, Backing<Balance>), MaxVotes>,
	/// What removed votes still lock.
	pub prior: PriorLock<Balance, BlockNumber>,
}

impl<P, B: Default, N: Default, M: Get<u32>> Default for TokenVoting<P, B, N, M> {
	fn default() -> Self {
		Self { votes: BoundedVec::default(), prior: PriorLock::default() }
	}
}

/// A provider's standing work-house vote on one poll, with the weight it was cast with.
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
pub struct WorkVoteRecord<Balance> {
	/// The vote.
	pub vote: WorkVote,
	/// Its weight: the provider's verified work when it voted.
	pub weight: Balance,
}

/// One house's count on a poll.
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
pub struct HouseTally<Votes> {
	/// Weight for.
	pub ayes: Votes,
	/// Weight against.
	pub nays: Votes,
	/// Turnout for and abstaining, without lock multipliers: measured against the house's
	/// electorate.
	pub support: Votes,
}

impl<Votes: Saturating + Copy> HouseTally<Votes> {
	/// Adds a vote's count.
	pub fn add(&mut self, other: &Self) {
		self.ayes = self.ayes.saturating_add(other.ayes);
		self.nays = self.nays.saturating_add(other.nays);
		self.support = self.support.saturating_add(other.support);
	}

	/// Takes a vote's count away.
	pub fn remove(&mut self, other: &Self) {
		self.ayes = self.ayes.saturating_sub(other.ayes);
		self.nays = self.nays.saturating_sub(other.nays);
		self.support = self.support.saturating_sub(other.support);
	}
}

impl<Votes: Copy + Zero + Into<u128>> HouseTally<Votes> {
	/// Ayes over ayes and nays; zero when nobody voted for or against.
	pub fn approval(&self) -> Perbill {
		let (ayes, nays): (u128, u128) = (self.ayes.into(), self.nays.into());
		let total = ayes.saturating_add(nays);
		if total == 0 {
			return Perbill::zero();
		}
		Perbill::from_rational(ayes, total)
	}

	/// Support over `electorate`; zero when the electorate is empty.
	pub fn support_of(&self, electorate: Votes) -> Perbill {
		let electorate: u128 = electorate.into();
		if electorate == 0 {
			return Perbill::zero();
		}
		Perbill::from_rational(self.support.into().min(electorate), electorate)
	}
}

/// What the tally needs to know of the chain: each house's electorate. The DAO pallet
/// implements it.
pub trait Houses<Votes> {
	/// Capital that could vote in the token house (the total issuance).
	fn token_electorate() -> Votes;
	/// Weight that could vote in the work house.
	fn work_electorate() -> Votes;
}

/// The two-house count of one poll, as referenda stores it.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
#[scale_info(skip_type_params(H))]
#[codec(mel_bound(Votes: MaxEncodedLen))]
pub struct Tally<Votes, H> {
	/// The token holders' count.
	pub token: HouseTally<Votes>,
	/// The providers' count.
	pub work: HouseTally<Votes>,
	#[codec(skip)]
	_houses: PhantomData<H>,
}

// By hand: derives would ask `H` (the pallet) to be `Clone`/`Eq` too.
impl<Votes: Clone, H> Clone for Tally<Votes, H> {
	fn clone(&self) -> Self {
		Self { token: self.token.clone(), work: self.work.clone(), _houses: PhantomData }
	}
}
impl<Votes: PartialEq, H> PartialEq for Tally<Votes, H> {
	fn eq(&self, other: &Self) -> bool {
		self.token == other.token && self.work == other.work
	}
}
impl<Votes: Eq, H> Eq for Tally<Votes, H> {}
impl<Votes: core::fmt::Debug, H> core::fmt::Debug for Tally<Votes, H> {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.debug_struct("Tally")
			.field("token", &self.token)
			.field("work", &self.work)
			.finish()
	}
}

impl<Votes, H> Tally<Votes, H> {
	/// A tally with these counts.
	pub fn from_houses(token: HouseTally<Votes>, work: HouseTally<Votes>) -> Self {
		Self { token, work, _houses: PhantomData }
	}
}

impl<Votes: Copy + Zero + Into<u128>, H> Tally<Votes, H> {
	/// Approval and support of a poll that needs both houses, given the electorates: the
	/// lower of the two houses' approvals and the lower of their supports, so a poll passes
	/// a track's curves only where each house on its own would.
	pub fn combined(&self, token_electorate: Votes, work_electorate: Votes) -> (Perbill, Perbill) {
		let token = (self.token.approval(), self.token.support_of(token_electorate));
		let work = (self.work.approval(), self.work.support_of(work_electorate));
		(token.0.min(work.0), token.1.min(work.1))
	}
}

/// The DAO's own parameters.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub struct DaoParams {
	/// Share of every transaction fee that goes to the treasury; the rest is burned.
	pub treasury_fee_share: Perbill,
}
