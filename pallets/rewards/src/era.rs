//! Eras: at each era's first block the closing era's unspent work budget and the pot's
//! surplus go to the treasury, and the new era's emission is minted and split. O(1), plus
//! the era's audit jobs (at most `MaxAudits`).

use crate::*;
use depin_interfaces::{AuditJobs, PoolIncome};
use frame_support::traits::{fungible::Inspect, Get};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	Perbill,
};

impl<T: Config> Pallet<T> {
	/// What the pot must keep: its existential deposit, income booked and not claimed,
	/// stake income not yet booked, the current era's work budget left and the part of its
	/// stake stream not yet released.
	pub(crate) fn pot_obligations() -> BalanceOf<T> {
		let era = CurrentEra::<T>::get();
		T::Currency::minimum_balance()
			.saturating_add(T::Pools::total_owed())
			.saturating_add(StakeUnbooked::<T>::get())
			.saturating_add(era.work_budget.saturating_sub(era.work_paid))
			.saturating_add(era.stake_budget.saturating_sub(era.stake))
	}

	/// The emission of one era: `issuance × inflation × era length / blocks per year`,
	/// rounded down (multiplied first: dividing the year into whole eras would round an era
	/// longer than half a year up to a whole year's emission).
	pub(crate) fn emission(params: &RewardParamsOf<T>) -> BalanceOf<T> {
		let per_year: u128 = T::BlocksPerYear::get().unique_saturated_into();
		let length: u128 = params.era_length.unique_saturated_into();
		let yearly = params.inflation * T::Currency::total_issuance();
		let yearly: u128 = yearly.unique_saturated_into();
		(yearly.saturating_mul(length) / per_year.max(1)).unique_saturated_into()
	}

	/// Closes `closing` and starts the next era at `now`. Returns the audits issued.
	pub(crate) fn start_era(now: BlockNumberFor<T>, closing: EraInfoOf<T>) -> u32 {
		// Close: the stake stream is released to the era's last block; what work did not
		// use and what the stream could not pay go to the treasury, and so does whatever
		// the pot holds beyond what it owes (audit refunds and deposits that came back).
		let params = Params::<T>::get();
		Self::release_stake(closing.start.saturating_add(params.era_length));
		// The release updated the era's record.
		let mut closing = CurrentEra::<T>::get();
		let left = closing
			.work_budget
			.saturating_sub(closing.work_paid)
			.saturating_add(closing.stake_budget.saturating_sub(closing.stake));
		closing.unspent = closing.unspent.saturating_add(left);
		CurrentEra::<T>::mutate(|era| {
			era.work_budget = era.work_paid;
			era.stake_budget = era.stake;
		});
		asset::to_treasury::<T>(left);
		let surplus = asset::pot_balance::<T>().saturating_sub(Self::pot_obligations());
		closing.swept = asset::to_treasury::<T>(surplus);
		Self::clear_audits();
		Self::deposit_event(Event::EraClosed {
			era: closing.index,
			work_paid: closing.work_paid,
			unspent: closing.unspent,
			swept: closing.swept,
		});

		// Open: mint and split.
		let minted = asset::mint::<T>(Self::emission(&params));
		let work_budget = params.work_share * minted;
		let stake_budget = params.stake_share * minted;
		let treasury = minted.saturating_sub(work_budget).saturating_sub(stake_budget);
		asset::to_treasury::<T>(treasury);
		let era = EraInfo {
			index: closing.index.saturating_add(1),
			start: now,
			minted,
			work_budget,
			work_paid: Zero::zero(),
			stake_budget,
			stake: Zero::zero(),
			treasury,
			unspent: Zero::zero(),
			swept: Zero::zero(),
		};
		LastEra::<T>::put(closing);
		CurrentEra::<T>::put(&era);
		// The new era's stream starts now, from the index its predecessor left.
		StakeReleasedTo::<T>::put(now);
		EraStartIndex::<T>::insert(era.index, StakeIndex::<T>::get());
		if let Some(old) = era.index.checked_sub(ERA_START_HISTORY) {
			EraStartIndex::<T>::remove(old);
		}
		Self::deposit_event(Event::EraStarted {
			era: era.index,
			minted,
			work_budget,
			stake: stake_budget,
			treasury,
		});
		Self::issue_audits(&params)
	}

	/// Clears finished audit jobs (their deposits return to the pot).
	fn clear_audits() {
		let pot = Self::pot();
		OpenAudits::<T>::mutate(|open| {
			open.retain(|job| !T::Audits::clear_if_finished(&pot, *job))
		});
	}

	/// Issues this era's audits, paid from its work budget. Returns how many were issued.
	fn issue_audits(params: &RewardParamsOf<T>) -> u32 {
		let pot = Self::pot();
		let mut issued = 0u32;
		for index in 0..params.audits_per_era {
			if OpenAudits::<T>::get().is_full() {
				break;
			}
			// An audit whose escrow the budget left cannot cover is not issued at all.
			let issue = frame_support::storage::with_storage_layer(|| {
				let before = asset::pot_balance::<T>();
				let job = T::Audits::issue(&pot, params.audit_replicas, index)?;
				let cost = before.saturating_sub(asset::pot_balance::<T>());
				CurrentEra::<T>::try_mutate(|era| {
					let paid = era.work_paid.saturating_add(cost);
					if paid > era.work_budget {
						return Err(sp_runtime::DispatchError::Other("work budget spent"));
					}
					era.work_paid = paid;
					Ok(job)
				})
			});
			match issue {
				Ok(job) => {
					OpenAudits::<T>::mutate(|open| {
						let _ = open.try_push(job);
					});
					issued = issued.saturating_add(1);
					Self::deposit_event(Event::AuditIssued { job });
				},
				Err(error) => {
					Self::deposit_event(Event::AuditSkipped { error });
					break;
				},
			}
		}
		issued
	}

	pub(crate) fn era_view() -> EraState<BalanceOf<T>, BlockNumberFor<T>> {
		let era = CurrentEra::<T>::get();
		let next_era_at = era.start.saturating_add(Params::<T>::get().era_length);
		EraState { era, next_era_at, total_counted: TotalCounted::<T>::get() }
	}

	/// Stake income per counted unit over the last closed era, at today's counted stake.
	pub(crate) fn last_stake_yield() -> Perbill {
		let Some(era) = LastEra::<T>::get() else { return Perbill::zero() };
		let total = TotalCounted::<T>::get();
		if total.is_zero() {
			return Perbill::zero();
		}
		Perbill::from_rational(era.stake.min(total), total)
	}
}
