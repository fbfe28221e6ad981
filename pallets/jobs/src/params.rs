//! Which protocol parameters governance may set.

use crate::*;
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	/// Whether `p` is a consistent set of parameters: non-empty windows, a deadline range
	/// that is not empty, an error fee no higher than the least price, a queue that waits.
	pub(crate) fn params_are_valid(p: &JobParamsOf<T>) -> bool {
		!p.min_deadline.is_zero()
			&& p.min_deadline <= p.max_deadline
			&& !p.reveal_window.is_zero()
			&& p.error_fee <= p.min_price
			&& p.max_queue_blocks > 0
	}
}
