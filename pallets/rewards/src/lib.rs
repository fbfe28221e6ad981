//! # Rewards pallet
//!
//! The chain's emission, and who earns it: verified work, stake, and the treasury.
//!
//! ## Overview
//!
//! - **Eras.** An era lasts `era_length` blocks (a day on a real chain, a minute on
//!   `--dev`). At each era's first block, in O(1), the pallet mints
//!   `issuance × inflation / eras per year` into the reward pot and splits it:
//!   `work_share` becomes the era's work budget, `stake_share` goes to stake through a
//!   global index, the rest to the treasury. Work budget left over when the era ends goes
//!   to the treasury too ([`EraInfo::unspent`]).
//! - **Verified work** is credited at settlement, one bounded call per agreeing replica
//!   ([`depin_interfaces::WorkCredit`]), and booked into the provider's pool (the
//!   delegation pallet splits it into commission, the own bond's share and the
//!   delegators' counter). Work counts only where nobody can fake or farm it:
//!   - **audit jobs**, which the chain issues at each era's start (`audits_per_era`,
//!     `audit_replicas` ≥ 3 replicas, a built-in kernel with chain-drawn input and
//!     requirements) from the pot; each agreeing replica is credited `audit_reward`.
//!     Who computes them is drawn like any job's, so only a provider that has the device
//!     it declared, runs it and agrees with the others earns them;
//!   - **user jobs** with at least `min_work_replicas` (≥ 3) replicas: their agreeing
//!     replicas are credited `user_work_rate × fee / replicas` each.
//!
//!   Credits are paid from the era's budget while it lasts.
//! - **Stake income**: each era's stake share is a stream, released block by block over
//!   the era: `StakeIndex` rises, whenever the counted stake changes (and when the era
//!   closes), by what the blocks since the last release carry over [`TotalCounted`], the
//!   counted stake of every provider in those blocks (own bond plus delegated, capped,
//!   zero when not listed: `pallet_providers::stake`). A provider's income,
//!   `counted × (index − its last index)`, is booked lazily, in O(1), whenever its counted
//!   stake or its pool's points are about to change
//!   ([`depin_interfaces::CountedStakeObserver`]). Stake earns for the blocks it was
//!   listed: listing for the one block an era starts in earns that block's share, not the
//!   era's. What blocks without any counted stake carry goes to the treasury.
//!
//! ## Self-dealing never pays
//!
//! A submitter who controls `s` of a job's `r` replicas pays `r × price + fee` and gets
//! back `s × price` through its own providers. The work credit its replicas can earn is at
//! most `s × user_work_rate × fee / r`. Its profit is therefore
//!
//! ```text
//! s × rate × fee / r − fee − (r − s) × price  ≤  (rate − 1) × fee  <  0
//! ```
//!
//! for every `s ≤ r`, `r`, and `price`, because `user_work_rate < 100 %` and the fee is
//! positive (a share of `r × price`, rounded up). Reputation from such jobs is worth
//! nothing here: stake income ignores it, and audit credits go to whoever is drawn.
//! `tests/self_dealing.rs` searches `s`, `r` and `price` for a counterexample.
//!
//! ## Invariants (`try_state`)
//!
//! - The closed era's mint equals its work paid, stake, treasury share and unspent part;
//!   the current era has paid no more than its budget.
//! - [`TotalCounted`] is the sum of the providers' counted stake, and no provider's
//!   index is above the global one.
//! - The reward pot holds at least what is owed from it: income booked and not claimed
//!   (delegation), stake income not yet booked, the work budget left, and its existential
//!   deposit (strict).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod asset;
mod era;
mod invariants;
pub mod runtime_api;
mod stake;
pub mod types;
pub mod weights;
mod work;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use frame_support::traits::fungible;
pub use pallet::*;

/// Eras whose starting stake-income index is kept ([`EraStartIndex`]): a pool untouched
/// for longer after its commission increase applied has all of its unbooked stake income
/// booked at the old rate (the delegators' side of the doubt).
pub const ERA_START_HISTORY: u32 = 32;
pub use types::*;
pub use weights::WeightInfo;

/// Balance type of the currency rewards are paid in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The parameters type of a runtime.
pub type RewardParamsOf<T> =
	RewardParams<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// Verified work paid per era, the last `RecentWorkEras` eras of it.
pub type RecentWorkOf<T> = frame_support::BoundedVec<
	(depin_interfaces::EraIndex, BalanceOf<T>),
	<T as Config>::RecentWorkEras,
>;

