//! # Validators pallet
//!
//! The validator set of the DePIN Compute Chain: who authors blocks (BABE) and votes on
//! finality (GRANDPA). The set is small and governed: the DAO's validator-admin track adds
//! and removes members; nobody joins by stake. `pallet-session` carries the set to the
//! consensus pallets at session boundaries, with the keys each member registered.
//!
//! ## Overview
//!
//! - **Joining.** A would-be validator runs a node, has it generate session keys
//!   (`author_rotateKeysWithOwner`), registers them with `session.setKeys` (a deposit is
//!   held while keys are set), and bonds at least [`MinimumBond`] with [`Pallet::bond`].
//!   Governance then calls [`Pallet::add_validator`]: only accounts with session keys and
//!   the bond can be added, so that every member can author and vote, and answers for it.
//! - **Accountability** ([`offences`]). A validator that equivocates (two blocks in one
//!   slot, two finality votes in one round) is reported by the nodes that see it, with a
//!   proof of key ownership against the historical session; it is disabled for the rest
//!   of the session and its bond slashed to the treasury.
//! - **Bonds** ([`Pallet::bond`], [`Pallet::unbond`], [`Pallet::withdraw_bond`]). A bond is
//!   held on the validator's own account. An account out of the set, and out of the
//!   sessions in force and queued, may unbond; the bond stays slashable for
//!   `UnbondingSessions` more sessions (the time for an equivocation of its last session to
//!   be reported), then is withdrawn.
//! - **Leaving.** [`Pallet::remove_validator`] takes a member out, never below
//!   [`MinimumValidators`], which governance sets ([`Pallet::set_minimum_validators`]) to
//!   what keeps finality alive on this network (GRANDPA needs more than two thirds of the
//!   set online). A former validator gets its key deposit back with [`Pallet::purge_keys`];
//!   members cannot purge their keys (the runtime filters `session.purgeKeys`), so every
//!   member always has keys.
//! - **Session boundaries** ([`session`]). Changes are planned when a session starts and
//!   take effect when the next one does: the set that governance changed during session
//!   `n` validates from session `n + 2`. A removed validator keeps its node running until
//!   then.
//! - **Session length** ([`SessionLength`]): slots per session, which is also BABE's
//!   epoch. Fixed at genesis, since BABE derives every epoch's slots from it.
//!
//! ## Invariants (`try_state`)
//!
//! - The set is sorted, has no duplicates, and holds at least [`MinimumValidators`]
//!   (itself at least one) and at most `MaxValidators` members.
//! - Every member has session keys.
//! - The session length is positive.
//! - Every unbonding account still has a bond, and is not a member.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod asset;
mod invariants;
pub mod offences;
pub mod session;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
use sp_runtime::{traits::Zero, Perbill};
pub use weights::WeightInfo;

const LOG_TARGET: &str = "runtime::validators";

/// A balance of the pallet's currency.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

