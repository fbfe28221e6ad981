//! What an offence costs a validator. BABE and GRANDPA report equivocations (two blocks in
//! one slot, two votes in one round) through `pallet-offences`, with a proof, checked
//! against the historical session, that the keys were the offender's. This pallet is the
//! offences pallet's handler:
//!
//! - the offender is **disabled** for the rest of the session (the session pallet's
//!   disabling strategy: BABE rejects its blocks, GRANDPA ignores its votes), up to a third
//!   of the set, so that an attack through reports cannot stop the chain;
//! - its **bond is slashed** by the offence's fraction (for an equivocation,
//!   `min(3k / n, 1)²` of the bond for `k` offenders among `n` validators: an accident of
//!   one is cheap, a coordinated attack costs everything), to the treasury;
//! - at most once per session per validator: later reports of the same session, and the
//!   repeats the offences pallet sends when another offender joins a report, disable but
//!   do not slash again.
//!
//! Removing the offender from the set is governance's call (`remove_validator` through a
//! referendum): an honest operator whose keys leaked onto a second machine deserves a
//! hearing, not an automatic exit.

use crate::*;
use frame_support::weights::Weight;
use sp_runtime::Perbill;
use sp_staking::{
	offence::{OffenceDetails, OffenceSeverity, OnOffenceHandler},
	SessionIndex,
};

impl<T: Config, FullIdentification>
	OnOffenceHandler<T::AccountId, (T::AccountId, FullIdentification), Weight> for Pallet<T>
{
	fn on_offence(
		offenders: &[OffenceDetails<T::AccountId, (T::AccountId, FullIdentification)>],
		slash_fraction: &[Perbill],
		session: SessionIndex,
	) -> Weight {
		let mut weight = Weight::zero();
		for (details, fraction) in offenders.iter().zip(slash_fraction) {
			let who = &details.offender.0;
			weight.saturating_accrue(<T as Config>::WeightInfo::on_offence());
			pallet_session::Pallet::<T>::report_offence(who.clone(), OffenceSeverity(*fraction));
			if LastSlashed::<T>::get(who).is_some_and(|last| last >= session) {
				continue;
			}
			let amount = *fraction * asset::held::<T>(who);
			let slashed = asset::slash_bond_to_treasury::<T>(who, amount).unwrap_or_else(|e| {
				log::error!(target: LOG_TARGET, "slashing {who:?} failed: {e:?}");
				Zero::zero()
			});
			LastSlashed::<T>::insert(who, session);
			Self::deposit_event(Event::Slashed {
				who: who.clone(),
				session,
				fraction: *fraction,
				amount: slashed,
			});
		}
		weight
	}
}
