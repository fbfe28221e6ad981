//! # Delegation pallet
//!
//! Token holders stake behind providers of the DePIN Compute Chain and share in what the
//! providers earn and lose.
//!
//! ## Overview
//!
//! - **Pools of points.** Each provider has a pool. [`Pallet::delegate`] moves a holder's
//!   funds into the pool's keyless account, on hold ([`HoldReason::Delegated`]): never to
//!   the provider. The member receives *points* (shares) at the pool's rate of points to
//!   stake, as in `pallet-nomination-pools`. A holder is a member of one pool at a time.
//! - **Slashing in O(1).** When the providers pallet slashes a provider, the same share of
//!   its pool's active stake and of every unbonding bucket that is still slashable goes to
//!   the treasury ([`depin_interfaces::PoolSlash`]): the pool's value falls, its points do
//!   not, so every member loses pro rata whatever their number. Nothing is left as a debt
//!   for later.
//! - **Unbonding.** [`Pallet::unbond`] moves points into the bucket of the current era,
//!   which stays held and slashable for `unbonding_eras`; [`Pallet::withdraw_unbonded`]
//!   pays matured buckets out. A pool keeps at most `MaxUnbondingBuckets` buckets; when it
//!   needs another, the matured ones merge into one (they are no longer slashable).
//! - **Income through a counter.** The rewards pallet books income into a pool
//!   ([`depin_interfaces::PoolIncome`]): the commission and the own bond's share (by active
//!   bond against delegated stake) go to the provider; the delegators' share raises the
//!   pool's reward-per-point counter. A member's pending income is
//!   `points × (counter − its last counter)`, settled before its points change: every claim
//!   is O(1) whatever the number of eras or members, and nothing expires.
//!   [`Pallet::claim`] pays it from the reward pot, [`Pallet::compound`] delegates it,
//!   [`Pallet::claim_commission`] pays the provider.
//! - **Commission.** [`Pallet::set_commission`]: at most `max_commission`. A decrease
//!   applies at once; an increase is announced and applies only `unbonding_eras + 1` eras
//!   later, after every delegator could have left, and at most once per
//!   `commission_increase_interval` eras (a decrease does not reset that clock).
//! - **Caps.** A provider's delegated stake is at most `max_delegation_ratio` times its own
//!   active bond; what counts for selection and stake income saturates at the providers
//!   pallet's `max_counted_stake`.
//! - **A provider that leaves** (deregisters, or is slashed out) takes no new delegations;
//!   its members can always unbond and withdraw what is left.
//! - **Governance** sets [`Params`] through [`Pallet::set_params`]. The DAO counts a
//!   member's staked value ([`Pallet::staked_value`]) towards its votes.
//!
//! ## Invariants (`try_state`)
//!
//! - Members' active points add up to their pool's points, and their unbonding points to
//!   each bucket's points; each pool's member count is right.
//! - The hold on each pool account equals the pool's active stake plus its buckets.
//! - No member's counter is above its pool's; each pool's `members_owed` covers what its
//!   members' points have pending.
//! - [`TotalOwed`] is every pool's owed income plus every member's unclaimed income, and
//!   the reward pot holds at least that much (strict).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod asset;
mod commission;
mod income;
mod invariants;
mod points;
pub mod runtime_api;
mod slashing;
pub mod types;
mod unbonding;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use frame_support::traits::fungible;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// `claim` is charged as measured after this many bookings into the pool: it reads no
/// history, and its measured time moves by 1.4 ns per booking.
pub const CLAIM_WEIGHT_ERAS: u32 = 10_000;

/// `claim` is charged as measured in a pool of this many members: it reads no other
/// member, and what its measured time gains with them (0.5 ns each) is the state's size,
/// which a function that reads no member at all (`slash_pool`) gains as much of.
pub const CLAIM_WEIGHT_MEMBERS: u32 = 100_000;

/// Balance type of the currency delegations are held in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The pool type of a runtime.
pub type PoolOf<T> = Pool<BalanceOf<T>, <T as Config>::MaxUnbondingBuckets>;

