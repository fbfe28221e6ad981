//! Which protocol parameters governance may set.

use crate::*;
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use offchain::RESEND_AFTER;
use pallet_providers::ProviderRegistry;
use sp_runtime::traits::{One, Saturating};

/// The shortest commit or reveal window: long enough for a provider node to send its
/// attestation, find it lost, and send it again ([`RESEND_AFTER`] blocks later) with a
/// block to spare for inclusion.
pub const MIN_WINDOW: u32 = 2 * RESEND_AFTER + 1;

impl<T: Config> Pallet<T> {
	/// Whether `p` is a consistent set of parameters: windows of at least [`MIN_WINDOW`]
	/// blocks, a deadline range that is not empty, an error fee no higher than the least
	/// price, a queue that waits and whose rounds the base deposit pays for, some compute time, and no job that outlasts the providers' unbonding period
	/// (a provider must not be able to withdraw its bond before its jobs are settled).
	pub(crate) fn params_are_valid(p: &JobParamsOf<T>) -> bool {
		p.min_deadline >= MIN_WINDOW.into()
			&& p.min_deadline <= p.max_deadline
			&& p.reveal_window >= MIN_WINDOW.into()
			&& p.error_fee <= p.min_price
			&& p.max_queue_blocks > 0
			&& p.queue_fee_per_round.saturating_mul(p.max_queue_blocks.into()) <= p.deposit_base
			&& p.max_compute_budget_ms > 0
			&& p.compute_ms_per_block > 0
			&& Self::longest_job(p) < T::Providers::unbonding_period()
	}

	/// The most blocks between a provider's assignment to a job and the job's settlement:
	/// each of up to `MaxReplicas` rounds (the first, then one per escalation) waits in the
	/// queue, runs its commit window and its reveal window, and each window may be pushed
	/// back by [`SCHEDULE_PROBE`] blocks when the schedule is full.
	pub fn longest_job(p: &JobParamsOf<T>) -> BlockNumberFor<T> {
		let round = BlockNumberFor::<T>::from(p.max_queue_blocks)
			.saturating_add(p.max_deadline)
			.saturating_add(p.reveal_window)
			.saturating_add((2 * SCHEDULE_PROBE).into());
		round.saturating_mul(T::MaxReplicas::get().into()).saturating_add(One::one())
	}
}
