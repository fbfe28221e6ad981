//! # Providers pallet
//!
//! Providers sell OpenCL compute on the DePIN Compute Chain. This pallet keeps who they
//! are, what they declare about their device, the bond they put at stake, and how much the
//! chain trusts them.
//!
//! ## Overview
//!
//! - **Registration.** [`Pallet::register`] declares the device ([`Capabilities`]), names an
//!   *operator* (the hot key in the provider node's keystore that signs attestations) and
//!   puts a bond of at least `min_bond` on hold on the provider's own account
//!   ([`HoldReason::ProviderBond`]). Operators are unique.
//! - **Staying in business.** [`Pallet::update_capabilities`], [`Pallet::set_operator`]
//!   (rotate the hot key), [`Pallet::bond_extra`], [`Pallet::pause`] and
//!   [`Pallet::resume`] (stop and restart receiving new jobs).
//! - **Leaving.** [`Pallet::unbond`] moves part or all of the bond into unbonding chunks:
//!   still held and slashable for `unbonding_period` blocks, while jobs in flight finish.
//!   [`Pallet::withdraw_unbonded`] releases matured chunks. [`Pallet::deregister`] removes
//!   a provider with nothing held and no job in flight.
//! - **Reputation** is a score in `0..=MAX_REPUTATION`, starting in the middle. It rises
//!   with results that agree with the majority and falls with wrong results and no-shows.
//! - **Slashing.** Through [`ProviderRegistry::punish`] the jobs pallet slashes a share of
//!   what a provider holds, active bond first: `slash_wrong_result` for a wrong or
//!   withheld result; for a no-show, `slash_no_show` but never more than the missed job
//!   was worth (its price, with the delegators' share), so that the fine for missing a
//!   job does not grow with the bond. Slashed funds go to the treasury account, with an
//!   event.
//! - **Selection.** [`ProviderRegistry::select`] finds providers that meet a job's
//!   [`Requirements`] through the candidate index in [`index`], in a bounded number of
//!   storage reads whatever the number of providers. It skips a provider whose active bond
//!   would not back the job on top of its unfinished ones (`max_exposure_percent`), one
//!   whose device could not compute the job before it is due behind the tasks already
//!   queued on it ([`DeviceQueue`]: executors run one task at a time), and
//!   gives class-pinned jobs only to a device class that at least `min_class_providers`
//!   listed providers and `min_class_bond` stand behind. [`ProviderRegistry::can_meet`]
//!   tells the jobs pallet, in one read, whether enough listed providers each meet a
//!   job's kind, memory and reputation together.
//! - **Governance.** Every tunable number is in [`Params`], set by `GovernanceOrigin`
//!   through [`Pallet::set_params`]; until it does, genesis or `DefaultParams` sets them.
//!
//! ## Where each rule lives
//!
//! `membership.rs` (joining, declarations, pausing, leaving, and the one path a record
//! changes by), `bonding.rs` (bond, unbond, withdraw), `slashing.rs`, `params.rs`,
//! `index.rs` (the candidate index and selection), `registry.rs` (what the jobs pallet
//! asks), `stake.rs` (counted stake and the traits the delegation and rewards pallets
//! follow it through), `asset.rs` (every currency operation), `invariants.rs`.
//!
//! ## Invariants (`try_state`)
//!
//! - The bond held on each provider's account equals its record: active bond plus
//!   unbonding chunks.
//! - Operators and providers map one to one.
//! - A provider is listed in the candidate index exactly when it offers itself for new
//!   jobs (not paused, some active bond),
//!   and each bucket's slots are dense, point at providers of that bucket, and match the
//!   providers' own record of their slots.
//! - [`KindStats`] and [`ClassBonds`] are the sums over the listed providers of their
//!   tiers and active bonds, without empty entries.
//! - Reputations are within bounds; [`ProviderCount`] counts the providers.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod asset;
mod bonding;
pub mod index;
mod invariants;
mod membership;
mod params;
mod registry;
mod slashing;
pub mod stake;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use frame_support::traits::fungible;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Balance type of the currency the bonds are held in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The provider record type of a runtime.
pub type ProviderInfoOf<T> = ProviderInfo<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::MaxUnbondingChunks,
>;

