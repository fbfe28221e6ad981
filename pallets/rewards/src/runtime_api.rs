//! Runtime API of the rewards pallet: the era and the yield of stake, for wallets and
//! polkadot.js apps. The same answers are view functions of the pallet.

use crate::EraState;
use codec::Codec;
use sp_runtime::Perbill;

sp_api::decl_runtime_apis! {
	/// Eras and yields.
	pub trait RewardsApi<Balance, BlockNumber> where Balance: Codec, BlockNumber: Codec {
		/// The current era, its accounts so far, and when the next begins.
		fn era_state() -> EraState<Balance, BlockNumber>;
		/// Stake income per unit of counted stake in the current era.
		fn stake_yield_per_era() -> Perbill;
	}
}
