//! Which protocol parameters governance may set.

use crate::*;
use offchain::RESEND_AFTER;

/// The shortest commit or reveal window: long enough for a provider node to send its
/// attestation, find it lost, and send it again ([`RESEND_AFTER`] blocks later) with a
/// block to spare for inclusion.
pub const MIN_WINDOW: u32 = 2 * RESEND_AFTER + 1;

impl<T: Config> Pallet<T> {
	/// Whether `p` is a consistent set of parameters: windows of at least [`MIN_WINDOW`]
	/// blocks, a deadline range that is not empty, an error fee no higher than the least
	/// price, a queue that waits.
	pub(crate) fn params_are_valid(p: &JobParamsOf<T>) -> bool {
		p.min_deadline >= MIN_WINDOW.into()
			&& p.min_deadline <= p.max_deadline
			&& p.reveal_window >= MIN_WINDOW.into()
			&& p.error_fee <= p.min_price
			&& p.max_queue_blocks > 0
	}
}
