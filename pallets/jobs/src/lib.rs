//! # Jobs pallet
//!
//! Job submitters pay into escrow for OpenCL work; the chain assigns replicas to eligible
//! providers, collects commit-then-reveal attestations from their operator keys, decides
//! the result by a strict majority of identical hashes, pays the winners and slashes the
//! losers. This pallet will hold that lifecycle and the off-chain worker that dispatches the
//! compute on provider nodes.
//!
//! The calls, storage and invariants arrive with the marketplace; the crate exists so that
//! the runtime and the workspace already have its place.

#![cfg_attr(not(feature = "std"), no_std)]

pub use pallet::*;

#[frame_support::pallet]
pub mod pallet {
	/// Configuration of the jobs pallet.
	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);
}