/// The member type of a runtime.
pub type MemberOf<T> =
	Member<<T as frame_system::Config>::AccountId, BalanceOf<T>, <T as Config>::MaxUnbondingChunks>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use depin_interfaces::{CountedStakeObserver, EraClock, EraIndex, ProviderStake};
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, InspectHold, Mutate, MutateHold},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::Zero, Perbill};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the delegation pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency delegations are held in.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, which include this pallet's.
		type RuntimeHoldReason: From<HoldReason>;

		/// The provider registry: own bonds, who takes delegations, delegated stake.
		type Providers: ProviderStake<Self::AccountId, Balance = BalanceOf<Self>>;

		/// Governance votes standing on members' stake (the DAO pallet): a member cannot
		/// withdraw below what its votes lock.
		type VoteLocks: depin_interfaces::VoteLocks<Self::AccountId, BalanceOf<Self>>;

		/// Which era it is (the rewards pallet).
		type Eras: EraClock;

		/// Books stake income accrued so far, before a pool's points change (the rewards
		/// pallet).
		type StakeIncome: CountedStakeObserver<Self::AccountId, BalanceOf<Self>>;

		/// Who may change [`Params`].
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Account that receives slashed funds.
		#[pallet::constant]
		type Treasury: Get<Self::AccountId>;

		/// The reward pot: income booked into pools is paid from it.
		#[pallet::constant]
		type RewardPot: Get<Self::AccountId>;

		/// Identity from which pool accounts are derived.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Most unbonding buckets a pool keeps (it must exceed `unbonding_eras`).
		#[pallet::constant]
		type MaxUnbondingBuckets: Get<u32>;

		/// Most eras a member may have unbonding stake in at once.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// Eras the longest job spans at the current era length, rounded up (the
		/// runtime's `longest job / era_length`). Stake unbonded in an era stays slashable
		/// until `unbonding_eras` eras later begin, at least `unbonding_eras - 1` whole
		/// eras: governance cannot set `unbonding_eras` at or below this, or stake behind a
		/// provider could leave before the slash of a job it cheated on (unless it was no
		/// more before: development chains start with minute-long unbonding).
		type LongestJobEras: Get<EraIndex>;

		/// Parameters in force until genesis or governance sets others.
		type DefaultParams: Get<DelegationParams<BalanceOf<Self>>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Reasons this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Stake delegated to a provider, active or unbonding, held on its pool account.
		#[codec(index = 0)]
		Delegated,
	}

	/// The protocol parameters in force.
	#[pallet::storage]
	pub type Params<T: Config> =
		StorageValue<_, DelegationParams<BalanceOf<T>>, ValueQuery, T::DefaultParams>;

	/// Each provider's pool, by provider account.
	#[pallet::storage]
	pub type Pools<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, PoolOf<T>>;

	/// Each member's delegation, by member account.
	#[pallet::storage]
	pub type Members<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, MemberOf<T>>;

	/// Income booked into pools and not yet paid: the reward pot must hold at least this.
	#[pallet::storage]
	pub type TotalOwed<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Genesis: parameters.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters; `DefaultParams` when `None`.
		pub params: Option<DelegationParams<BalanceOf<T>>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(params) = &self.params {
				assert!(Pallet::<T>::params_are_valid(params), "genesis delegation params");
				Params::<T>::put(params);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A holder delegated stake to a provider's pool.
		Delegated {
			/// The member.
			member: T::AccountId,
			/// The provider.
			provider: T::AccountId,
			/// Put on hold in the pool.
			amount: BalanceOf<T>,
			/// Points received for it.
			points: BalanceOf<T>,
		},
		/// A member started unbonding.
		Unbonded {
			/// The member.
			member: T::AccountId,
			/// The provider.
			provider: T::AccountId,
			/// Moved from active stake into the era's bucket (still slashable).
			amount: BalanceOf<T>,
			/// The first era in which it may be withdrawn.
			withdrawable_from: EraIndex,
		},
		/// Matured unbonded stake returned to a member's free balance.
		Withdrawn {
			/// The member.
			member: T::AccountId,
			/// The provider.
			provider: T::AccountId,
			/// Released to the member.
			amount: BalanceOf<T>,
		},
		/// A member was paid its income from the reward pot.
		Claimed {
			/// The member.
			member: T::AccountId,
			/// Paid.
			amount: BalanceOf<T>,
		},
		/// A member delegated its income.
		Compounded {
			/// The member.
			member: T::AccountId,
			/// Moved from the reward pot into the pool.
			amount: BalanceOf<T>,
			/// Points received for it.
			points: BalanceOf<T>,
		},
		/// A provider was paid its commission and its own bond's share of income.
		CommissionClaimed {
			/// The provider.
			provider: T::AccountId,
			/// Paid.
			amount: BalanceOf<T>,
		},
		/// A provider lowered its commission (in force at once).
		CommissionLowered {
			/// The provider.
			provider: T::AccountId,
			/// The rate now in force.
			commission: Perbill,
		},
		/// A provider announced a higher commission.
		CommissionAnnounced {
			/// The provider.
			provider: T::AccountId,
			/// The rate it will charge.
			commission: Perbill,
			/// The first era in which it applies.
			applies_from: EraIndex,
		},
		/// Income was booked into a pool.
		IncomeBooked {
			/// The provider.
			provider: T::AccountId,
			/// Booked in all.
			amount: BalanceOf<T>,
			/// Of which the provider's commission.
			commission: BalanceOf<T>,
			/// Of which the delegators' share.
			delegators: BalanceOf<T>,
		},
		/// A provider's pool was slashed with it.
		PoolSlashed {
			/// The provider.
			provider: T::AccountId,
			/// Taken from the pool's active stake and slashable buckets, to the treasury.
			amount: BalanceOf<T>,
		},
		/// Governance set new parameters.
		ParamsSet {
			/// The parameters now in force.
			params: DelegationParams<BalanceOf<T>>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The provider is not registered, or does not offer itself for jobs: it takes no
		/// delegations.
		NotAcceptingDelegations,
		/// The caller delegates to another provider; leave that pool first.
		DelegatingElsewhere,
		/// The caller is not a member of any pool.
		NotMember,
		/// The caller is not a registered provider.
		NotProvider,
		/// The amount must be above zero.
		ZeroAmount,
		/// A first delegation, or what stays active after `unbond`, is below
		/// `min_delegation`; or an amount is below the existential deposit.
		BelowMinimum,
		/// The free balance does not cover the amount.
		InsufficientBalance,
		/// The provider's delegated stake would pass `max_delegation_ratio` times its own
		/// bond.
		DelegationCapReached,
		/// The pool was slashed to nothing while members still hold points: members must
		/// leave before it takes new stake.
		PoolSlashedOut,
		/// The member has less active stake than that.
		UnbondTooLarge,
		/// The member has unbonding stake in too many eras; withdraw matured ones first.
		TooManyUnbondingChunks,
		/// The pool has too many unbonding buckets, none matured (cannot happen with valid
		/// parameters).
		TooManyUnbondingBuckets,
		/// Nothing unbonded has matured yet.
		NothingToWithdraw,
		/// No income to claim.
		NothingToClaim,
		/// Above `max_commission`.
		CommissionTooHigh,
		/// The last commission increase was less than `commission_increase_interval` eras
		/// ago.
		CommissionIncreaseTooSoon,
		/// The reward pot cannot pay (it covers every booked claim; this indicates a bug).
		PotExhausted,
		/// The parameters are out of range (zero minimum, zero unbonding eras or more than
		/// the pool's buckets allow, a zero delegation ratio).
		InvalidParams,
		/// `unbonding_eras` eras would end within the longest job: stake behind a provider
		/// could leave before that job's slash.
		UnbondingWithinLongestJob,
		/// An arithmetic overflow.
		Overflow,
		/// Governance votes stand on this stake: it cannot be withdrawn below what they
		/// lock until they are removed and their locks have run.
		LockedByVote,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxUnbondingChunks::get() > 0, "MaxUnbondingChunks must be positive");
			assert!(
				Pallet::<T>::params_are_valid(&T::DefaultParams::get()),
				"default delegation params must be valid"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Delegates `amount` of the caller's free balance to `provider`'s pool, on hold in
		/// the pool account, for points at the pool's rate. A first delegation is at least
		/// `min_delegation`; the caller may delegate to one provider at a time.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::delegate())]
		pub fn delegate(
			origin: OriginFor<T>,
			provider: T::AccountId,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_delegate(&who, &provider, amount)
		}

		/// Delegates `amount` more to the pool the caller is in.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::delegate())]
		pub fn delegate_more(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let provider = Members::<T>::get(&who).ok_or(Error::<T>::NotMember)?.provider;
			Self::do_delegate(&who, &provider, amount)
		}

		/// Starts unbonding `amount` of the caller's active stake (all of it if `amount` is
		/// more). It stays held, and slashable, for `unbonding_eras`. What stays active must
		/// be zero or at least `min_delegation`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unbond(&who, amount)
		}

		/// Pays the caller's matured unbonded stake to its free balance.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw(&who)
		}

		/// Pays the caller's income from the reward pot.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::claim(CLAIM_WEIGHT_ERAS, CLAIM_WEIGHT_MEMBERS))]
		pub fn claim(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(&who)
		}

		/// Delegates the caller's income to its pool (at least the existential deposit).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::compound())]
		pub fn compound(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_compound(&who)
		}

		/// Pays the calling provider its commission and its own bond's share of income.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::claim_commission())]
		pub fn claim_commission(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_commission(&who)
		}

		/// Sets the calling provider's commission. A decrease applies at once; an increase
		/// applies `unbonding_eras + 1` eras from now, and at most once per
		/// `commission_increase_interval` eras.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::set_commission())]
		pub fn set_commission(origin: OriginFor<T>, commission: Perbill) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_commission(&who, commission)
		}

		/// Sets the protocol parameters. `GovernanceOrigin` only.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(
			origin: OriginFor<T>,
			params: DelegationParams<BalanceOf<T>>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
			// A chain started with shorter unbonding (development presets) may keep it, not
			// shorten it further.
			ensure!(
				params.unbonding_eras > T::LongestJobEras::get()
					|| params.unbonding_eras >= Params::<T>::get().unbonding_eras,
				Error::<T>::UnbondingWithinLongestJob
			);
			Params::<T>::put(&params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// Income `who` may claim now, as a member and, for a provider, as its pool's owner
		/// (stake income not yet booked included).
		pub fn pending_rewards(who: T::AccountId) -> BalanceOf<T> {
			Self::as_if_booked(&who, || Self::pending_of(&who))
		}

		/// `provider`'s pool, if it has one.
		pub fn pool_state(provider: T::AccountId) -> Option<PoolState<BalanceOf<T>>> {
			Self::as_if_booked(&provider, || Self::pool_view(&provider))
		}

		/// `who`'s delegation, if it has one.
		pub fn member_state(who: T::AccountId) -> Option<MemberState<T::AccountId, BalanceOf<T>>> {
			Self::as_if_booked(&who, || Self::member_view(&who))
		}
	}

	impl<T: Config> Pallet<T> {
		/// The keyless account that holds `provider`'s pool.
		pub fn pool_account(provider: &T::AccountId) -> T::AccountId {
			asset::pool_account::<T>(provider)
		}

		/// What `view` answers once the stake income `who`'s pools accrued is booked,
		/// without keeping any change: income is booked lazily, views show it as due.
		pub(crate) fn as_if_booked<R>(who: &T::AccountId, view: impl Fn() -> R) -> R {
			use frame_support::storage::{with_transaction, TransactionOutcome};
			let result: Result<R, DispatchError> = with_transaction(|| {
				T::StakeIncome::settle_income(who);
				if let Some(member) = Members::<T>::get(who) {
					T::StakeIncome::settle_income(&member.provider);
				}
				TransactionOutcome::Rollback(Ok(view()))
			});
			// Only a transaction nested too deep fails: then answer from storage as it is.
			result.unwrap_or_else(|_| view())
		}

		/// The current era.
		pub(crate) fn era() -> EraIndex {
			T::Eras::current_era()
		}

		pub(crate) fn params_are_valid(p: &DelegationParams<BalanceOf<T>>) -> bool {
			!p.min_delegation.is_zero()
				&& p.min_delegation >= T::Currency::minimum_balance()
				&& p.max_delegation_ratio > 0
				&& p.unbonding_eras > 0
				&& p.unbonding_eras < T::MaxUnbondingBuckets::get()
		}
	}
}
