//! Finding providers for a job through the candidate index.

use crate::{mock::*, *};
use frame_support::assert_ok;

type Registry = Providers;

fn req(kind: DeviceKind) -> Requirements {
	Requirements { kind, min_memory_mib: 0, min_reputation: 0, same_device_class: false }
}

fn select(req: &Requirements, count: u32, exclude: &[AccountId], seed: u8) -> Vec<AccountId> {
	<Registry as ProviderRegistry<AccountId>>::select(
		req,
		count,
		exclude,
		None,
		&work(1),
		[seed; 32],
	)
	.into_iter()
	.map(|(who, _)| who)
	.collect()
}

#[test]
fn selection_meets_the_requirements() {
	ExtBuilder::default()
		.with_provider(1, caps(DeviceKind::Cpu, 1, 1_024, 4), MIN_BOND)
		.with_provider(2, caps(DeviceKind::Cpu, 1, 8_192, 4), MIN_BOND)
		.with_provider(3, caps(DeviceKind::Gpu, 2, 24_576, 4), MIN_BOND)
		.build_and_execute(|| {
			for seed in 0..20 {
				let picked = select(&req(DeviceKind::Cpu), 2, &[], seed);
				assert_eq!(picked.len(), 2);
				assert!(picked.contains(&1) && picked.contains(&2));
				assert_eq!(select(&req(DeviceKind::Gpu), 3, &[], seed), vec![3]);
				assert!(select(&req(DeviceKind::Accelerator), 1, &[], seed).is_empty());
				let big = Requirements { min_memory_mib: 4_096, ..req(DeviceKind::Cpu) };
				assert_eq!(select(&big, 2, &[], seed), vec![2]);
				assert_eq!(select(&req(DeviceKind::Cpu), 2, &[2], seed), vec![1]);
			}
			assert!(select(&req(DeviceKind::Cpu), 0, &[], 0).is_empty());
		});
}

#[test]
fn selection_skips_full_paused_underbonded_and_distrusted_providers() {
	ExtBuilder::default()
		.with_provider(1, caps(DeviceKind::Cpu, 1, 4_096, 1), MIN_BOND)
		.with_provider(2, cpu(), MIN_BOND)
		.with_provider(3, cpu(), MIN_BOND)
		.with_provider(4, cpu(), MIN_BOND)
		.build_and_execute(|| {
			<Registry as ProviderRegistry<AccountId>>::job_assigned(&1, &work(1)); // at its cap of 1
			assert_ok!(Providers::pause(RuntimeOrigin::signed(2)));
			<Registry as ProviderRegistry<AccountId>>::punish(
				&3,
				SlashReason::WrongResult,
				1_000_000,
			); // below min bond
			for seed in 0..20 {
				assert_eq!(select(&req(DeviceKind::Cpu), 4, &[], seed), vec![4]);
			}
			let trusted =
				Requirements { min_reputation: INITIAL_REPUTATION + 1, ..req(DeviceKind::Cpu) };
			assert!(select(&trusted, 1, &[], 0).is_empty());
		});
}

#[test]
fn same_device_class_keeps_every_replica_in_one_class() {
	ExtBuilder::default()
		.with_provider(1, caps(DeviceKind::Gpu, 1, 8_192, 4), MIN_BOND)
		.with_provider(2, caps(DeviceKind::Gpu, 1, 8_192, 4), MIN_BOND)
		.with_provider(3, caps(DeviceKind::Gpu, 2, 8_192, 4), MIN_BOND)
		.with_provider(4, caps(DeviceKind::Gpu, 2, 8_192, 4), MIN_BOND)
		.with_provider(5, caps(DeviceKind::Gpu, 2, 8_192, 4), MIN_BOND)
		.build_and_execute(|| {
			let same = Requirements { same_device_class: true, ..req(DeviceKind::Gpu) };
			for seed in 0..30 {
				let picked = <Registry as ProviderRegistry<AccountId>>::select(
					&same,
					2,
					&[],
					None,
					&work(1),
					[seed; 32],
				);
				assert_eq!(picked.len(), 2);
				assert_eq!(picked[0].1, picked[1].1, "one class");
				assert_ne!(picked[0].0, picked[1].0);
			}
			// An escalation pinned to class 1 only draws from it.
			let pinned = <Registry as ProviderRegistry<AccountId>>::select(
				&same,
				3,
				&[1],
				Some([1; 32]),
				&work(1),
				[9; 32],
			);
			assert_eq!(pinned, vec![(2, [1; 32])]);
		});
}

