//! Weights of `pallet_dao`: replaced by `scripts/benchmark pallet_dao`.

/// Weights of `pallet_dao` in this runtime.
pub type WeightInfo<T> = pallet_dao::weights::SubstrateWeight<T>;
