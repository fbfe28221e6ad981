//! The DAO's origins as `EnsureOrigin`s, for the pallets whose powers the tracks hold.
//!
//! A referendum on a track dispatches its call with that track's [`Origin`]; each pallet
//! names the one it obeys (`GovernanceOrigin = EnsureParameters`, the treasury's
//! `SpendOrigin = EnsureSpender<..>`, ...). There is no root key: no origin here is
//! reachable but through a referendum.

use crate::Origin;
use core::marker::PhantomData;
use frame_support::traits::{EnsureOrigin, Get};

macro_rules! ensure_track_origin {
	($(#[$doc:meta] $name:ident => $variant:ident,)+) => {$(
		#[$doc]
		pub struct $name;
		impl<O: Into<Result<Origin, O>> + From<Origin>> EnsureOrigin<O> for $name {
			type Success = ();
			fn try_origin(o: O) -> Result<Self::Success, O> {
				o.into().and_then(|o| match o {
					Origin::$variant => Ok(()),
					other => Err(O::from(other)),
				})
			}
			#[cfg(feature = "runtime-benchmarks")]
			fn try_successful_origin() -> Result<O, ()> {
				Ok(O::from(Origin::$variant))
			}
		}
	)+};
}

ensure_track_origin! {
	/// The parameters track: every pallet's `set_params`.
	EnsureParameters => Parameters,
	/// The validator-admin track: the validator set.
	EnsureValidatorAdmin => ValidatorAdmin,
	/// The upgrade track: authorizing a runtime upgrade.
	EnsureRuntimeUpgrade => RuntimeUpgrade,
	/// The cancel track: cancelling and killing referenda.
	EnsureCanceller => Canceller,
	/// The emergency track: the recovery calls only Root could make.
	EnsureEmergency => Emergency,
}

/// The spend tracks: the small spender may spend up to `Small`, the big spender up to
/// `Big` (the treasury reads the cap from the origin's success value).
pub struct EnsureSpender<Balance, Small, Big>(PhantomData<(Balance, Small, Big)>);

impl<O, Balance, Small, Big> EnsureOrigin<O> for EnsureSpender<Balance, Small, Big>
where
	O: Into<Result<Origin, O>> + From<Origin>,
	Small: Get<Balance>,
	Big: Get<Balance>,
{
	type Success = Balance;
	fn try_origin(o: O) -> Result<Balance, O> {
		o.into().and_then(|o| match o {
			Origin::SmallSpender => Ok(Small::get()),
			Origin::BigSpender => Ok(Big::get()),
			other => Err(O::from(other)),
		})
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<O, ()> {
		Ok(O::from(Origin::BigSpender))
	}
}
