//! Membership: joining the registry with a bond, declaring the device and the operator key,
//! pausing and resuming, and leaving; and the one path through which a registered
//! provider's record changes ([`Pallet::update`]), which keeps the candidate index and the
//! counted stake in line with the record whatever changed.

use crate::*;
use depin_interfaces::CountedStakeObserver;
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get};
use sp_runtime::{traits::Zero, DispatchError};

impl<T: Config> Pallet<T> {
	/// The one way a registered provider's record changes: read it, let `change` edit
	/// it (or refuse with an error), bring its listing in the candidate index in line
	/// with it (whatever changed, so that no path can leave the index stale), store it,
	/// and emit the event `change` returns.
	pub(crate) fn update(
		who: &T::AccountId,
		change: impl FnOnce(&mut ProviderInfoOf<T>) -> Result<Option<Event<T>>, DispatchError>,
	) -> DispatchResult {
		let mut info = ProviderRecords::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		// First: stake income accrued so far is booked into the pool at the bond and the
		// delegated stake that earned it (the pool splits it by the record as it stands), so
		// that no change (a bond raised just before booking) takes a share of it.
		T::StakeObserver::settle_income(who);
		let params = Params::<T>::get();
		let before = index::standing::<T>(&info);
		let counted_before = Self::counted(&info, &params);
		let event = change(&mut info)?;
		index::refresh::<T>(who, &mut info);
		index::restate::<T>(before, index::standing::<T>(&info));
		ProviderRecords::<T>::insert(who, &info);
		if let Some(event) = event {
			Self::deposit_event(event);
		}
		// Last: the observer may book income into the provider's pool, which reads the
		// record just written.
		stake::observe::<T>(who, counted_before, Self::counted(&info, &params))
	}

	/// Registration, shared by the call and genesis.
	pub(crate) fn do_register(
		who: &T::AccountId,
		operator: T::AccountId,
		capabilities: Capabilities,
		bond: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!ProviderRecords::<T>::contains_key(who), Error::<T>::AlreadyRegistered);
		ensure!(!Operators::<T>::contains_key(&operator), Error::<T>::OperatorInUse);
		ensure!(Self::capabilities_are_valid(&capabilities), Error::<T>::InvalidCapabilities);
		ensure!(bond >= Params::<T>::get().min_bond, Error::<T>::BondBelowMinimum);
		let count = ProviderCount::<T>::get();
		ensure!(count < T::MaxProviders::get(), Error::<T>::TooManyProviders);
		asset::hold_bond::<T>(who, bond).map_err(|_| Error::<T>::InsufficientBalance)?;

		let kind = capabilities.kind;
		let mut info = ProviderInfo {
			operator: operator.clone(),
			capabilities,
			bond,
			unbonding: Default::default(),
			reputation: INITIAL_REPUTATION,
			paused: false,
			active_jobs: 0,
			exposure: Zero::zero(),
			delegated: Zero::zero(),
			listing: None,
			queue: Default::default(),
		};
		index::refresh::<T>(who, &mut info);
		index::restate::<T>(None, index::standing::<T>(&info));
		ProviderRecords::<T>::insert(who, &info);
		Operators::<T>::insert(&operator, who);
		ProviderCount::<T>::put(count.saturating_add(1));
		Self::deposit_event(Event::Registered { provider: who.clone(), operator, kind, bond });
		stake::observe::<T>(who, Zero::zero(), Self::counted(&info, &Params::<T>::get()))
	}

	/// New capabilities: the provider leaves its old buckets before its kind or class
	/// changes, and `update` lists it again under the new ones.
	pub(crate) fn do_update_capabilities(
		who: &T::AccountId,
		capabilities: Capabilities,
	) -> DispatchResult {
		ensure!(Self::capabilities_are_valid(&capabilities), Error::<T>::InvalidCapabilities);
		Self::update(who, |info| {
			index::delist::<T>(info);
			let kind = capabilities.kind;
			info.capabilities = capabilities;
			Ok(Some(Event::CapabilitiesUpdated { provider: who.clone(), kind }))
		})
	}

	/// A new operator key, which must not serve another provider.
	pub(crate) fn do_set_operator(who: &T::AccountId, operator: T::AccountId) -> DispatchResult {
		Self::update(who, |info| {
			if info.operator == operator {
				return Ok(None);
			}
			ensure!(!Operators::<T>::contains_key(&operator), Error::<T>::OperatorInUse);
			let old = core::mem::replace(&mut info.operator, operator.clone());
			Operators::<T>::remove(&old);
			Operators::<T>::insert(&operator, who);
			Ok(Some(Event::OperatorChanged { provider: who.clone(), old, new: operator }))
		})
	}

	/// Pauses (`paused`) or resumes the provider; either only from the other state.
	pub(crate) fn do_set_paused(who: &T::AccountId, paused: bool) -> DispatchResult {
		Self::update(who, |info| {
			ensure!(info.paused != paused, {
				if paused {
					Error::<T>::AlreadyPaused
				} else {
					Error::<T>::NotPaused
				}
			});
			info.paused = paused;
			Ok(Some(if paused {
				Event::Paused { provider: who.clone() }
			} else {
				Event::Resumed { provider: who.clone() }
			}))
		})
	}

	/// Leaving: nothing may be held and no job may be in flight.
	pub(crate) fn do_deregister(who: T::AccountId) -> DispatchResult {
		let mut info = ProviderRecords::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(info.active_jobs == 0, Error::<T>::HasActiveJobs);
		ensure!(info.total_held().is_zero(), Error::<T>::StillBonded);
		index::restate::<T>(index::standing::<T>(&info), None);
		index::delist::<T>(&mut info);
		Operators::<T>::remove(&info.operator);
		ProviderRecords::<T>::remove(&who);
		ProviderCount::<T>::mutate(|c| *c = c.saturating_sub(1));
		Self::deposit_event(Event::Deregistered { provider: who });
		Ok(())
	}

	/// What a provider may declare: names, and a device with memory, compute units and room
	/// for at least one job.
	pub(crate) fn capabilities_are_valid(c: &Capabilities) -> bool {
		!c.vendor.is_empty()
			&& !c.device.is_empty()
			&& c.compute_units > 0
			&& c.memory_mib > 0
			&& c.max_concurrent_jobs > 0
	}
}
