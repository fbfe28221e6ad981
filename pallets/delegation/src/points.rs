//! Points: a member's share of its pool's active stake. `delegate` mints points at the
//! pool's rate, `unbond` burns them; slashes change the pool's stake, never its points, so
//! every member's share falls with it.

use crate::*;
use depin_interfaces::{CountedStakeObserver, ProviderStake};
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::fungible::Inspect};
use sp_runtime::{
	traits::{CheckedAdd, Saturating, Zero},
	DispatchError, Rounding,
};

/// `value × numerator / denominator`, rounded as asked, saturating; zero over zero.
pub(crate) fn scale<B: sp_runtime::traits::AtLeast32BitUnsigned + Copy>(
	value: B,
	numerator: B,
	denominator: B,
	rounding: Rounding,
) -> B {
	if denominator.is_zero() {
		return Zero::zero();
	}
	sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
		value.unique_saturated_into(),
		numerator.unique_saturated_into(),
		denominator.unique_saturated_into(),
		rounding,
	)
	.map(B::unique_saturated_from)
	.unwrap_or_else(B::max_value)
}

use sp_runtime::traits::Bounded;

/// Points that `value` buys in a pool of `points` worth `stake` (one point per unit in an
/// empty pool). Rounded down: the pool never gives more than it receives.
pub(crate) fn points_for<B: sp_runtime::traits::AtLeast32BitUnsigned + Copy + Bounded>(
	value: B,
	points: B,
	stake: B,
) -> B {
	if points.is_zero() || stake.is_zero() {
		value
	} else {
		scale(value, points, stake, Rounding::Down)
	}
}

/// What `share` of a pool's `points` is worth when they are worth `stake` together.
/// Rounded down, except that all the points are worth all the stake.
pub(crate) fn value_of<B: sp_runtime::traits::AtLeast32BitUnsigned + Copy + Bounded>(
	share: B,
	points: B,
	stake: B,
) -> B {
	if share >= points {
		stake
	} else {
		scale(share, stake, points, Rounding::Down)
	}
}

impl<T: Config> Pallet<T> {
	/// Delegation, shared by `delegate`, `delegate_more` and benchmarks.
	pub(crate) fn do_delegate(
		who: &T::AccountId,
		provider: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(amount >= T::Currency::minimum_balance(), Error::<T>::BelowMinimum);
		ensure!(T::Providers::accepts_delegations(provider), Error::<T>::NotAcceptingDelegations);
		let params = Params::<T>::get();
		let member = match Members::<T>::get(who) {
			Some(member) => {
				ensure!(&member.provider == provider, Error::<T>::DelegatingElsewhere);
				Some(member)
			},
			None => None,
		};
		// Stake income accrued so far is booked at the stake that earned it.
		T::StakeIncome::settle_income(provider);
		let mut pool = Pools::<T>::get(provider).unwrap_or_default();
		let mut member = match member {
			Some(mut member) => {
				Self::settle_member(&mut pool, &mut member);
				member
			},
			None => Member {
				provider: provider.clone(),
				points: Zero::zero(),
				last_counter: pool.reward_counter,
				unclaimed: Zero::zero(),
				unbonding: Default::default(),
			},
		};
		let active_before = value_of(member.points, pool.points, pool.active);
		ensure!(
			active_before.saturating_add(amount) >= params.min_delegation,
			Error::<T>::BelowMinimum
		);
		Self::add_stake(provider, &mut pool, &mut member, amount, &params, || {
			asset::stake::<T>(who, provider, amount)
				.map_err(|_| Error::<T>::InsufficientBalance.into())
		})
		.map(|points| {
			Self::deposit_event(Event::Delegated {
				member: who.clone(),
				provider: provider.clone(),
				amount,
				points,
			})
		})?;
		Self::store(who, provider, pool, Some(member));
		Ok(())
	}

	/// Adds `amount` to the pool's active stake for `member` (newly counted if it had no
	/// stake in it), after `transfer` put it on the pool's hold. Checks the delegation cap.
	/// Returns the points minted. The caller stores the pool and the member.
	pub(crate) fn add_stake(
		provider: &T::AccountId,
		pool: &mut PoolOf<T>,
		member: &mut MemberOf<T>,
		amount: BalanceOf<T>,
		params: &DelegationParams<BalanceOf<T>>,
		transfer: impl FnOnce() -> DispatchResult,
	) -> Result<BalanceOf<T>, DispatchError> {
		ensure!(pool.points.is_zero() || !pool.active.is_zero(), Error::<T>::PoolSlashedOut);
		let active = pool.active.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		let own = T::Providers::own_bond(provider).unwrap_or_default();
		ensure!(
			active <= own.saturating_mul(params.max_delegation_ratio.into()),
			Error::<T>::DelegationCapReached
		);
		let points = points_for(amount, pool.points, pool.active);
		ensure!(!points.is_zero(), Error::<T>::BelowMinimum);
		if pool.held().is_zero() {
			asset::open::<T>(provider);
		}
		if let Err(e) = transfer() {
			if pool.held().is_zero() {
				asset::close::<T>(provider);
			}
			return Err(e);
		}
		pool.active = active;
		pool.points = pool.points.saturating_add(points);
		member.points = member.points.saturating_add(points);
		Ok(points)
	}

	/// Writes back a pool and a member after a change, and tells the providers pallet the
	/// pool's active stake when it changed. A member with nothing left (no points, nothing
	/// unbonding, no unclaimed income) is removed, and so is a pool nothing refers to: the
	/// pool's member count follows the member records, so that no member outlives its pool.
	pub(crate) fn store(
		who: &T::AccountId,
		provider: &T::AccountId,
		mut pool: PoolOf<T>,
		member: Option<MemberOf<T>>,
	) {
		if let Some(member) = member {
			let gone = member.points.is_zero()
				&& member.unbonding.is_empty()
				&& member.unclaimed.is_zero();
			let existed = Members::<T>::contains_key(who);
			if gone {
				Members::<T>::remove(who);
			} else {
				Members::<T>::insert(who, member);
			}
			match (existed, gone) {
				(false, false) => pool.members = pool.members.saturating_add(1),
				(true, true) => pool.members = pool.members.saturating_sub(1),
				_ => {},
			}
		}
		// Dust the counter could never pay out once no member has points is the provider's.
		if pool.points.is_zero() && !pool.members_owed.is_zero() {
			pool.provider_owed = pool.provider_owed.saturating_add(pool.members_owed);
			pool.members_owed = Zero::zero();
		}
		let active = pool.active;
		// The provider's record changes (and its stake income is settled) only when the
		// active stake did: claims and withdrawals leave it alone.
		let changed =
			Pools::<T>::get(provider).map_or(Zero::zero(), |stored| stored.active) != active;
		if pool.is_spent() {
			Pools::<T>::remove(provider);
		} else {
			Pools::<T>::insert(provider, pool);
		}
		if changed {
			T::Providers::set_delegated(provider, active);
		}
	}

	/// What `who`'s delegation is worth: active and unbonding stake (the DAO counts it).
	pub fn staked_value(who: &T::AccountId) -> BalanceOf<T> {
		Self::member_view(who).map_or(Zero::zero(), |m| {
			m.unbonding.iter().fold(m.active, |acc, (_, v)| acc.saturating_add(*v))
		})
	}
}
