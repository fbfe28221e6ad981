//! Finding providers for a job through the candidate index.

use crate::{mock::*, *};
use frame_support::assert_ok;

type Registry = Providers;

fn req(kind: DeviceKind) -> Requirements {
	Requirements { kind, min_memory_mib: 0, min_reputation: 0, same_device_class: false }
}

fn select(req: &Requirements, count: u32, exclude: &[AccountId], seed: u8) -> Vec<AccountId> {
	<Registry as ProviderRegistry<AccountId>>::select(req, count, exclude, None, [seed; 32])
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
			<Registry as ProviderRegistry<AccountId>>::job_assigned(&1); // at its cap of 1
			assert_ok!(Providers::pause(RuntimeOrigin::signed(2)));
			<Registry as ProviderRegistry<AccountId>>::punish(&3, SlashReason::WrongResult); // below min bond
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
