//! # DAO pallet
//!
//! The governance of the DePIN Compute Chain: a two-house tally for `pallet-referenda`,
//! the locks its votes put on funds and stake, and the origins its tracks dispatch with.
//! Referenda runs the proposal's life (deposits, preparing, deciding, confirming, curves),
//! the scheduler enacts it, the preimage pallet stores it; this pallet counts.
//!
//! ## Overview
//!
//! - **Token house.** Any account votes with capital ([`TokenVote`]): its free balance
//!   (put on hold while the vote stands, [`HoldReason::Vote`]; never funds another claim
//!   holds, such as a job's escrow or a bond) and its delegated stake (kept in its pool
//!   by the delegation pallet, [`depin_interfaces::VoteLocks`]). A vote may take a lock
//!   after its poll ([`VoteLock`]): the longer, the more it weighs, up to 3×. Split and
//!   abstaining votes count 1×. Support is capital for or abstaining over the total
//!   issuance.
//! - **Work house.** Registered providers, one vote each ([`WorkVote`]), weighed by their
//!   share of the verified work all providers were paid over recent eras ([`WorkHouse`]):
//!   what only computing for others earns. While its vote stands, a provider's bond stays
//!   at the minimum. Support is the shares for or abstaining over the whole house. A
//!   share is measured when the vote is cast, and again by anyone for a standing vote
//!   ([`Pallet::remeasure_provider_vote`]; see `work_house.rs`).
//! - **Every track needs both houses.** Referenda sees the lower of the two houses'
//!   approvals and the lower of their supports ([`Tally`]), so a poll passes only where
//!   each house on its own would pass the track's curves. No house passes anything alone:
//!   the work house's weight is cheap while no provider has recent work (every registered
//!   provider then weighs the same), so a track it could pass alone (cancelling and killing
//!   referenda was one) would belong to whoever registers a few providers; and a track the
//!   token house could pass alone (small spends, unless the providers vetoed, was one)
//!   would belong to whoever holds or borrows enough stake for one poll, against a house
//!   that must turn out to stop it. A track asks little of a house by a low support floor,
//!   never by leaving it out.
//! - **Origins** ([`Origin`]): one per kind of power, each the origin of one track:
//!   parameters, small and big spends (with caps), the validator set, runtime upgrades,
//!   cancelling referenda. [`Pallet::authorize_upgrade`] lets the upgrade track authorize
//!   a runtime's hash without any root power; anyone then applies the code with
//!   `system.apply_authorized_upgrade`.
//!
//! ## Locks
//!
//! The same capital may vote on many polls at once; it is locked for the largest of its
//! votes. Removing a vote while its poll is ongoing takes it off the tally and unlocks it
//! at once. After the poll, a vote on the winning side keeps its capital locked for its
//! lock's periods from the poll's end ([`PriorLock`]); removing it then unlocks in the
//! same call once that time has run, or [`Pallet::unlock`] does it later.
//!
//! ## Why a hold and not a freeze
//!
//! A freeze in `pallet-balances` constrains an account's total balance, funds on hold
//! included, so frozen vote capital could also be a job's escrow or a provider's bond: the
//! chain's payments out of those holds would then fail on the freeze, or the vote would
//! count funds already paid away. A hold is exclusive, so each unit backs one claim. The
//! cost to voters: capital on hold cannot pay transaction fees, so a voter keeps some free
//! balance for them (the existential deposit always stays free).
//!
//! ## Invariants (`try_state`)
//!
//! - Each ongoing poll's tally, per house, is the sum of the votes recorded on it.
//! - Every account's votes are backed: its vote hold covers what its standing votes and
//!   unexpired prior lock need; the stake part is what the delegation pallet reads.
//! - Every account's votes are sorted by poll and within `MaxVotes`.
//! - No poll is ongoing past its track's timeouts ([`ReferendaTimeouts`]).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod asset;
mod emergency;
mod invariants;
pub mod origins;
pub mod tally;
pub mod timeouts;
pub mod types;
mod voting;
pub mod weights;
mod work_house;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use frame_support::traits::{fungible, Polling};
pub use pallet::*;
pub use timeouts::{PollTimeouts, ReferendaTimeouts};
pub use types::*;
pub use weights::WeightInfo;
pub use work_house::WORK_HOUSE_SHARES;

