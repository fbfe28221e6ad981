//! An offence reported against a validator: disabled for the rest of the session, its bond
//! slashed to the treasury exactly once per session.

use crate::{mock::*, Event, LastSlashed};
use frame_support::weights::Weight;
use sp_runtime::Perbill;
use sp_staking::offence::{OffenceDetails, OnOffenceHandler};

fn offence(offenders: &[AccountId], fraction: Perbill, session: u32) {
	let details: Vec<_> = offenders
		.iter()
		.map(|who| OffenceDetails { offender: (*who, ()), reporters: vec![] })
		.collect();
	let fractions = vec![fraction; offenders.len()];
	<Validators as OnOffenceHandler<AccountId, (AccountId, ()), Weight>>::on_offence(
		&details, &fractions, session,
	);
}

#[test]
fn an_offender_is_disabled_and_its_bond_slashed_to_the_treasury() {
	execute(|| {
		let issuance = Balances::total_issuance();
		// An equivocation by one of four: (3 × 1 / 4)² = 56.25 % of the bond.
		let fraction = Perbill::from_rational(9u32, 16);
		offence(&[2], fraction, 0);
		let slashed = fraction * BOND;
		assert_eq!(slashed, 22);
		assert_eq!(Validators::bond_of(&2), BOND - slashed);
		assert_eq!(Balances::free_balance(TREASURY), 1 + slashed);
		assert_eq!(Balances::total_issuance(), issuance, "moved, not burnt");
		assert_eq!(pallet_session::Pallet::<Test>::disabled_validators(), vec![1]);
		assert_eq!(
			events().last(),
			Some(&Event::Slashed { who: 2, session: 0, fraction, amount: slashed })
		);
		assert_eq!(LastSlashed::<Test>::get(2), Some(0));
	});
}

#[test]
fn an_offender_is_slashed_once_per_session() {
	execute(|| {
		let fraction = Perbill::from_percent(50);
		offence(&[3], fraction, 0);
		// The offences pallet repeats earlier offenders when another joins the report.
		offence(&[3, 4], fraction, 0);
		assert_eq!(Validators::bond_of(&3), BOND / 2);
		assert_eq!(Validators::bond_of(&4), BOND / 2);
		assert_eq!(Balances::free_balance(TREASURY), 1 + BOND);
		// A later session's offence slashes again, from what is left.
		run_to_session(1);
		offence(&[3], fraction, 1);
		assert_eq!(Validators::bond_of(&3), BOND / 4);
	});
}

#[test]
fn disabling_stops_at_a_third_of_the_set() {
	execute(|| {
		// Four validators: at most one disabled, whatever is reported, so that reports
		// cannot stop finality.
		offence(&[1, 2, 3], Perbill::from_percent(10), 0);
		assert_eq!(pallet_session::Pallet::<Test>::disabled_validators().len(), 1);
		// Every offender pays.
		for who in [1, 2, 3] {
			assert_eq!(Validators::bond_of(&who), BOND - 4);
		}
	});
}

#[test]
fn an_unbonding_offender_still_pays() {
	execute(|| {
		assert_ok_unbonding_account(5);
		offence(&[5], Perbill::from_percent(25), 0);
		assert_eq!(Validators::bond_of(&5), 30);
	});
}

fn assert_ok_unbonding_account(who: AccountId) {
	frame_support::assert_ok!(Validators::bond(RuntimeOrigin::signed(who), BOND));
	frame_support::assert_ok!(Validators::unbond(RuntimeOrigin::signed(who)));
}
