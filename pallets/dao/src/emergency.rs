//! The emergency power: recovery calls that only Root could make, reachable through one
//! track that needs both houses.
//!
//! The chain has no root key, yet a few of its stock pallets' recovery calls accept
//! nothing but Root: GRANDPA's `note_stalled` (restart finality with a forced authority
//! change after a stall) and the referenda's `nudge_referendum` and `one_fewer_deciding`
//! (move a referendum whose scheduler alarm was lost). Without an origin that reaches them,
//! a finality stall or a stuck referendum could only be fixed by a runtime upgrade, which
//! itself needs a working chain and working referenda.
//!
//! [`Pallet::emergency`] dispatches such a call as Root for the `EmergencyOrigin` (in the
//! runtime, the emergency track, where both houses must pass), and only the calls the
//! runtime lists in `EmergencyCalls`: the track cannot transfer funds, change parameters
//! or upgrade the runtime through it. Its result is an event; a call that fails does not
//! undo the referendum that enacted it.

use crate::*;
use frame_support::{
	dispatch::{DispatchResultWithPostInfo, GetDispatchInfo, Pays, PostDispatchInfo},
	ensure,
	traits::{Contains, Get},
};
use sp_runtime::traits::Dispatchable;

impl<T: Config> Pallet<T> {
	/// Dispatches `call` as Root if the runtime lists it as a recovery call.
	pub(crate) fn do_emergency(call: <T as Config>::RuntimeCall) -> DispatchResultWithPostInfo {
		ensure!(T::EmergencyCalls::contains(&call), Error::<T>::NotAnEmergencyCall);
		let declared = call.get_dispatch_info().call_weight;
		// Root passes every call filter: the list above is the only one that applies.
		let result = call.dispatch(frame_system::RawOrigin::Root.into());
		let used = match &result {
			Ok(post) => post.actual_weight,
			Err(e) => e.post_info.actual_weight,
		};
		Self::deposit_event(Event::EmergencyDispatched {
			result: result.map(|_| ()).map_err(|e| e.error),
		});
		// The wrapper succeeds whatever the call returned: its outcome is in the event.
		Ok(PostDispatchInfo {
			actual_weight: Some(
				used.unwrap_or(declared).saturating_add(T::DbWeight::get().reads(1)),
			),
			pays_fee: Pays::Yes,
		})
	}
}
