//! Weights of `pallet_rewards`: provisional figures until `scripts/benchmark` measures
//! them (the same template as every other pallet renders this file).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions of `pallet_rewards`.
pub trait WeightInfo {
	fn start_era(a: u32) -> Weight;
	fn set_params() -> Weight;
}

/// Weights of `pallet_rewards` measured on the reference machine, with the runtime's
/// database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn start_era(_a: u32) -> Weight {
		Weight::from_parts(500_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(32_u64))
			.saturating_add(T::DbWeight::get().writes(32_u64))
	}
	fn set_params() -> Weight {
		Weight::from_parts(500_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(32_u64))
			.saturating_add(T::DbWeight::get().writes(32_u64))
	}
}

// For tests: the same figures with ParityDB's database weights.
impl WeightInfo for () {
	fn start_era(_a: u32) -> Weight {
		Weight::from_parts(500_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(32_u64))
			.saturating_add(ParityDbWeight::get().writes(32_u64))
	}
	fn set_params() -> Weight {
		Weight::from_parts(500_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(32_u64))
			.saturating_add(ParityDbWeight::get().writes(32_u64))
	}
}
