//! Every currency operation of the rewards pallet, in one place: minting the emission
//! into the reward pot, and sending the treasury its share. Income booked into pools is
//! paid from the pot by the delegation pallet.

use crate::{BalanceOf, Config, Pallet};
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	tokens::Preservation,
	Get,
};
use sp_runtime::traits::Zero;

/// The pot's balance.
pub fn pot_balance<T: Config>() -> BalanceOf<T> {
	T::Currency::balance(&Pallet::<T>::pot())
}

/// Mints `amount` into the pot. Returns what was minted (nothing if issuance would
/// overflow).
pub fn mint<T: Config>(amount: BalanceOf<T>) -> BalanceOf<T> {
	if amount.is_zero() {
		return amount;
	}
	T::Currency::mint_into(&Pallet::<T>::pot(), amount).unwrap_or_else(|e| {
		log::error!(target: "runtime::rewards", "minting {amount:?} failed: {e:?}");
		Zero::zero()
	})
}

/// Sends `amount` from the pot to the treasury, keeping the pot alive. Returns what was
/// sent.
pub fn to_treasury<T: Config>(amount: BalanceOf<T>) -> BalanceOf<T> {
	if amount.is_zero() {
		return amount;
	}
	T::Currency::transfer(&Pallet::<T>::pot(), &T::Treasury::get(), amount, Preservation::Preserve)
		.unwrap_or_else(|e| {
			log::error!(target: "runtime::rewards", "paying {amount:?} to the treasury failed: {e:?}");
			Zero::zero()
		})
}
