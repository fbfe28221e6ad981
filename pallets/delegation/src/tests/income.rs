//! Income: commission, the own bond's share, the reward-per-point counter, claims.

use crate::{mock::*, Error, Event, Members, Pools, TotalOwed};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::Perbill;

#[test]
fn income_is_split_between_commission_own_bond_and_delegators() {
	execute(|| {
		assert_ok!(Delegation::set_commission(RuntimeOrigin::signed(1), Perbill::from_percent(10)));
		// A decrease from nothing? No: from zero it is an increase, announced.
		Era::set(UNBONDING_ERAS + 1);
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 3_000));
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(11), 1, 1_000));
		book(1, 10_000);
		// 1,000 commission; 9,000 split 1,000 : 4,000 by own bond against delegated.
		assert!(events().contains(&Event::IncomeBooked {
			provider: 1,
			amount: 10_000,
			commission: 1_000,
			delegators: 7_200
		}));
		assert_eq!(Delegation::pending_rewards(10), 5_400);
		assert_eq!(Delegation::pending_rewards(11), 1_800);
		assert_eq!(Delegation::pending_rewards(1), 2_800);
		assert_eq!(TotalOwed::<Test>::get(), 10_000);

		let pot = free(POT);
		assert_ok!(Delegation::claim(RuntimeOrigin::signed(10)));
		assert_eq!(free(10), START_BALANCE - 3_000 + 5_400);
		assert_ok!(Delegation::claim_commission(RuntimeOrigin::signed(1)));
		assert_eq!(free(POT), pot - 5_400 - 2_800);
		assert_eq!(TotalOwed::<Test>::get(), 1_800);
		assert_noop!(Delegation::claim(RuntimeOrigin::signed(10)), Error::<Test>::NothingToClaim);
		assert_noop!(
			Delegation::claim_commission(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToClaim
		);
		assert_noop!(Delegation::claim(RuntimeOrigin::signed(12)), Error::<Test>::NotMember);
	});
}

#[test]
fn a_new_member_shares_no_income_booked_before_it_joined() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 1_000));
		book(1, 2_000); // 1,000 to the own bond, 1,000 to member 10
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(11), 1, 1_000));
		assert_eq!(Delegation::pending_rewards(11), 0);
		book(1, 3_000); // 1,000 own, 1,000 each
		assert_eq!(Delegation::pending_rewards(10), 2_000);
		assert_eq!(Delegation::pending_rewards(11), 1_000);
	});
}

#[test]
fn points_never_change_without_settling_income_first() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 1_000));
		book(1, 2_000);
		assert_ok!(Delegation::unbond(RuntimeOrigin::signed(10), 500));
		let member = Members::<Test>::get(10).unwrap();
		assert_eq!(member.unclaimed, 1_000);
		assert_eq!(member.last_counter, Pools::<Test>::get(1).unwrap().reward_counter);
		// Withdrawing everything keeps the record until the income is claimed.
		assert_ok!(Delegation::unbond(RuntimeOrigin::signed(10), 500));
		Era::set(UNBONDING_ERAS);
		assert_ok!(Delegation::withdraw_unbonded(RuntimeOrigin::signed(10)));
		assert_eq!(Delegation::pending_rewards(10), 1_000);
		assert_ok!(Delegation::claim(RuntimeOrigin::signed(10)));
		assert!(Members::<Test>::get(10).is_none());
	});
}

#[test]
fn compounding_delegates_income_for_points() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 1_000));
		book(1, 2_000);
		assert_ok!(Delegation::compound(RuntimeOrigin::signed(10)));
		assert_eq!(Delegation::staked_value(&10), 2_000);
		assert!(events().contains(&Event::Compounded { member: 10, amount: 1_000, points: 1_000 }));
		assert_eq!(TotalOwed::<Test>::get(), 1_000);
		assert_noop!(
			Delegation::compound(RuntimeOrigin::signed(10)),
			Error::<Test>::NothingToClaim
		);
	});
}

#[test]
fn a_claim_costs_the_same_after_any_number_of_bookings() {
	execute(|| {
		assert_ok!(Delegation::delegate(RuntimeOrigin::signed(10), 1, 1_000));
		for _ in 0..1_000 {
			book(1, 2);
		}
		// One counter, read once: 1,000 bookings of one unit each to the member.
		assert_eq!(Delegation::pending_rewards(10), 1_000);
		assert_ok!(Delegation::claim(RuntimeOrigin::signed(10)));
	});
}

#[test]
fn rounding_leaves_dust_in_the_pool_never_a_debt() {
	execute(|| {
		// Stakes and bookings that do not divide evenly.
		for member in 10..13u128 {
			assert_ok!(Delegation::delegate(
				RuntimeOrigin::signed(member),
				2,
				2_000 + member as u64
			));
		}
		let bookings = [7_001u64, 11_003, 13_007, 1, 1, 1];
		for amount in bookings {
			book(2, amount);
		}
		// Each member is paid exactly what it was shown as due, rounded down; what rounding
		// left stays in the pool, never owed beyond it.
		let mut claimed = 0;
		for member in 10..13u128 {
			let due = Delegation::pending_rewards(member);
			let before = free(member);
			if due == 0 {
				assert_noop!(
					Delegation::claim(RuntimeOrigin::signed(member)),
					Error::<Test>::NothingToClaim
				);
			} else {
				assert_ok!(Delegation::claim(RuntimeOrigin::signed(member)));
				assert!(System::events()
					.iter()
					.any(|r| r.event
						== RuntimeEvent::Delegation(Event::Claimed { member, amount: due })));
			}
			assert_eq!(free(member), before + due);
			assert_eq!(Delegation::pending_rewards(member), 0);
			claimed += due;
		}
		let booked: Balance = bookings.iter().sum();
		assert!(claimed > 0 && claimed <= booked, "claimed {claimed} of {booked} booked");
		// The invariants (run after the test) check that the pool still covers its members.
	});
}
