//! Slashing: a share of what a provider holds, active bond first, then the unbonding
//! chunks from the newest, goes to the treasury with an event. The jobs pallet decides
//! when (a wrong result, a no-show) through [`ProviderRegistry::punish`].

use crate::*;
use depin_interfaces::PoolSlash;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

impl<T: Config> Pallet<T> {
	/// Slashes `fraction` of what `who` holds, active bond first, then the unbonding
	/// chunks from the newest, and `fraction` of what its delegators hold behind it. Funds
	/// go to the treasury. Returns what was taken from the provider's own bond.
	pub(crate) fn slash(
		who: &T::AccountId,
		info: &mut ProviderInfoOf<T>,
		fraction: Perbill,
		reason: SlashReason,
	) -> BalanceOf<T> {
		// The same share of what its delegators hold behind it, in O(1) whatever their
		// number (the delegation pallet's pools).
		let (delegated, left) = T::Delegation::slash_pool(who, fraction);
		info.delegated = left;
		let wanted = fraction.mul_floor(info.total_held());
		if wanted.is_zero() && delegated.is_zero() {
			return wanted;
		}
		// (A zero transfer on hold moves nothing and succeeds.)
		let moved = match asset::slash_bond_to_treasury::<T>(who, wanted) {
			Ok(moved) => moved,
			Err(e) => {
				log::error!(target: "runtime::providers", "slash of {who:?} failed: {e:?}");
				return Zero::zero();
			},
		};
		// Take `moved` out of the record in the same order.
		let from_bond = moved.min(info.bond);
		info.bond = info.bond.saturating_sub(from_bond);
		let mut left = moved.saturating_sub(from_bond);
		for chunk in info.unbonding.iter_mut().rev() {
			if left.is_zero() {
				break;
			}
			let take = left.min(chunk.value);
			chunk.value = chunk.value.saturating_sub(take);
			left = left.saturating_sub(take);
		}
		info.unbonding.retain(|c| !c.value.is_zero());
		Self::deposit_event(Event::Slashed {
			provider: who.clone(),
			amount: moved,
			delegated,
			reason,
		});
		moved
	}
}