/// The era type of a runtime.
pub type EraInfoOf<T> = EraInfo<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use depin_compute_primitives::JobId;
	use depin_interfaces::{AuditJobs, PoolIncome};
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{AccountIdConversion, Saturating, Zero},
		FixedU128, Perbill,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the rewards pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency rewards are minted in.
		type Currency: Inspect<Self::AccountId> + Mutate<Self::AccountId>;

		/// Where income is booked: providers' pools (the delegation pallet).
		type Pools: PoolIncome<Self::AccountId, BalanceOf<Self>>;

		/// The jobs pallet, which issues and clears audit jobs.
		type Audits: AuditJobs<Self::AccountId>;

		/// Who may change [`Params`].
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Account that receives the treasury's share and what is not paid out.
		#[pallet::constant]
		type Treasury: Get<Self::AccountId>;

		/// Identity of the reward pot account.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Blocks in a year, to turn the yearly inflation into an era's.
		#[pallet::constant]
		type BlocksPerYear: Get<BlockNumberFor<Self>>;

		/// Most audit jobs issued per era and awaiting their deposit's return.
		#[pallet::constant]
		type MaxAudits: Get<u32>;

		/// Eras over which a provider's verified work is remembered (the DAO's work house
		/// weighs providers by it).
		#[pallet::constant]
		type RecentWorkEras: Get<u32>;

		/// The shortest era length under which delegated stake, slashable for at least
		/// `unbonding_eras - 1` eras once unbonded (the delegation pallet's), stays
		/// slashable for the longest job: governance cannot set shorter eras (nor shorten
		/// eras already below it: development chains start with minute-long ones).
		type EraLengthFloor: Get<frame_system::pallet_prelude::BlockNumberFor<Self>>;

		/// Parameters in force until genesis or governance sets others.
		type DefaultParams: Get<RewardParamsOf<Self>>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// The protocol parameters in force.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, RewardParamsOf<T>, ValueQuery, T::DefaultParams>;

	/// The current era and its accounts so far.
	#[pallet::storage]
	pub type CurrentEra<T: Config> = StorageValue<_, EraInfoOf<T>, ValueQuery>;

	/// The last closed era's accounts.
	#[pallet::storage]
	pub type LastEra<T: Config> = StorageValue<_, EraInfoOf<T>, OptionQuery>;

	/// Stake income per counted unit since genesis.
	#[pallet::storage]
	pub type StakeIndex<T: Config> = StorageValue<_, FixedU128, ValueQuery>;

	/// Counted stake of every provider, together.
	#[pallet::storage]
	pub type TotalCounted<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// The stake-income index when each of the last [`ERA_START_HISTORY`] eras began: where
	/// income earned before a commission increase ends (`stake.rs`).
	#[pallet::storage]
	pub type EraStartIndex<T: Config> =
		StorageMap<_, Twox64Concat, depin_interfaces::EraIndex, FixedU128, OptionQuery>;

	/// The block up to which the current era's stake stream was released into the index.
	#[pallet::storage]
	pub type StakeReleasedTo<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// Stake income the index owes and that is not yet booked into pools (at least what
	/// the providers' cursors add up to: rounding leaves dust here, never a debt).
	#[pallet::storage]
	pub type StakeUnbooked<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Each provider with counted stake: its stake and its place in the index.
	#[pallet::storage]
	pub type Stakes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, StakeCursor<BalanceOf<T>>>;

	/// Verified work paid to each provider in the last `RecentWorkEras` eras, by era
	/// (oldest first). Only providers that earned work credit have an entry.
	#[pallet::storage]
	pub type ProviderWork<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, RecentWorkOf<T>, ValueQuery>;

	/// Verified work paid to all providers together in the last `RecentWorkEras` eras.
	#[pallet::storage]
	pub type NetworkWork<T: Config> = StorageValue<_, RecentWorkOf<T>, ValueQuery>;

	/// Audit jobs issued and not yet cleared.
	#[pallet::storage]
	pub type OpenAudits<T: Config> = StorageValue<_, BoundedVec<JobId, T::MaxAudits>, ValueQuery>;

	/// Genesis: parameters.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters; `DefaultParams` when `None`.
		pub params: Option<RewardParamsOf<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(params) = &self.params {
				assert!(Pallet::<T>::params_are_valid(params), "genesis reward params");
				Params::<T>::put(params);
			}
			// The pot lives for ever: it holds its existential deposit from genesis.
			let pot = Pallet::<T>::pot();
			if T::Currency::balance(&pot) < T::Currency::minimum_balance() {
				let _ = T::Currency::mint_into(&pot, T::Currency::minimum_balance());
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An era began and its emission was minted.
		EraStarted {
			/// The era.
			era: depin_interfaces::EraIndex,
			/// Minted into the reward pot.
			minted: BalanceOf<T>,
			/// Of which the work budget.
			work_budget: BalanceOf<T>,
			/// Of which stake income, released block by block over the era.
			stake: BalanceOf<T>,
			/// Of which sent to the treasury.
			treasury: BalanceOf<T>,
		},
		/// A provider slashed for a wrong or withheld result lost the weight of its recent
		/// verified work.
		WorkForfeited {
			/// The provider.
			provider: T::AccountId,
			/// The recent work it no longer has.
			recent: BalanceOf<T>,
		},
		/// An era ended.
		EraClosed {
			/// The era.
			era: depin_interfaces::EraIndex,
			/// Paid for verified work in it.
			work_paid: BalanceOf<T>,
			/// Not paid out, sent to the treasury.
			unspent: BalanceOf<T>,
			/// The pot's surplus (audit refunds and deposits) sent to the treasury.
			swept: BalanceOf<T>,
		},
		/// Verified work was credited to a provider's pool.
		WorkCredited {
			/// The provider.
			provider: T::AccountId,
			/// What the work was worth.
			value: BalanceOf<T>,
			/// Paid from the era's work budget (less when the budget ran out).
			paid: BalanceOf<T>,
			/// Whether it was an audit.
			audit: bool,
		},
		/// The chain issued an audit job.
		AuditIssued {
			/// The job.
			job: JobId,
		},
		/// An audit could not be issued (no listed providers for it, or the pot could not
		/// pay); the era goes on without it.
		AuditSkipped {
			/// Why.
			error: DispatchError,
		},
		/// Governance set new parameters.
		ParamsSet {
			/// The parameters now in force.
			params: RewardParamsOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The parameters are out of range: a zero era length, work and stake shares above
		/// 100 % together, a user work rate of 100 %, fewer than 3 replicas for user work or
		/// audits, more audits than `MaxAudits`, or audits without a reward.
		InvalidParams,
		/// Eras this short would let delegated stake unbond within the longest job, before
		/// its slash.
		EraTooShort,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let era = CurrentEra::<T>::get();
			let length = Params::<T>::get().era_length;
			if now >= era.start.saturating_add(length) {
				let issued = Self::start_era(now, era);
				T::WeightInfo::start_era(issued)
			} else {
				T::DbWeight::get().reads(2)
			}
		}

		fn integrity_test() {
			assert!(
				Pallet::<T>::params_are_valid(&T::DefaultParams::get()),
				"default reward params must be valid"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets the protocol parameters. `GovernanceOrigin` only. A new era length counts
		/// from the current era's start.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: RewardParamsOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(Self::params_are_valid(&params), Error::<T>::InvalidParams);
			// A chain started with shorter eras (development presets) may keep them, not
			// shorten them further.
			ensure!(
				params.era_length >= T::EraLengthFloor::get()
					|| params.era_length >= Params::<T>::get().era_length,
				Error::<T>::EraTooShort
			);
			Params::<T>::put(&params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// The current era, its accounts so far, and when the next begins.
		pub fn era_state() -> EraState<BalanceOf<T>, BlockNumberFor<T>> {
			Self::era_view()
		}

		/// Stake income a provider's counted stake earned last era, per unit, in parts per
		/// billion: with its commission, what a delegator may expect per era.
		pub fn stake_yield_per_era() -> Perbill {
			Self::last_stake_yield()
		}
	}

	impl<T: Config> Pallet<T> {
		/// The reward pot account.
		pub fn pot() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		pub(crate) fn params_are_valid(p: &RewardParamsOf<T>) -> bool {
			!p.era_length.is_zero()
				&& (p.work_share.deconstruct() as u64 + p.stake_share.deconstruct() as u64)
					<= Perbill::one().deconstruct() as u64
				&& p.user_work_rate < Perbill::one()
				&& p.min_work_replicas >= 3
				&& p.audit_replicas >= 3
				&& p.audits_per_era <= T::MaxAudits::get()
				&& (p.audits_per_era == 0 || !p.audit_reward.is_zero())
		}

		/// The current era's number.
		pub fn current_era() -> depin_interfaces::EraIndex {
			CurrentEra::<T>::get().index
		}
	}
}

impl<T: Config> depin_interfaces::EraClock for Pallet<T> {
	fn current_era() -> depin_interfaces::EraIndex {
		Pallet::<T>::current_era()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_era(era: depin_interfaces::EraIndex) {
		CurrentEra::<T>::mutate(|current| current.index = era);
	}
}