#[test]
fn stake_weighs_in_selection() {
	ExtBuilder::default()
		.with_provider(1, cpu(), 9 * MIN_BOND)
		.with_provider(2, cpu(), MIN_BOND)
		.build_and_execute(|| {
			let rounds = 2_000u32;
			let firsts = (0..rounds)
				.filter(|i| {
					let seed = sp_io::hashing::blake2_256(&i.to_le_bytes());
					<Registry as ProviderRegistry<AccountId>>::select(
						&req(DeviceKind::Cpu),
						1,
						&[],
						None,
						&work(1),
						seed,
					)[0]
					.0 == 1
				})
				.count() as u32;
			// Expected 90%; far from both 50% (unweighted) and 100%.
			assert!(
				(1_700..1_900).contains(&firsts),
				"provider with 9x the stake picked {firsts} of {rounds}"
			);
		});
}

#[test]
fn selection_reads_a_bounded_sample_of_a_large_registry() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=40 {
			assert_ok!(Providers::register(
				RuntimeOrigin::signed(who),
				cpu(),
				operator(who),
				MIN_BOND
			));
		}
		// Every provider can be drawn, and a selection never returns duplicates.
		let mut seen = std::collections::BTreeSet::new();
		for seed in 0..=255u8 {
			let picked = select(&req(DeviceKind::Cpu), 3, &[], seed);
			assert_eq!(picked.len(), 3);
			let unique: std::collections::BTreeSet<_> = picked.iter().collect();
			assert_eq!(unique.len(), 3);
			seen.extend(picked);
		}
		assert_eq!(seen.len(), 40);
	});
}

#[test]
fn leaving_keeps_the_index_dense() {
	ExtBuilder::default().build_and_execute(|| {
		for who in 1..=6 {
			assert_ok!(Providers::register(
				RuntimeOrigin::signed(who),
				cpu(),
				operator(who),
				MIN_BOND
			));
		}
		// Remove from the middle, the start and the end; try_state checks density after.
		assert_ok!(Providers::pause(RuntimeOrigin::signed(3)));
		assert_ok!(Providers::pause(RuntimeOrigin::signed(1)));
		assert_ok!(Providers::pause(RuntimeOrigin::signed(6)));
		assert_eq!(KindCounts::<Test>::get(DeviceKind::Cpu), 3);
		assert_eq!(ClassCounts::<Test>::get([1; 32]), 3);
		Providers::do_try_state().unwrap();
		assert_ok!(Providers::resume(RuntimeOrigin::signed(1)));
		assert_eq!(KindCounts::<Test>::get(DeviceKind::Cpu), 4);
	});
}

