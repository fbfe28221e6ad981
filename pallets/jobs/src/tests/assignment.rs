//! Who may take a job: no more work than a provider's bond backs, and no class-pinned job
//! for a device class that too few providers or too little bond stand behind.

use crate::{mock::*, *};
use frame_support::{assert_ok, traits::Hooks};
use pallet_providers::{Capabilities, DeviceKind};
use sp_core::H256;

#[test]
fn a_provider_takes_no_more_work_than_its_bond_backs() {
	// One provider with a bond of 1,000 and room for 8 jobs at once: jobs worth 400 each.
	ExtBuilder::default().providers(1).build_and_execute(|| {
		let mut dear = spec(1, 32);
		dear.price_per_replica = 400;
		let jobs: Vec<JobId> = (0..3).map(|_| submit(20, dear.clone())).collect();
		next_block();
		// Two jobs (800) are within its bond; a third (1,200) would not be.
		assert_eq!(assigned(jobs[0]), vec![1]);
		assert_eq!(assigned(jobs[1]), vec![1]);
		assert_eq!(JobRecords::<Test>::get(jobs[2]).unwrap().status, JobStatus::Queued);
		// Once one of them settles, the third is taken.
		let out = output(32, 0);
		commit(1, jobs[0], hash_of(&out));
		reveal(1, jobs[0], &out);
		next_block();
		assert_eq!(JobRecords::<Test>::get(jobs[0]).unwrap().status, JobStatus::Completed);
		next_block();
		assert_eq!(assigned(jobs[2]), vec![1]);
	});
}

/// A GPU of class `class`.
fn gpu(class: u8) -> Capabilities {
	Capabilities { kind: DeviceKind::Gpu, device_class: [class; 32], ..cpu() }
}

#[test]
fn an_invented_device_class_does_not_take_class_pinned_jobs() {
	ExtBuilder::default().providers(0).build_and_execute(|| {
		let register = |who: AccountId, class: u8, bond: Balance| {
			assert_ok!(pallet_providers::Pallet::<Test>::register(
				RuntimeOrigin::signed(who),
				gpu(class),
				operator(who),
				bond
			));
		};
		// Three honest providers of a real class, each with the minimum bond.
		for who in 1..=3 {
			register(who, 1, MIN_BOND);
		}
		// An attacker registers two providers under an invented class, with much more
		// bond (so selection draws them first), hoping to hold every replica.
		register(4, 9, 20 * MIN_BOND);
		register(5, 9, 20 * MIN_BOND);
		let mut pinned = spec(2, 32);
		pinned.requirements.kind = DeviceKind::Gpu;
		pinned.requirements.same_device_class = true;
		for _ in 0..8 {
			let job = submit(20, pinned.clone());
			next_block();
			let providers = assigned(job);
			assert_eq!(providers.len(), 2);
			assert!(providers.iter().all(|p| (1..=3).contains(p)), "job {job}: {providers:?}");
			assert_ok!(Jobs::cancel(RuntimeOrigin::signed(20), job));
		}
	});
}

#[test]
fn a_block_author_cannot_choose_who_computes_by_grinding_its_block() {
	// Eight providers could take the job; the author of the block that includes it tries
	// 32 variants of that block (another order of its transactions, another timestamp):
	// each has another hash, the next block's draw must not change with it.
	ExtBuilder::default().providers(8).build_and_execute(|| {
		let job = submit(20, spec(1, 32));
		let mut outcomes = std::collections::BTreeSet::new();
		for variant in 0..32u64 {
			sp_io::storage::start_transaction();
			System::set_block_number(2);
			System::set_parent_hash(H256::from_low_u64_be(variant));
			Jobs::on_initialize(2);
			outcomes.insert(assigned(job));
			sp_io::storage::rollback_transaction();
		}
		assert_eq!(outcomes.len(), 1, "the block's hash chose the providers: {outcomes:?}");
		// The VRF output decides: another one draws (in general) other providers.
		let mut by_vrf = std::collections::BTreeSet::new();
		for vrf in 0..32u8 {
			sp_io::storage::start_transaction();
			ParentVrf::set([vrf; 32]);
			System::set_block_number(2);
			Jobs::on_initialize(2);
			by_vrf.insert(assigned(job));
			sp_io::storage::rollback_transaction();
		}
		assert!(by_vrf.len() > 1);
	});
}
