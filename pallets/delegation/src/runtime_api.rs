//! Runtime API of the delegation pallet: what wallets and polkadot.js apps show a token
//! holder and a provider. The same answers are view functions of the pallet.

use crate::{MemberState, PoolState};
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Delegations, pools and income.
	pub trait DelegationApi<AccountId, Balance> where AccountId: Codec, Balance: Codec {
		/// Income `who` may claim now, as a member and as a provider.
		fn pending_rewards(who: AccountId) -> Balance;
		/// `provider`'s pool, if it has one.
		fn pool_state(provider: AccountId) -> Option<PoolState<Balance>>;
		/// `who`'s delegation, if it has one.
		fn member_state(who: AccountId) -> Option<MemberState<AccountId, Balance>>;
	}
}
