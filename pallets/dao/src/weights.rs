//! Weights of `pallet_dao`: replaced by `scripts/benchmark pallet_dao`.

#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::weights::Weight;

/// Weight functions of `pallet_dao`.
pub trait WeightInfo {
	fn vote() -> Weight;
	fn remove_vote() -> Weight;
	fn vote_as_provider() -> Weight;
	fn remove_provider_vote() -> Weight;
	fn unlock() -> Weight;
	fn authorize_upgrade() -> Weight;
	fn set_params() -> Weight;
}

/// Weights of `pallet_dao` in a runtime.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn vote() -> Weight {
		Weight::zero()
	}
	fn remove_vote() -> Weight {
		Weight::zero()
	}
	fn vote_as_provider() -> Weight {
		Weight::zero()
	}
	fn remove_provider_vote() -> Weight {
		Weight::zero()
	}
	fn unlock() -> Weight {
		Weight::zero()
	}
	fn authorize_upgrade() -> Weight {
		Weight::zero()
	}
	fn set_params() -> Weight {
		Weight::zero()
	}
}

impl WeightInfo for () {
	fn vote() -> Weight {
		Weight::zero()
	}
	fn remove_vote() -> Weight {
		Weight::zero()
	}
	fn vote_as_provider() -> Weight {
		Weight::zero()
	}
	fn remove_provider_vote() -> Weight {
		Weight::zero()
	}
	fn unlock() -> Weight {
		Weight::zero()
	}
	fn authorize_upgrade() -> Weight {
		Weight::zero()
	}
	fn set_params() -> Weight {
		Weight::zero()
	}
}
