//! # Providers pallet
//!
//! Providers are the people who sell OpenCL compute on the DePIN Compute Chain. This pallet
//! will keep their registrations (declared device capabilities and the operator key that
//! signs their attestations), their bonds (a fungible hold), unbonding, reputation and the
//! slashing API that the jobs pallet calls when a provider is wrong or absent.
//!
//! The calls, storage and invariants arrive with the marketplace; the crate exists so that
//! the runtime and the workspace already have its place.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;

#[frame_support::pallet]
pub mod pallet {
	/// Configuration of the providers pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);
}