/// Balance type of the currency votes are cast in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The tally referenda keeps for each poll.
pub type TallyOf<T> = Tally<BalanceOf<T>, Pallet<T>>;

/// A poll's index (a referendum's).
pub type PollIndexOf<T> = <<T as Config>::Polls as Polling<TallyOf<T>>>::Index;

/// A token holder's standing votes.
pub type TokenVotingOf<T> = TokenVoting<
	PollIndexOf<T>,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxVotes,
>;

/// A provider's standing work-house votes.
pub type WorkVotesOf<T> = frame_support::BoundedVec<
	(PollIndexOf<T>, WorkVoteRecord<BalanceOf<T>>),
	<T as Config>::MaxVotes,
>;

/// What the DAO reads of token holders' stake: the delegation pallet.
pub trait StakedValue<AccountId, Balance> {
	/// Delegated stake of `who`, active and unbonding.
	fn staked_value(who: &AccountId) -> Balance;
}

/// What the DAO reads of the work house: the providers and rewards pallets.
pub trait WorkHouse<AccountId, Balance> {
	/// `who`'s weight in the work house: `None` when it is not a registered provider.
	fn weight(who: &AccountId) -> Option<Balance>;
	/// The weight of every provider together.
	fn electorate() -> Balance;
	/// A registered provider with work to vote with, made from `seed` (benchmarks).
	#[cfg(feature = "runtime-benchmarks")]
	fn make_provider(seed: u32) -> AccountId;
}