/// The accounts of the validator set, bounded by `MaxValidators`.
pub type ValidatorSetOf<T> =
	frame_support::BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxValidators>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, Mutate, MutateHold},
			ValidatorRegistration,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_staking::SessionIndex;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config
		+ pallet_session::Config<ValidatorId = <Self as frame_system::Config>::AccountId>
	{
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// Who changes the set and its minimum: the DAO's validator-admin track.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The most validators the set may hold; BABE's and GRANDPA's `MaxAuthorities`
		/// must be at least this.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// The currency of bonds.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, which include this pallet's.
		type RuntimeHoldReason: From<HoldReason>;

		/// Where slashed bonds go: the treasury's account.
		type Treasury: Get<Self::AccountId>;

		/// Sessions a bond stays held, and slashable, after `unbond`: long enough for an
		/// equivocation in the validator's last session to be reported.
		#[pallet::constant]
		type UnbondingSessions: Get<SessionIndex>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A validator's bond, slashed for an offence.
		ValidatorBond,
	}

	/// The validator set governance decided on, sorted. The session that starts after the
	/// next boundary uses it.
	#[pallet::storage]
	pub type Validators<T: Config> = StorageValue<_, ValidatorSetOf<T>, ValueQuery>;

	/// The fewest validators the set may hold: governance keeps it where finality survives
	/// the failures it expects. Never zero.
	#[pallet::storage]
	pub type MinimumValidators<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Whether [`Validators`] changed since it was last handed to the session pallet.
	#[pallet::storage]
	pub type SetChanged<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Slots in a session, which is also BABE's epoch. Set at genesis only: BABE derives
	/// every epoch's start from it.
	#[pallet::storage]
	pub type SessionLength<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The least bond an account needs to be added to the set. Set by governance.
	#[pallet::storage]
	pub type MinimumBond<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Accounts that unbonded, and the session from which they may withdraw. One entry per
	/// bonded account at most.
	#[pallet::storage]
	pub type Unbonding<T: Config> = StorageMap<_, Twox64Concat, T::AccountId, SessionIndex>;

	/// The last session for which each validator was slashed: an offence slashes a validator
	/// once per session. Removed with the bond.
	#[pallet::storage]
	pub type LastSlashed<T: Config> = StorageMap<_, Twox64Concat, T::AccountId, SessionIndex>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The first validators (each needs session keys in the session pallet's genesis).
		pub validators: Vec<T::AccountId>,
		/// The fewest validators the set may hold.
		pub minimum_validators: u32,
		/// Slots in a session (and BABE epoch).
		pub session_length: u64,
		/// The least bond; each genesis validator bonds this much from its balance.
		pub minimum_bond: BalanceOf<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// An empty config (the default) configures nothing: a chain names its validators.
			if self.validators.is_empty() {
				return;
			}
			let mut validators = self.validators.clone();
			validators.sort();
			validators.dedup();
			assert_eq!(validators.len(), self.validators.len(), "duplicate genesis validator");
			let validators = ValidatorSetOf::<T>::try_from(validators)
				.expect("at most MaxValidators genesis validators");
			assert!(self.minimum_validators > 0, "the minimum must be at least one validator");
			assert!(
				validators.len() >= self.minimum_validators as usize,
				"fewer genesis validators than the minimum"
			);
			assert!(self.session_length > 0, "sessions must last at least one slot");
			for who in &validators {
				asset::hold_bond::<T>(who, self.minimum_bond)
					.expect("genesis validators can afford the minimum bond");
			}
			Validators::<T>::put(validators);
			MinimumValidators::<T>::put(self.minimum_validators);
			SessionLength::<T>::put(self.session_length);
			MinimumBond::<T>::put(self.minimum_bond);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` joins the set; it validates from the session after next.
		ValidatorAdded { who: T::AccountId },
		/// `who` leaves the set; it validates until the session after next starts.
		ValidatorRemoved { who: T::AccountId },
		/// The set may no longer hold fewer than `minimum` validators.
		MinimumValidatorsSet { minimum: u32 },
		/// The changed set was handed to the session pallet for session `session`.
		SetPlanned { session: SessionIndex, validators: u32 },
		/// `who` bonded `amount` more; it holds `bond` in all.
		Bonded { who: T::AccountId, amount: BalanceOf<T>, bond: BalanceOf<T> },
		/// `who` unbonded: it may withdraw its bond from session `from`.
		Unbonded { who: T::AccountId, from: SessionIndex },
		/// `who` took its bond of `amount` back.
		Withdrawn { who: T::AccountId, amount: BalanceOf<T> },
		/// Validators need a bond of at least `bond` to be added.
		MinimumBondSet { bond: BalanceOf<T> },
		/// `who` committed an offence in session `session`: disabled for the rest of the
		/// session, and `amount` of its bond (`fraction` of it) went to the treasury.
		Slashed {
			who: T::AccountId,
			session: SessionIndex,
			fraction: Perbill,
			amount: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account has no session keys: it must call `session.setKeys` first.
		NoSessionKeys,
		/// The account is a validator already.
		AlreadyValidator,
		/// The account is not a validator.
		NotValidator,
		/// The set holds `MaxValidators` already.
		TooManyValidators,
		/// Removing a validator would leave fewer than the minimum.
		BelowMinimum,
		/// A minimum must be at least one and at most the set's current size.
		InvalidMinimum,
		/// A validator cannot purge its keys or unbond; it leaves the set first, and waits
		/// until the sessions it was planned for are over.
		StillValidator,
		/// The account's bond is below the minimum.
		BondTooLow,
		/// The account has no bond.
		NotBonded,
		/// The account is unbonding: it bonds again (`bond`) before it can be added.
		Unbonding,
		/// The account has not unbonded, or its bond is still slashable.
		NotWithdrawable,
		/// A bond must be more than zero.
		ZeroBond,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxValidators::get() > 0, "MaxValidators must allow a validator");
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Adds `who` to the validator set. `who` must have set session keys; it authors and
		/// votes from the session after next.
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::add_validator())]
		pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(Self::has_keys(&who), Error::<T>::NoSessionKeys);
			ensure!(!Unbonding::<T>::contains_key(&who), Error::<T>::Unbonding);
			ensure!(asset::held::<T>(&who) >= MinimumBond::<T>::get(), Error::<T>::BondTooLow);
			Validators::<T>::try_mutate(|set| -> DispatchResult {
				let at = set.binary_search(&who).err().ok_or(Error::<T>::AlreadyValidator)?;
				set.try_insert(at, who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
				Ok(())
			})?;
			SetChanged::<T>::put(true);
			Self::deposit_event(Event::ValidatorAdded { who });
			Ok(())
		}

		/// Removes `who` from the validator set, unless that leaves fewer than the minimum.
		/// It keeps validating until the session after next starts.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::remove_validator())]
		pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Validators::<T>::try_mutate(|set| -> DispatchResult {
				let at = set.binary_search(&who).map_err(|_| Error::<T>::NotValidator)?;
				ensure!(
					set.len() > MinimumValidators::<T>::get() as usize,
					Error::<T>::BelowMinimum
				);
				set.remove(at);
				Ok(())
			})?;
			SetChanged::<T>::put(true);
			Self::deposit_event(Event::ValidatorRemoved { who });
			Ok(())
		}

		/// Sets the fewest validators the set may hold: at least one, at most its size now.
		#[pallet::call_index(2)]
		#[pallet::weight(<T as Config>::WeightInfo::set_minimum_validators())]
		pub fn set_minimum_validators(origin: OriginFor<T>, minimum: u32) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(
				minimum > 0 && minimum as usize <= Validators::<T>::decode_len().unwrap_or(0),
				Error::<T>::InvalidMinimum
			);
			MinimumValidators::<T>::put(minimum);
			Self::deposit_event(Event::MinimumValidatorsSet { minimum });
			Ok(())
		}

		/// Removes the caller's session keys and releases their deposit, as
		/// `session.purgeKeys` does, for an account that is not a validator. (A member's
		/// keys must stay: the session after next would have no keys for it.)
		#[pallet::call_index(3)]
		#[pallet::weight(<T as Config>::WeightInfo::purge_keys())]
		pub fn purge_keys(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(
				Validators::<T>::get().binary_search(&who).is_err(),
				Error::<T>::StillValidator
			);
			pallet_session::Pallet::<T>::purge_keys(frame_system::RawOrigin::Signed(who).into())
		}

		/// Holds `amount` more of the caller's balance as its validator bond. An account
		/// that was unbonding stays bonded instead.
		#[pallet::call_index(4)]
		#[pallet::weight(<T as Config>::WeightInfo::bond())]
		pub fn bond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroBond);
			asset::hold_bond::<T>(&who, amount)?;
			Unbonding::<T>::remove(&who);
			let bond = asset::held::<T>(&who);
			Self::deposit_event(Event::Bonded { who, amount, bond });
			Ok(())
		}

		/// Starts taking the caller's bond back. The caller must be out of the set and of
		/// the sessions in force and queued; its bond stays slashable for
		/// `UnbondingSessions` sessions, then [`Pallet::withdraw_bond`] returns it.
		#[pallet::call_index(5)]
		#[pallet::weight(<T as Config>::WeightInfo::unbond())]
		pub fn unbond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!asset::held::<T>(&who).is_zero(), Error::<T>::NotBonded);
			ensure!(!Unbonding::<T>::contains_key(&who), Error::<T>::Unbonding);
			ensure!(!Self::validates_or_will(&who), Error::<T>::StillValidator);
			let from = pallet_session::CurrentIndex::<T>::get()
				.saturating_add(T::UnbondingSessions::get());
			Unbonding::<T>::insert(&who, from);
			Self::deposit_event(Event::Unbonded { who, from });
			Ok(())
		}

		/// Returns the caller's whole bond once its unbonding sessions are over.
		#[pallet::call_index(6)]
		#[pallet::weight(<T as Config>::WeightInfo::withdraw_bond())]
		pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let from = Unbonding::<T>::get(&who).ok_or(Error::<T>::NotWithdrawable)?;
			ensure!(pallet_session::CurrentIndex::<T>::get() >= from, Error::<T>::NotWithdrawable);
			let amount = asset::release_bond::<T>(&who)?;
			Unbonding::<T>::remove(&who);
			LastSlashed::<T>::remove(&who);
			Self::deposit_event(Event::Withdrawn { who, amount });
			Ok(())
		}

		/// Sets the least bond a validator needs to be added. Members bonded below it stay.
		#[pallet::call_index(7)]
		#[pallet::weight(<T as Config>::WeightInfo::set_minimum_bond())]
		pub fn set_minimum_bond(origin: OriginFor<T>, bond: BalanceOf<T>) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			MinimumBond::<T>::put(bond);
			Self::deposit_event(Event::MinimumBondSet { bond });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Whether `who` has session keys registered for the sessions to come.
		pub fn has_keys(who: &T::AccountId) -> bool {
			<pallet_session::Pallet<T> as ValidatorRegistration<T::AccountId>>::is_registered(who)
		}

		/// Slots in a session (and BABE epoch), as set at genesis.
		pub fn session_length() -> u64 {
			SessionLength::<T>::get()
		}

		/// Whether `who` is in the governed set, validates this session, or is queued for
		/// the next: its bond must stay.
		pub fn validates_or_will(who: &T::AccountId) -> bool {
			Validators::<T>::get().binary_search(who).is_ok()
				|| pallet_session::Validators::<T>::get().contains(who)
				|| pallet_session::QueuedKeys::<T>::get().iter().any(|(v, _)| v == who)
		}

		/// The bond `who` holds.
		pub fn bond_of(who: &T::AccountId) -> BalanceOf<T> {
			asset::held::<T>(who)
		}
	}
}
