//! Weights of `pallet_validators`: replaced by `scripts/benchmark pallet_validators`.

#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::weights::Weight;

/// Weight functions of `pallet_validators`.
pub trait WeightInfo {
	fn add_validator() -> Weight;
	fn remove_validator() -> Weight;
	fn set_minimum_validators() -> Weight;
	fn purge_keys() -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn add_validator() -> Weight {
		Weight::zero()
	}
	fn remove_validator() -> Weight {
		Weight::zero()
	}
	fn set_minimum_validators() -> Weight {
		Weight::zero()
	}
	fn purge_keys() -> Weight {
		Weight::zero()
	}
}

impl WeightInfo for () {
	fn add_validator() -> Weight {
		Weight::zero()
	}
	fn remove_validator() -> Weight {
		Weight::zero()
	}
	fn set_minimum_validators() -> Weight {
		Weight::zero()
	}
	fn purge_keys() -> Weight {
		Weight::zero()
	}
}
