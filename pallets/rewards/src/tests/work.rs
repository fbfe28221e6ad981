//! Verified work: audits and user jobs with enough replicas, paid from the era's budget.

use crate::{mock::*, CurrentEra, Event};
use depin_interfaces::{VerifiedWork, WorkCredit};

#[test]
fn user_jobs_with_enough_replicas_are_credited_a_share_of_their_fee() {
	execute(|| {
		run_to_era(1);
		// Three replicas, fee 300: each agreeing replica 50 % of 100.
		user_work(1, 3, 2_000, 300);
		assert!(events().contains(&Event::WorkCredited {
			provider: 1,
			value: 50,
			paid: 50,
			audit: false
		}));
		assert_eq!(CurrentEra::<Test>::get().work_paid, 50);
		// Two replicas: nothing.
		user_work(2, 2, 2_000, 200);
		assert_eq!(CurrentEra::<Test>::get().work_paid, 50);
		// Era 1's stake income (2,666, streamed over the era) and the credit, both the
		// provider's (no delegators).
		run_to_era(2);
		frame_support::assert_ok!(Delegation::claim_commission(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), START_BALANCE - MIN_BOND + 2_666 + 50);
	});
}

#[test]
fn audits_are_credited_their_reward() {
	execute(|| {
		run_to_era(1);
		Rewards::credit_work(
			&3,
			VerifiedWork { replicas: 3, price_per_replica: 1, fee: 1, audit: true },
		);
		assert!(events().contains(&Event::WorkCredited {
			provider: 3,
			value: 100,
			paid: 100,
			audit: true
		}));
	});
}

#[test]
fn credits_stop_at_the_eras_budget_and_the_rest_is_not_lost() {
	execute(|| {
		run_to_era(1); // budget 24,000
		for _ in 0..5 {
			user_work(1, 3, 100_000, 30_000); // worth 5,000 each
		}
		let era = CurrentEra::<Test>::get();
		assert_eq!(era.work_paid, 24_000);
		assert!(events().contains(&Event::WorkCredited {
			provider: 1,
			value: 5_000,
			paid: 4_000,
			audit: false
		}));
		// Nothing left: the next era starts with a new budget, and nothing went unpaid
		// to the treasury.
		run_to_era(2);
		assert_eq!(crate::LastEra::<Test>::get().unwrap().unspent, 1);
	});
}

#[test]
fn only_the_pot_is_the_auditor() {
	execute(|| {
		assert!(Rewards::is_auditor(&Rewards::pot()));
		assert!(!Rewards::is_auditor(&1));
	});
}

#[test]
fn recent_work_sums_the_last_eras_and_forgets_older_ones() {
	execute(|| {
		let audit = || VerifiedWork { replicas: 3, price_per_replica: 1, fee: 1, audit: true };
		run_to_era(1);
		Rewards::credit_work(&1, audit());
		Rewards::credit_work(&2, audit());
		run_to_era(2);
		Rewards::credit_work(&1, audit());
		Rewards::credit_work(&1, audit());
		assert_eq!(Rewards::recent_work(&1), 300);
		assert_eq!(Rewards::recent_work(&2), 100);
		assert_eq!(Rewards::network_recent_work(), 400);
		// The window is four eras: era 1's work counts up to era 4, not in era 5.
		run_to_era(4);
		assert_eq!(Rewards::recent_work(&2), 100);
		run_to_era(5);
		assert_eq!(Rewards::recent_work(&1), 200);
		assert_eq!(Rewards::recent_work(&2), 0);
		assert_eq!(Rewards::network_recent_work(), 200);
		run_to_era(6);
		assert_eq!(Rewards::network_recent_work(), 0);
		// A new credit drops what left the window from the record.
		Rewards::credit_work(&1, audit());
		assert_eq!(crate::ProviderWork::<Test>::get(1).into_inner(), vec![(6, 100)]);
		assert_eq!(Rewards::recent_work(&1), 100);
	});
}

/// A provider slashed for a wrong result kept the work-house weight of the work it was
/// credited before: it forfeits it, and the network's total with it.
#[test]
fn a_slashed_provider_forfeits_its_recent_work() {
	execute(|| {
		run_to_era(1);
		user_work(1, 3, 2_000, 300);
		user_work(2, 3, 2_000, 300);
		assert_eq!(Rewards::recent_work(&1), 50);
		assert_eq!(Rewards::network_recent_work(), 100);
		<Rewards as WorkCredit<AccountId, Balance>>::forfeit_work(&1);
		assert_eq!(Rewards::recent_work(&1), 0);
		assert_eq!(Rewards::network_recent_work(), 50);
		assert!(events().contains(&Event::WorkForfeited { provider: 1, recent: 50 }));
		// What it was paid stays paid.
		run_to_era(2);
		frame_support::assert_ok!(Delegation::claim_commission(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), START_BALANCE - MIN_BOND + 2_666 + 50);
	});
}
