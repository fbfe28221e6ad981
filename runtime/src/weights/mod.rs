//! The weights this runtime charges, for every pallet that has benchmarks: all measured in
//! one run of `scripts/benchmark` on the reference machine (the project's 2-core build
//! machine), so that the ratios between any two calls hold. Generated; never edited.
//!
//! `frame_system_extensions` is what System's transaction extensions (nonce, era, weight
//! checks) add to every signed transaction. GRANDPA keeps polkadot-sdk's hand-derived
//! `WeightInfo`: its only reachable call here is Root's `note_stalled`, and
//! `report_equivocation` cannot even be decoded (`KeyOwnerProof = Void`). The session
//! pallet keeps polkadot-sdk's weights (its benchmarks need a staking pallet); BABE and the
//! feeless-payment wrapper have no benchmarks here. `pallet_validators` was measured in a
//! later run of its own on the same machine.

pub mod frame_system;
pub mod frame_system_extensions;
pub mod pallet_balances;
pub mod pallet_dao;
pub mod pallet_delegation;
pub mod pallet_jobs;
pub mod pallet_providers;
pub mod pallet_rewards;
pub mod pallet_timestamp;
pub mod pallet_transaction_payment;
pub mod pallet_validators;