/// The parameters type of a runtime.
pub type ProviderParamsOf<T> =
	ProviderParams<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// What the jobs pallet needs from the provider registry.
pub trait ProviderRegistry<AccountId> {
	/// Balance type of slashes.
	type Balance;

	/// Block number type of the unbonding period.
	type BlockNumber;

	/// Blocks a bond stays slashable after `unbond`: every job a provider holds must end
	/// (and be settled) well within it.
	fn unbonding_period() -> Self::BlockNumber;

	/// Up to `count` providers that meet `req`, none in `exclude`, each with room for
	/// `work`: its price within the provider's exposure cap, its compute done before its
	/// commit window ends behind everything already queued on the provider's device
	/// ([`DeviceQueue`]). Weighted by stake and reputation and drawn from `seed`. With
	/// `req.same_device_class`, all of one class that enough providers and bond stand
	/// behind: `pinned_class` if given. Returns each with its device class. Bounded storage
	/// reads.
	fn select(
		req: &Requirements,
		count: u32,
		exclude: &[AccountId],
		pinned_class: Option<DeviceClass>,
		work: &Workload<Self::Balance, Self::BlockNumber>,
		seed: [u8; 32],
	) -> Vec<(AccountId, DeviceClass)>;

	/// Whether at least `replicas` listed providers each meet `req`'s kind, memory and
	/// reputation together (one storage read, by whole tiers: see [`KindStat::may_meet`]).
	/// `true` means providers listed now could take the job, were they free.
	fn can_meet(req: &Requirements, replicas: u32) -> bool;

	/// Whether `who` is a registered provider.
	fn is_registered(who: &AccountId) -> bool;

	/// The provider whose operator key is `operator`.
	fn provider_of(operator: &AccountId) -> Option<AccountId>;

	/// The unfinished jobs `who` holds a replica of, and what they pay it together (zero for
	/// an unknown account).
	fn load(who: &AccountId) -> (u32, Self::Balance);

	/// A replica asking `work` was assigned to `provider`: it counts against its
	/// concurrent-job cap and its exposure, and joins its device's queue. Returns its place
	/// in that queue: the provider's worker dispatches its tasks in this order.
	fn job_assigned(provider: &AccountId, work: &Workload<Self::Balance, Self::BlockNumber>)
		-> u64;

	/// `provider` committed to the result of the task at `place` in its device's queue:
	/// that task and every one before it are computed.
	fn job_computed(provider: &AccountId, place: u64);

	/// A job of `provider` paying `price` was settled (or cancelled): it no longer counts.
	fn job_released(provider: &AccountId, price: Self::Balance);

	/// `provider`'s result agreed with the majority: its reputation rises.
	fn reward(provider: &AccountId);

	/// `provider` lost the vote without being shown to lie (its device could not run the
	/// kernel, or could where the majority's could not): its reputation falls as for a
	/// no-show, its bond is untouched.
	fn demote(provider: &AccountId);

	/// `provider` was wrong or absent on a job paying it `price`: its reputation falls and
	/// a share of its bond is slashed to the treasury (for a no-show, at most about `price`
	/// with its delegators' share). Returns the amount slashed from its own bond.
	fn punish(provider: &AccountId, reason: SlashReason, price: Self::Balance) -> Self::Balance;