/// How long the runtime's tracks run: real periods, or short ones for development chains.
#[derive(
	Clone,
	Copy,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
	Debug,
	PartialEq,
	Eq,
	Default,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum TrackPace {
	/// Days and weeks: a real network.
	#[default]
	Real,
	/// Minutes: `--dev` and local testnets, where people try governance.
	Short,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::{
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, MutateHold},
			Contains,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Dispatchable;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the DAO pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency votes are cast and held in.
		type Currency: Inspect<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId>;

		/// The runtime's hold reasons, of which [`HoldReason::Vote`] is one.
		type RuntimeHoldReason: From<HoldReason>;

		/// The polls (referenda) this pallet counts votes for.
		type Polls: Polling<TallyOf<Self>, Votes = BalanceOf<Self>, Moment = BlockNumberFor<Self>>;

		/// Token holders' delegated stake.
		type Stake: StakedValue<Self::AccountId, BalanceOf<Self>>;

		/// Providers' weight in the work house.
		type WorkHouse: WorkHouse<Self::AccountId, BalanceOf<Self>>;

		/// Checks, for `try_state`, that no poll is ongoing past its timeouts.
		type PollTimeouts: PollTimeouts;

		/// Who may authorize a runtime upgrade (the upgrade track).
		type UpgradeOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who may change [`Params`] (the parameters track).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The runtime's calls, for [`Pallet::emergency`].
		type RuntimeCall: Parameter
			+ Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
			+ GetDispatchInfo
			+ From<frame_system::Call<Self>>;

		/// Who may dispatch [`Config::EmergencyCalls`] (the emergency track).
		type EmergencyOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The recovery calls only Root could otherwise make, which [`Pallet::emergency`]
		/// dispatches as Root (see `emergency.rs`): nothing else.
		type EmergencyCalls: Contains<<Self as Config>::RuntimeCall>;

		/// Parameters in force until genesis or governance sets others.
		type DefaultParams: Get<DaoParams>;

		/// Most polls an account votes on at once, in each house.
		#[pallet::constant]
		type MaxVotes: Get<u32>;

		/// Blocks in one locking period of [`VoteLock`].
		#[pallet::constant]
		type VoteLockingPeriod: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Capital of token-house votes.
		#[codec(index = 0)]
		Vote,
	}

	/// The DAO's origins: each is the origin of one referenda track, and holds one kind
	/// of power over the chain.
	#[pallet::origin]
	#[derive(
		Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
	)]
	pub enum Origin {
		/// Sets the pallets' parameters (providers' terms, jobs, delegation, rewards, the
		/// DAO's own).
		Parameters,
		/// Spends from the treasury up to the small-spend cap.
		SmallSpender,
		/// Spends from the treasury up to the big-spend cap.
		BigSpender,
		/// Changes the validator set.
		ValidatorAdmin,
		/// Authorizes a runtime upgrade.
		RuntimeUpgrade,
		/// Cancels or kills referenda.
		Canceller,
		/// Dispatches the recovery calls only Root could make (`emergency.rs`).
		Emergency,
	}

	/// Each token holder's standing votes and prior lock.
	#[pallet::storage]
	pub type TokenVotes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, TokenVotingOf<T>, ValueQuery>;

	/// Each provider's standing work-house votes.
	#[pallet::storage]
	pub type WorkVotes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, WorkVotesOf<T>, ValueQuery>;

	/// The DAO's parameters in force.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, DaoParams, ValueQuery, T::DefaultParams>;

	/// How long the runtime's tracks run; set at genesis.
	#[pallet::storage]
	pub type Pace<T: Config> = StorageValue<_, TrackPace, ValueQuery>;

	/// Genesis: the tracks' pace.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Real periods, or short ones for development chains.
		pub pace: TrackPace,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pace::<T>::put(self.pace);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A token holder voted (or changed its vote).
		Voted {
			/// The voter.
			who: T::AccountId,
			/// The poll.
			poll: PollIndexOf<T>,
			/// The vote.
			vote: TokenVote<BalanceOf<T>>,
		},
		/// A token holder's vote was removed.
		VoteRemoved {
			/// The voter.
			who: T::AccountId,
			/// The poll.
			poll: PollIndexOf<T>,
		},
		/// A provider voted in the work house (or changed its vote).
		ProviderVoted {
			/// The provider.
			provider: T::AccountId,
			/// The poll.
			poll: PollIndexOf<T>,
			/// The vote.
			vote: WorkVote,
			/// Its weight: the provider's share of the work house, in [`WORK_HOUSE_SHARES`].
			weight: BalanceOf<T>,
		},
		/// A provider's standing work-house vote was measured again.
		ProviderVoteRemeasured {
			/// The provider.
			provider: T::AccountId,
			/// The poll.
			poll: PollIndexOf<T>,
			/// Its weight now, in [`WORK_HOUSE_SHARES`]; zero: the vote was removed.
			weight: BalanceOf<T>,
		},
		/// A provider's work-house vote was removed.
		ProviderVoteRemoved {
			/// The provider.
			provider: T::AccountId,
			/// The poll.
			poll: PollIndexOf<T>,
		},
		/// Governance set new parameters.
		/// The emergency track dispatched a recovery call as Root.
		EmergencyDispatched {
			/// What the call returned.
			result: DispatchResult,
		},
		ParamsSet {
			/// The parameters now in force.
			params: DaoParams,
		},
		/// What an account's votes lock changed.
		LockChanged {
			/// The account.
			who: T::AccountId,
			/// Held on its account.
			held: BalanceOf<T>,
			/// Of its delegated stake.
			staked: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The poll is not ongoing: it does not exist or has ended.
		NotOngoing,
		/// [`Pallet::emergency`] dispatches only the recovery calls of
		/// [`Config::EmergencyCalls`].
		NotAnEmergencyCall,
		/// A vote must put up some capital.
		ZeroCapital,
		/// The vote's capital is more than the account's balance and delegated stake can
		/// back: the free balance it can put on hold (less the existential deposit; funds
		/// another pallet holds, such as a job's escrow or a bond, do not count) and the
		/// delegated stake.
		InsufficientCapital,
		/// The account already votes on `MaxVotes` polls in this house.
		TooManyVotes,
		/// The account has no vote on this poll in this house.
		NotVoted,
		/// Only registered providers vote in the work house.
		NotAProvider,
		/// The provider has no verified work in the recent eras to vote with.
		NoVerifiedWork,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxVotes::get() > 0, "MaxVotes must allow a vote");
			assert!(!T::VoteLockingPeriod::get().is_zero(), "VoteLockingPeriod must be positive");
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Votes in the token house on `poll` (or replaces the caller's vote there). The
		/// capital is put on hold out of the caller's free balance, and what exceeds that is
		/// taken from its delegated stake; both stay locked while the
		/// vote stands and, on the winning side, for its lock's periods after the poll.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::vote())]
		pub fn vote(
			origin: OriginFor<T>,
			poll: PollIndexOf<T>,
			vote: TokenVote<BalanceOf<T>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_vote(&who, poll, vote)
		}

		/// Removes the caller's token-house vote on `poll`. While the poll is ongoing the
		/// vote leaves the tally; after it, the vote's lock (if any) runs from the poll's
		/// end. Whatever is no longer locked is unlocked in this call.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_vote())]
		pub fn remove_vote(origin: OriginFor<T>, poll: PollIndexOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_vote(&who, poll)
		}

		/// Votes in the work house on `poll` as a registered provider, weighed by its
		/// verified work over recent eras (or replaces its vote there). Its bond cannot
		/// fall below the minimum while the vote stands.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::vote_as_provider())]
		pub fn vote_as_provider(
			origin: OriginFor<T>,
			poll: PollIndexOf<T>,
			vote: WorkVote,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_vote_as_provider(&who, poll, vote)
		}

		/// Removes the calling provider's work-house vote on `poll` (from the tally while
		/// the poll is ongoing).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::remove_provider_vote())]
		pub fn remove_provider_vote(origin: OriginFor<T>, poll: PollIndexOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_provider_vote(&who, poll)
		}

		/// Releases what `target`'s votes no longer lock (an expired prior lock). Anyone
		/// may call it.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::unlock())]
		pub fn unlock(origin: OriginFor<T>, target: T::AccountId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::update_lock(&target)
		}

		/// Authorizes a runtime upgrade to the code with hash `code_hash`, checked for a
		/// higher `spec_version` when applied. `UpgradeOrigin` only (the upgrade track).
		/// Anyone then submits the code with `system.apply_authorized_upgrade`, so no
		/// block has to carry a scheduled `set_code`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::authorize_upgrade())]
		pub fn authorize_upgrade(origin: OriginFor<T>, code_hash: T::Hash) -> DispatchResult {
			T::UpgradeOrigin::ensure_origin(origin)?;
			frame_system::Pallet::<T>::do_authorize_upgrade(code_hash, true);
			Ok(())
		}

		/// Sets the DAO's parameters (the treasury's share of fees). `GovernanceOrigin`
		/// only.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: DaoParams) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}

		/// Dispatches `call` as Root, if it is one of the recovery calls of
		/// [`Config::EmergencyCalls`] (restarting finality after a stall, nudging a stuck
		/// referendum). `EmergencyOrigin` only (the emergency track, both houses). Charged
		/// the call's own weight plus one storage read for the check; the call's result is
		/// in [`Event::EmergencyDispatched`].
		#[pallet::call_index(7)]
		#[pallet::weight({
			let info = call.get_dispatch_info();
			(info.call_weight.saturating_add(T::DbWeight::get().reads(1)), info.class)
		})]
		pub fn emergency(
			origin: OriginFor<T>,
			call: Box<<T as Config>::RuntimeCall>,
		) -> DispatchResultWithPostInfo {
			T::EmergencyOrigin::ensure_origin(origin)?;
			Self::do_emergency(*call)
		}

		/// Measures `provider`'s share of the work house again for its standing vote on
		/// ongoing `poll`, and counts the vote at it (removes it if the share is nothing).
		/// Anyone may call it: a share taken when the vote was cast does not follow work
		/// that left the window or was forfeited with a slash.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::remeasure_provider_vote())]
		pub fn remeasure_provider_vote(
			origin: OriginFor<T>,
			provider: T::AccountId,
			poll: PollIndexOf<T>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_remeasure_provider_vote(&provider, poll)
		}
	}
}

impl<T: Config> Houses<BalanceOf<T>> for Pallet<T> {
	fn token_electorate() -> BalanceOf<T> {
		<T::Currency as fungible::Inspect<T::AccountId>>::total_issuance()
	}

	/// Votes weigh shares of the house (`work_house.rs`): the whole house is all of them.
	fn work_electorate() -> BalanceOf<T> {
		sp_runtime::traits::UniqueSaturatedInto::unique_saturated_into(WORK_HOUSE_SHARES)
	}
}

impl<T: Config> depin_interfaces::VoteLocks<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn locked_stake(who: &T::AccountId) -> BalanceOf<T> {
		Self::required_backing(&TokenVotes::<T>::get(who)).staked
	}

	fn has_provider_vote(who: &T::AccountId) -> bool {
		!WorkVotes::<T>::get(who).is_empty()
	}
}