#[test]
fn selection_skips_a_provider_whose_bond_does_not_back_the_job() {
	ExtBuilder::default()
		.with_provider(1, cpu(), MIN_BOND)
		.with_provider(2, cpu(), 2 * MIN_BOND)
		.build_and_execute(|| {
			let pick = |price: Balance| {
				<Registry as ProviderRegistry<AccountId>>::select(
					&req(DeviceKind::Cpu),
					2,
					&[],
					None,
					&work(price),
					[0; 32],
				)
				.into_iter()
				.map(|(who, _)| who)
				.collect::<Vec<_>>()
			};
			// max_exposure_percent = 100: a job may pay up to the active bond.
			assert_eq!(pick(MIN_BOND).len(), 2);
			assert_eq!(pick(MIN_BOND + 1), vec![2]);
			// Unfinished jobs count: provider 1 already holds work worth 60% of its bond.
			let held = MIN_BOND * 6 / 10;
			<Registry as ProviderRegistry<AccountId>>::job_assigned(&1, &work(held));
			assert_eq!(pick(MIN_BOND - held).len(), 2);
			assert_eq!(pick(MIN_BOND - held + 1), vec![2]);
			assert_eq!(<Registry as ProviderRegistry<AccountId>>::load(&1), (1, held));
			// Released, the room is back.
			<Registry as ProviderRegistry<AccountId>>::job_released(&1, held);
			assert_eq!(pick(MIN_BOND).len(), 2);
			// A slash lowers the bond, and with it the work it backs.
			assert_eq!(pick(2 * MIN_BOND), vec![2]);
			<Registry as ProviderRegistry<AccountId>>::punish(
				&2,
				SlashReason::WrongResult,
				1_000_000,
			);
			assert_eq!(pick(2 * MIN_BOND), Vec::<AccountId>::new());
		});
}

#[test]
fn class_pinned_jobs_go_only_to_classes_enough_providers_and_bond_stand_behind() {
	// min_class_providers = 2, min_class_bond = 2 × MIN_BOND. Class 1: two providers with
	// the minimum bond each. Class 2: one provider with a large bond.
	ExtBuilder::default()
		.with_provider(1, caps(DeviceKind::Gpu, 1, 8_192, 4), MIN_BOND)
		.with_provider(2, caps(DeviceKind::Gpu, 1, 8_192, 4), MIN_BOND)
		.with_provider(3, caps(DeviceKind::Gpu, 2, 8_192, 4), 9 * MIN_BOND)
		.build_and_execute(|| {
			let same = Requirements { same_device_class: true, ..req(DeviceKind::Gpu) };
			let pick = |pinned: Option<DeviceClass>, seed: u8| {
				<Registry as ProviderRegistry<AccountId>>::select(
					&same,
					2,
					&[],
					pinned,
					&work(1),
					[seed; 32],
				)
			};
			for seed in 0..30 {
				// Provider 3 has most of the stake, but its class stands on one provider.
				let picked = pick(None, seed);
				assert!(picked.iter().all(|(who, class)| *who != 3 && *class == [1; 32]));
				assert_eq!(picked.len(), 2);
				assert!(pick(Some([2; 32]), seed).is_empty());
			}
			// Class 1 loses half its bond to a slash: below min_class_bond, it is out too.
			<Registry as ProviderRegistry<AccountId>>::punish(
				&1,
				SlashReason::WrongResult,
				1_000_000,
			);
			assert_eq!(ClassBonds::<Test>::get([1; 32]), 2 * MIN_BOND - MIN_BOND / 10);
			assert!(pick(None, 0).is_empty());
			// A second provider joins class 2 with the minimum bond: now it stands.
			assert_ok!(Providers::register(
				RuntimeOrigin::signed(4),
				caps(DeviceKind::Gpu, 2, 8_192, 4),
				operator(4),
				MIN_BOND
			));
			assert_eq!(ClassBonds::<Test>::get([2; 32]), 10 * MIN_BOND);
			let picked = pick(None, 0);
			assert_eq!(picked.len(), 2);
			assert!(picked.iter().all(|(who, _)| *who == 3 || *who == 4));
		});
}

