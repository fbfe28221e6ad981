//! Registering, declaring capabilities, rotating operators, leaving, governance.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use sp_runtime::{DispatchError, Perbill};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ProviderBond.into(), &who)
}

#[test]
fn register_holds_the_bond_and_lists_the_provider() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Providers::register(RuntimeOrigin::signed(1), cpu(), operator(1), 500));
		assert_eq!(held(1), 500);
		assert_eq!(Balances::free_balance(1), START_BALANCE - 500);
		let info = ProviderRecords::<Test>::get(1).unwrap();
		assert_eq!(info.operator, operator(1));
		assert_eq!(info.bond, 500);
		assert_eq!(info.reputation, INITIAL_REPUTATION);
		assert_eq!(info.listing, Some(Listing { kind_slot: 0, class_slot: 0 }));
		assert_eq!(Operators::<Test>::get(operator(1)), Some(1));
		assert_eq!(ProviderCount::<Test>::get(), 1);
		assert_eq!(KindCounts::<Test>::get(DeviceKind::Cpu), 1);
		assert_eq!(
			provider_events(),
			vec![Event::Registered {
				provider: 1,
				operator: operator(1),
				kind: DeviceKind::Cpu,
				bond: 500
			}]
		);
	});
}

#[test]
fn register_rejects_bad_input_precisely() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Providers::register(RuntimeOrigin::signed(1), cpu(), operator(1), MIN_BOND));
		assert_noop!(
			Providers::register(RuntimeOrigin::signed(1), cpu(), operator(2), MIN_BOND),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(
			Providers::register(RuntimeOrigin::signed(2), cpu(), operator(1), MIN_BOND),
			Error::<Test>::OperatorInUse
		);
		assert_noop!(
			Providers::register(RuntimeOrigin::signed(2), cpu(), operator(2), MIN_BOND - 1),
			Error::<Test>::BondBelowMinimum
		);
		// The whole balance cannot be held: the existential deposit stays free.
		assert_noop!(
			Providers::register(RuntimeOrigin::signed(2), cpu(), operator(2), START_BALANCE),
			Error::<Test>::InsufficientBalance
		);
		for bad in [
			Capabilities { vendor: Default::default(), ..cpu() },
			Capabilities { device: Default::default(), ..cpu() },
			Capabilities { compute_units: 0, ..cpu() },
			Capabilities { memory_mib: 0, ..cpu() },
			Capabilities { max_concurrent_jobs: 0, ..cpu() },
		] {
			assert_noop!(
				Providers::register(RuntimeOrigin::signed(2), bad, operator(2), MIN_BOND),
				Error::<Test>::InvalidCapabilities
			);
		}
		assert_noop!(
			Providers::register(RuntimeOrigin::none(), cpu(), operator(2), MIN_BOND),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn the_registry_is_bounded() {
	MaxProviders::set(3);
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=3 {
			assert_ok!(Providers::register(
				RuntimeOrigin::signed(who),
				cpu(),
				operator(who),
				MIN_BOND
			));
		}
		assert_noop!(
			Providers::register(RuntimeOrigin::signed(4), cpu(), operator(4), MIN_BOND),
			Error::<Test>::TooManyProviders
		);
	});
	MaxProviders::set(100);
}

#[test]
fn update_capabilities_moves_the_provider_between_buckets() {
	ExtBuilder::default()
		.with_provider(1, cpu(), MIN_BOND)
		.with_provider(2, cpu(), MIN_BOND)
		.with_provider(3, cpu(), MIN_BOND)
		.build_and_execute(|| {
			// Provider 1 (slot 0) becomes a GPU of class 7: provider 3 takes its CPU slot.
			let gpu = caps(DeviceKind::Gpu, 7, 16_384, 2);
			assert_ok!(Providers::update_capabilities(RuntimeOrigin::signed(1), gpu.clone()));
			assert_eq!(KindCounts::<Test>::get(DeviceKind::Cpu), 2);
			assert_eq!(KindCounts::<Test>::get(DeviceKind::Gpu), 1);
			assert_eq!(KindSlots::<Test>::get(DeviceKind::Cpu, 0), Some(3));
			assert_eq!(ClassCounts::<Test>::get([7; 32]), 1);
			assert_eq!(ProviderRecords::<Test>::get(1).unwrap().capabilities, gpu);
			assert_noop!(
				Providers::update_capabilities(RuntimeOrigin::signed(9), cpu()),
				Error::<Test>::NotRegistered
			);
			assert_noop!(
				Providers::update_capabilities(
					RuntimeOrigin::signed(2),
					Capabilities { memory_mib: 0, ..cpu() }
				),
				Error::<Test>::InvalidCapabilities
			);
		});
}

#[test]
fn set_operator_rotates_the_hot_key() {
	ExtBuilder::default()
		.with_provider(1, cpu(), MIN_BOND)
		.with_provider(2, cpu(), MIN_BOND)
		.build_and_execute(|| {
			assert_ok!(Providers::set_operator(RuntimeOrigin::signed(1), 555));
			assert_eq!(Operators::<Test>::get(555), Some(1));
			assert_eq!(Operators::<Test>::get(operator(1)), None);
			assert_eq!(<Providers as ProviderRegistry<AccountId>>::provider_of(&555), Some(1));
			assert_noop!(
				Providers::set_operator(RuntimeOrigin::signed(1), operator(2)),
				Error::<Test>::OperatorInUse
			);
			assert_noop!(
				Providers::set_operator(RuntimeOrigin::signed(9), 777),
				Error::<Test>::NotRegistered
			);
			// The same key again changes nothing.
			assert_ok!(Providers::set_operator(RuntimeOrigin::signed(1), 555));
		});
}

