//! The invariant that no referendum stays ongoing past its track's timeouts, for
//! `try_state`: referenda ends each poll by an alarm, and a poll that outlives its alarm
//! would keep votes, deposits and locks in place for ever.

use core::marker::PhantomData;
use frame_support::traits::Get;
use pallet_referenda::{ReferendumInfo, ReferendumInfoFor, TracksInfo};
use sp_runtime::{
	traits::{BlockNumberProvider, One, Saturating},
	TryRuntimeError,
};

/// Checks that the polls the DAO counts for end when their rules say.
pub trait PollTimeouts {
	/// `Err` if a poll is ongoing past the latest block it may end in.
	fn check() -> Result<(), TryRuntimeError>;
}

impl PollTimeouts for () {
	fn check() -> Result<(), TryRuntimeError> {
		Ok(())
	}
}

/// [`PollTimeouts`] of a referenda instance: a referendum that is not deciding ends by
/// `UndecidingTimeout` after its submission (unless it waits in its track's queue); one
/// that is deciding ends by the end of its decision period or of its confirmation,
/// whichever is later. Alarms run at the start of a block, `AlarmInterval` apart: the
/// check allows that much and one block.
pub struct ReferendaTimeouts<T, I = ()>(PhantomData<(T, I)>);

impl<T: pallet_referenda::Config<I>, I: 'static> PollTimeouts for ReferendaTimeouts<T, I> {
	fn check() -> Result<(), TryRuntimeError> {
		let now = T::BlockNumberProvider::current_block_number();
		let slack = T::AlarmInterval::get().saturating_add(One::one());
		for (_, info) in ReferendumInfoFor::<T, I>::iter() {
			let ReferendumInfo::Ongoing(status) = info else { continue };
			let track = T::Tracks::info(status.track)
				.ok_or(TryRuntimeError::Other("a referendum on a track that does not exist"))?;
			let deadline = match status.deciding {
				None if status.in_queue => continue,
				None => status.submitted.saturating_add(T::UndecidingTimeout::get()),
				Some(deciding) => {
					let decided = deciding.since.saturating_add(track.decision_period);
					deciding.confirming.map_or(decided, |end| end.max(decided))
				},
			};
			if now > deadline.saturating_add(slack) {
				return Err(TryRuntimeError::Other(
					"a referendum is ongoing past its track's timeouts",
				));
			}
		}
		Ok(())
	}
}
