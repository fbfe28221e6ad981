//! Weights of `pallet_delegation`: provisional figures until `scripts/benchmark` measures
//! them (the same template as every other pallet renders this file).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions of `pallet_delegation`.
pub trait WeightInfo {
	fn delegate() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn claim() -> Weight;
	fn compound() -> Weight;
	fn claim_commission() -> Weight;
	fn set_commission() -> Weight;
	fn set_params() -> Weight;
}

/// Weights of `pallet_delegation` measured on the reference machine, with the runtime's
/// database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn delegate() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(16_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(16_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(16_u64))
	}
	fn claim() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(16_u64))
	}
	fn compound() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(16_u64))
	}
	fn claim_commission() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(16_u64))
	}
	fn set_commission() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(16_u64))
	}
	fn set_params() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(16_u64))
	}
}

// For tests: the same figures with ParityDB's database weights.
impl WeightInfo for () {
	fn delegate() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(16_u64))
			.saturating_add(ParityDbWeight::get().writes(16_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(16_u64))
			.saturating_add(ParityDbWeight::get().writes(16_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(16_u64))
			.saturating_add(ParityDbWeight::get().writes(16_u64))
	}
	fn claim() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(16_u64))
			.saturating_add(ParityDbWeight::get().writes(16_u64))
	}
	fn compound() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(16_u64))
			.saturating_add(ParityDbWeight::get().writes(16_u64))
	}
	fn claim_commission() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(16_u64))
			.saturating_add(ParityDbWeight::get().writes(16_u64))
	}
	fn set_commission() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(16_u64))
			.saturating_add(ParityDbWeight::get().writes(16_u64))
	}
	fn set_params() -> Weight {
		Weight::from_parts(200_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(16_u64))
			.saturating_add(ParityDbWeight::get().writes(16_u64))
	}
}