#[test]
fn pause_and_resume_control_new_jobs() {
	ExtBuilder::default().with_provider(1, cpu(), MIN_BOND).build_and_execute(|| {
		assert_noop!(Providers::resume(RuntimeOrigin::signed(1)), Error::<Test>::NotPaused);
		assert_ok!(Providers::pause(RuntimeOrigin::signed(1)));
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().listing, None);
		assert_eq!(KindCounts::<Test>::get(DeviceKind::Cpu), 0);
		assert_noop!(Providers::pause(RuntimeOrigin::signed(1)), Error::<Test>::AlreadyPaused);
		assert_ok!(Providers::resume(RuntimeOrigin::signed(1)));
		assert!(ProviderRecords::<Test>::get(1).unwrap().listing.is_some());
		assert_noop!(Providers::pause(RuntimeOrigin::signed(2)), Error::<Test>::NotRegistered);
	});
}

#[test]
fn deregister_needs_nothing_held_and_no_jobs() {
	ExtBuilder::default().with_provider(1, cpu(), MIN_BOND).build_and_execute(|| {
		assert_noop!(Providers::deregister(RuntimeOrigin::signed(1)), Error::<Test>::StillBonded);
		assert_ok!(Providers::unbond(RuntimeOrigin::signed(1), MIN_BOND));
		<Providers as ProviderRegistry<AccountId>>::job_assigned(&1, &work(1));
		run_to_block(1 + UNBONDING);
		assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_noop!(Providers::deregister(RuntimeOrigin::signed(1)), Error::<Test>::HasActiveJobs);
		<Providers as ProviderRegistry<AccountId>>::job_released(&1, 1);
		assert_ok!(Providers::deregister(RuntimeOrigin::signed(1)));
		assert!(ProviderRecords::<Test>::get(1).is_none());
		assert!(Operators::<Test>::get(operator(1)).is_none());
		assert_eq!(ProviderCount::<Test>::get(), 0);
		assert_eq!(Balances::free_balance(1), START_BALANCE);
		assert_noop!(Providers::deregister(RuntimeOrigin::signed(1)), Error::<Test>::NotRegistered);
	});
}

#[test]
fn set_params_is_for_governance_and_checked() {
	ExtBuilder::default().build_and_execute(|| {
		let params = ProviderParams {
			min_bond: 1_000,
			unbonding_period: 20,
			slash_wrong_result: Perbill::from_percent(50),
			slash_no_show: Perbill::from_percent(5),
			reputation_gain: 1,
			reputation_loss_wrong: 10,
			reputation_loss_no_show: 5,
			max_exposure_percent: 200,
			min_class_providers: 1,
			min_class_bond: 1_000,
			max_counted_stake: 1_000_000,
		};
		assert_noop!(
			Providers::set_params(RuntimeOrigin::signed(1), params.clone()),
			DispatchError::BadOrigin
		);
		for bad in [
			ProviderParams { min_bond: 0, ..params.clone() },
			ProviderParams { unbonding_period: 0, ..params.clone() },
			ProviderParams { reputation_gain: MAX_REPUTATION + 1, ..params.clone() },
			ProviderParams { max_exposure_percent: 0, ..params.clone() },
			ProviderParams { min_class_providers: 0, ..params.clone() },
		] {
			assert_noop!(
				Providers::set_params(RuntimeOrigin::root(), bad),
				Error::<Test>::InvalidParams
			);
		}
		assert_ok!(Providers::set_params(RuntimeOrigin::root(), params.clone()));
		assert_eq!(Params::<Test>::get(), params);
		// The new minimum applies to registrations.
		assert_noop!(
			Providers::register(RuntimeOrigin::signed(1), cpu(), operator(1), 999),
			Error::<Test>::BondBelowMinimum
		);
	});
}

/// A change of the counted-stake cap reaches every provider through a sweep of the
/// registry, `RecountPerBlock` (2 here) a block, whether or not its record changes; a
/// change that keeps the cap starts no sweep.
#[test]
fn a_cap_change_recounts_every_provider_a_few_a_block() {
	let mut builder = ExtBuilder::default();
	for who in 1..=5 {
		builder = builder.with_provider(who, cpu(), 3 * MIN_BOND);
	}
	builder.build_and_execute(|| {
		let params = Params::<Test>::get();
		assert_ok!(Providers::set_params(RuntimeOrigin::root(), params.clone()));
		assert_eq!(crate::Recount::<Test>::get(), None);
		CountedReports::take();
		assert_ok!(Providers::set_params(
			RuntimeOrigin::root(),
			ProviderParams { max_counted_stake: 2 * MIN_BOND, ..params }
		));
		assert_eq!(crate::Recount::<Test>::get(), Some(crate::RecountFrom::Start));
		run_to_block(2);
		assert_eq!(CountedReports::get().len(), 2);
		run_to_block(4);
		let mut reports = CountedReports::take();
		reports.sort();
		assert_eq!(reports, (1..=5).map(|who| (who, 2 * MIN_BOND)).collect::<Vec<_>>());
		assert_eq!(crate::Recount::<Test>::get(), None);
		assert_eq!(provider_events().last(), Some(&Event::Recounted { last_batch: 1 }));
		run_to_block(6);
		assert!(CountedReports::get().is_empty());
	});
}