#[test]
fn can_meet_refuses_what_no_listed_provider_could_take() {
	ExtBuilder::default()
		.with_provider(1, caps(DeviceKind::Cpu, 1, 4_096, 4), MIN_BOND)
		.with_provider(2, caps(DeviceKind::Cpu, 1, 16_384, 4), MIN_BOND)
		.build_and_execute(|| {
			let can = |min_memory_mib: u32, min_reputation: u32, replicas: u32| {
				let req = Requirements { min_memory_mib, min_reputation, ..req(DeviceKind::Cpu) };
				<Registry as ProviderRegistry<AccountId>>::can_meet(&req, replicas)
			};
			assert!(can(0, 0, 2));
			assert!(!can(0, 0, 3));
			assert!(can(16_384, 0, 1));
			assert!(!can(16_384, 0, 2));
			assert!(!can(32_768, 0, 1));
			assert!(!can(u32::MAX, 0, 1));
			// A minimum inside a tier counts only the tiers above it: 20,000 MiB is in
			// 16,384's tier, whose providers may have less.
			assert!(!can(20_000, 0, 1));
			assert!(can(0, INITIAL_REPUTATION, 2));
			assert!(!can(0, INITIAL_REPUTATION + REPUTATION_TIER, 1));
			assert!(!<Registry as ProviderRegistry<AccountId>>::can_meet(&req(DeviceKind::Gpu), 1));
			// Memory and reputation are met by the same provider or not at all.
			for _ in 0..10 {
				<Registry as ProviderRegistry<AccountId>>::reward(&1);
			}
			assert!(can(16_384, INITIAL_REPUTATION, 1));
			assert!(can(0, INITIAL_REPUTATION + REPUTATION_TIER, 1));
			assert!(!can(16_384, INITIAL_REPUTATION + REPUTATION_TIER, 1));
			// The tiers follow reputation, pausing and new declarations.
			for _ in 0..10 {
				<Registry as ProviderRegistry<AccountId>>::reward(&2);
			}
			assert!(can(16_384, INITIAL_REPUTATION + REPUTATION_TIER, 1));
			assert_ok!(Providers::pause(RuntimeOrigin::signed(2)));
			assert!(!can(16_384, 0, 1));
			assert_ok!(Providers::update_capabilities(
				RuntimeOrigin::signed(1),
				caps(DeviceKind::Cpu, 1, 65_536, 4)
			));
			assert!(can(65_536, 0, 1));
			assert!(!can(0, 0, 2));
		});
}

#[test]
fn selection_skips_a_provider_whose_device_is_booked_past_the_job_due() {
	ExtBuilder::default().with_provider(1, cpu(), MIN_BOND).build_and_execute(|| {
		run_to_block(10);
		let ask = |compute_blocks: u32, due: u64| Workload { price: 1, compute_blocks, due };
		let pick = |work: &Workload<Balance, u64>| {
			<Registry as ProviderRegistry<AccountId>>::select(
				&req(DeviceKind::Cpu),
				1,
				&[],
				None,
				work,
				[0; 32],
			)
			.len()
		};
		// An idle device takes a job that fits its window exactly, not one that does not.
		assert_eq!(pick(&ask(5, 15)), 1);
		assert_eq!(pick(&ask(6, 15)), 0);
		// Five blocks of compute queued: the next job is computed after them.
		let first = <Registry as ProviderRegistry<AccountId>>::job_assigned(&1, &ask(5, 15));
		assert_eq!(first, 5);
		assert_eq!(pick(&ask(5, 19)), 0);
		assert_eq!(pick(&ask(5, 20)), 1);
		let second = <Registry as ProviderRegistry<AccountId>>::job_assigned(&1, &ask(5, 20));
		assert_eq!(second, 10);
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().queue.busy_until, 20);
		// The first task's commitment lands at block 12: the second needs at most five
		// more blocks from there.
		run_to_block(12);
		<Registry as ProviderRegistry<AccountId>>::job_computed(&1, first);
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().queue.busy_until, 17);
		assert_eq!(pick(&ask(3, 19)), 0);
		assert_eq!(pick(&ask(3, 20)), 1);
		// A later commitment never moves the plan later than it was.
		<Registry as ProviderRegistry<AccountId>>::job_computed(&1, first);
		assert_eq!(ProviderRecords::<Test>::get(1).unwrap().queue.busy_until, 17);
		// Time passes: an idle device plans from now.
		run_to_block(30);
		assert_eq!(pick(&ask(5, 35)), 1);
		<Registry as ProviderRegistry<AccountId>>::job_released(&1, 1);
		<Registry as ProviderRegistry<AccountId>>::job_released(&1, 1);
	});
}