	/// Benchmarks only: registers a funded provider number `index` with the device `kind`
	/// and `device_class`, and the minimum bond. Returns the provider and its operator.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_provider(
		index: u32,
		kind: DeviceKind,
		device_class: DeviceClass,
	) -> (AccountId, AccountId);

	/// Benchmarks only: how many slots of a bucket a selection inspects.
	#[cfg(feature = "runtime-benchmarks")]
	fn selection_sample() -> u32;

	/// Benchmarks only: puts listed `provider` in its costliest state for a slash or a
	/// change of its record: a pool of delegators behind it and stake income due.
	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_stake_at_risk(provider: &AccountId);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use depin_interfaces::{CountedStakeObserver, PoolSlash, VoteLocks};
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, InspectHold, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the providers pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency bonds are held in.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, which include this pallet's.
		type RuntimeHoldReason: From<HoldReason>;

		/// Who may change [`Params`] (the DAO's parameters track, in this runtime).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Account that receives slashed funds.
		#[pallet::constant]
		type Treasury: Get<Self::AccountId>;

		/// Most providers registered at once.
		#[pallet::constant]
		type MaxProviders: Get<u32>;

		/// Slots of a bucket inspected per selection: the bound on selection work.
		#[pallet::constant]
		type SelectionSample: Get<u32>;

		/// Most unbonding requests a provider may have in flight at once: one more fails
		/// with [`Error::TooManyUnbondingChunks`] until a chunk is withdrawn.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// Providers whose counted stake one block brings in line with the parameters after
		/// governance changed `max_counted_stake` ([`Recount`]): the sweep of the whole
		/// registry takes `ProviderCount / RecountPerBlock` blocks.
		#[pallet::constant]
		type RecountPerBlock: Get<u32>;

		/// The most blocks a job may hold a provider (the jobs pallet's `longest_job` under
		/// its parameters in force): the unbonding period must be longer, or a provider
		/// could withdraw its bond before a job's slash. Checked when governance sets the
		/// parameters; the jobs pallet checks the same when its own change.
		type LongestJob: Get<BlockNumberFor<Self>>;

		/// Parameters in force until genesis or governance sets others. Not a constant:
		/// governance changes them through [`Pallet::set_params`].
		type DefaultParams: Get<ProviderParamsOf<Self>>;

		/// Slashes reach the stake delegated to a provider through it (the delegation
		/// pallet; `()` where there is none).
		type Delegation: PoolSlash<Self::AccountId, BalanceOf<Self>>;

		/// Hears every change of a provider's counted stake (the rewards pallet; `()`
		/// where there is none).
		type StakeObserver: CountedStakeObserver<Self::AccountId, BalanceOf<Self>>;

		/// Governance votes that keep a provider's bond at `min_bond` or above while they
		/// stand (the DAO pallet).
		type VoteLocks: VoteLocks<Self::AccountId, BalanceOf<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Reasons this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A provider's bond, active or unbonding.
		#[codec(index = 0)]
		ProviderBond,
	}

	/// The protocol parameters in force.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ProviderParamsOf<T>, ValueQuery, T::DefaultParams>;

	/// The chain's record of each registered provider, by account.
	#[pallet::storage]
	pub type ProviderRecords<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ProviderInfoOf<T>>;

	/// Number of registered providers; at most `MaxProviders`.
	#[pallet::storage]
	pub type ProviderCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Operator key to provider account. Each operator serves one provider.
	#[pallet::storage]
	pub type Operators<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId>;

	/// Candidate index: listed providers by device kind and slot (`0..KindCounts[kind]`).
	#[pallet::storage]
	pub type KindSlots<T: Config> =
		StorageDoubleMap<_, Twox64Concat, DeviceKind, Twox64Concat, u32, T::AccountId>;

	/// Candidate index: number of listed providers per device kind.
	#[pallet::storage]
	pub type KindCounts<T: Config> = StorageMap<_, Twox64Concat, DeviceKind, u32, ValueQuery>;

	/// Candidate index: listed providers by device class and slot (`0..ClassCounts[class]`).
	#[pallet::storage]
	pub type ClassSlots<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, DeviceClass, Twox64Concat, u32, T::AccountId>;

	/// Candidate index: number of listed providers per device class.
	#[pallet::storage]
	pub type ClassCounts<T: Config> = StorageMap<_, Blake2_128Concat, DeviceClass, u32, ValueQuery>;

	/// Active bond of the listed providers of each device class, together: with
	/// [`ClassCounts`], what stands behind a class before it takes class-pinned jobs.
	#[pallet::storage]
	pub type ClassBonds<T: Config> =
		StorageMap<_, Blake2_128Concat, DeviceClass, BalanceOf<T>, ValueQuery>;

	/// Listed providers of each device kind by memory and reputation tier, so that a job
	/// nobody listed could take is refused at submission.
	#[pallet::storage]
	pub type KindStats<T: Config> = StorageMap<_, Twox64Concat, DeviceKind, KindStat, ValueQuery>;

	/// A sweep of the registry under way after a change of `max_counted_stake`: where it
	/// resumes. Each block reports the next `RecountPerBlock` providers' counted stake
	/// under the new cap (their stake income is booked at the old count first); absent
	/// when none is due.
	#[pallet::storage]
	pub type Recount<T: Config> = StorageValue<_, RecountFrom<T::AccountId>, OptionQuery>;

	/// Genesis: parameters, and providers registered from the start (development chains).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters; `DefaultParams` when `None`.
		pub params: Option<ProviderParamsOf<T>>,
		/// Providers registered at genesis: (account, operator, capabilities, bond).
		pub providers: Vec<(T::AccountId, T::AccountId, Capabilities, BalanceOf<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(params) = &self.params {
				assert!(
					Pallet::<T>::params_are_valid(params),
					"genesis provider params are invalid"
				);
				Params::<T>::put(params);
			}
			for (who, operator, capabilities, bond) in &self.providers {
				Pallet::<T>::do_register(who, operator.clone(), capabilities.clone(), *bond)
					.expect("genesis providers register");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A provider registered with a bond.
		Registered {
			/// The provider's account (it holds the bond).
			provider: T::AccountId,
			/// The hot key that signs its attestations.
			operator: T::AccountId,
			/// The kind of device it declared.
			kind: DeviceKind,
			/// The bond put on hold.
			bond: BalanceOf<T>,
		},
		/// A provider declared new capabilities.
		CapabilitiesUpdated {
			/// The provider.
			provider: T::AccountId,
			/// The kind of device it now declares.
			kind: DeviceKind,
		},
		/// A provider rotated its operator key.
		OperatorChanged {
			/// The provider.
			provider: T::AccountId,
			/// The operator key it replaced.
			old: T::AccountId,
			/// The operator key now in use.
			new: T::AccountId,
		},
		/// A provider added to its active bond.
		Bonded {
			/// The provider.
			provider: T::AccountId,
			/// Put on hold in addition.
			amount: BalanceOf<T>,
		},
		/// A provider stopped receiving new jobs.
		Paused {
			/// The provider.
			provider: T::AccountId,
		},
		/// A provider receives new jobs again.
		Resumed {
			/// The provider.
			provider: T::AccountId,
		},
		/// Part of a bond started unbonding.
		Unbonded {
			/// The provider.
			provider: T::AccountId,
			/// Moved from the active bond to unbonding (still held and slashable).
			amount: BalanceOf<T>,
			/// First block in which it may be withdrawn.
			unlock_at: BlockNumberFor<T>,
		},
		/// Unbonded funds returned to the provider's free balance.
		Withdrawn {
			/// The provider.
			provider: T::AccountId,
			/// Released from hold.
			amount: BalanceOf<T>,
		},
		/// A provider left the registry.
		Deregistered {
			/// The former provider.
			provider: T::AccountId,
		},
		/// A provider was slashed; the amount went to the treasury.
		Slashed {
			/// The provider.
			provider: T::AccountId,
			/// Taken from its held bond (active first, then unbonding).
			amount: BalanceOf<T>,
			/// Taken, at the same rate, from the stake delegated to it.
			delegated: BalanceOf<T>,
			/// Why: a wrong result or a no-show.
			reason: SlashReason,
		},
		/// Governance set new parameters.
		ParamsSet {
			/// The parameters now in force.
			params: ProviderParamsOf<T>,
		},
		/// Every provider's counted stake follows the cap set last: the sweep ended.
		Recounted {
			/// Providers refreshed by the sweep's last block.
			last_batch: u32,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// This account is already a registered provider.
		AlreadyRegistered,
		/// This account is not a registered provider.
		NotRegistered,
		/// The operator key already serves a provider.
		OperatorInUse,
		/// The registry is full (`MaxProviders`).
		TooManyProviders,
		/// The active bond would be below `min_bond` (and above zero).
		BondBelowMinimum,
		/// The free balance, less the existential deposit, does not cover the bond.
		InsufficientBalance,
		/// Capabilities must name a vendor and a device, and declare at least one compute
		/// unit, some memory and room for at least one job.
		InvalidCapabilities,
		/// The provider is already paused.
		AlreadyPaused,
		/// The provider is not paused.
		NotPaused,
		/// The amount must be above zero.
		ZeroAmount,
		/// The amount is more than the active bond.
		UnbondTooLarge,
		/// Too many unbonding requests in flight; withdraw matured ones first.
		TooManyUnbondingChunks,
		/// No unbonded funds have matured yet.
		NothingToWithdraw,
		/// The provider still holds funds: unbond and withdraw everything first.
		StillBonded,
		/// The provider still has jobs in flight.
		HasActiveJobs,
		/// The parameters are out of range (zero min bond, zero unbonding period, a
		/// reputation step above `MAX_REPUTATION`, a zero exposure cap or class minimum, a
		/// counted-stake cap below the minimum bond).
		InvalidParams,
		/// A work-house vote of the provider stands: its bond stays at `min_bond` or above
		/// until the vote is removed.
		LockedByVote,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
			match Recount::<T>::get() {
				Some(from) => T::WeightInfo::recount(Self::recount(from)),
				None => T::DbWeight::get().reads(1),
			}
		}

		fn integrity_test() {
			assert!(T::MaxProviders::get() > 0, "MaxProviders must be positive");
			assert!(T::RecountPerBlock::get() > 0, "RecountPerBlock must be positive");
			assert!(T::SelectionSample::get() > 0, "SelectionSample must be positive");
			assert!(T::MaxUnbondingChunks::get() > 0, "MaxUnbondingChunks must be positive");
			assert!(
				Pallet::<T>::params_are_valid(&T::DefaultParams::get()),
				"default provider params must be valid"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a provider of the device described by `capabilities`,
		/// with `operator` as the key that signs its attestations, and puts `bond` (at
		/// least `min_bond`) on hold.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			capabilities: Capabilities,
			operator: T::AccountId,
			#[pallet::compact] bond: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(&who, operator, capabilities, bond)
		}

		/// Declares new capabilities (a new device, a driver update, a new job cap). Jobs
		/// in flight are not affected.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_capabilities())]
		pub fn update_capabilities(
			origin: OriginFor<T>,
			capabilities: Capabilities,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_capabilities(&who, capabilities)
		}

		/// Rotates the operator key. The new key must not serve another provider.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_operator())]
		pub fn set_operator(origin: OriginFor<T>, operator: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_operator(&who, operator)
		}

		/// Puts `amount` more on hold as active bond. A provider below `min_bond` (after a
		/// slash, or a rise of the minimum) receives jobs again once it is back above it.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::bond_extra())]
		pub fn bond_extra(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond_extra(&who, amount)
		}

		/// Stops receiving new jobs. Jobs in flight continue.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::pause())]
		pub fn pause(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_paused(&who, true)
		}

		/// Receives new jobs again (while the active bond is at least `min_bond`).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::resume())]
		pub fn resume(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_paused(&who, false)
		}

		/// Starts unbonding `amount` of the active bond. It stays on hold, and slashable,
		/// for `unbonding_period` blocks. What remains active must be zero (the provider
		/// stops receiving jobs) or at least `min_bond`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unbond(&who, amount)
		}

		/// Returns every matured unbonding chunk to the free balance.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(&who)
		}

		/// Leaves the registry. Nothing may be held (unbond and withdraw first) and no job
		/// may be in flight.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::deregister())]
		pub fn deregister(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deregister(who)
		}

		/// Sets the protocol parameters. `GovernanceOrigin` only.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: ProviderParamsOf<T>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_params(params)
		}
	}
}
