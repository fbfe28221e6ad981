//! Who loses bond, and for what: a revealed output that loses to another output is slashed
//! (a withheld reveal alike: `timeouts::the_reveal_window_closes_...`); a missed commit
//! window is a no-show and ends the replica's part in the job; a device that cannot run a
//! kernel (an error code) is never treated as a liar; a rotated operator key still opens
//! what the old one committed.

use crate::{mock::*, *};
use pallet_providers::INITIAL_REPUTATION;

#[test]
fn a_replica_that_missed_its_commit_window_cannot_join_a_later_round() {
	ExtBuilder::default().providers(4).build_and_execute(|| {
		let (job, p) = assigned_job(3);
		let (a, b) = (output(32, 0), output(32, 1));
		commit(p[0], job, hash_of(&a));
		commit(p[1], job, hash_of(&b));
		// p[2] lets its commit window pass.
		run_to_block(2 + DEADLINE);
		reveal(p[0], job, &a);
		reveal(p[1], job, &b);
		// One against one: no quorum, one more replica, assigned in the same block.
		next_block();
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.assigned.len(), 4);
		assert!(matches!(record.status, JobStatus::Committing { .. }));
		// Both answers are public now. The no-show picks one and commits to it: refused.
		let late = commitment(&hash_of(&a), &p[2], job, &salt(p[2]));
		assert!(Jobs::commit(RuntimeOrigin::signed(operator(p[2])), job, late).is_err());
		let newcomer = record.assigned[3].provider;
		commit(newcomer, job, hash_of(&a));
		reveal(newcomer, job, &a);
		next_block();
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.result_hash, Some(hash_of(&a)));
		// The no-show is slashed as one (2 %) and paid nothing; the losing output 10 %.
		assert_eq!(bond_held(p[2]), MIN_BOND - 20);
		assert_eq!(free(p[2]), START_BALANCE - MIN_BOND);
		assert_eq!(bond_held(p[1]), MIN_BOND - 100);
		assert_eq!(free(newcomer), START_BALANCE - MIN_BOND + PRICE);
	});
}

#[test]
fn an_error_that_loses_the_vote_costs_pay_and_reputation_not_bond() {
	ExtBuilder::default().build_and_execute(|| {
		let (job, p) = assigned_job(3);
		let out = output(32, 0);
		commit(p[0], job, hash_of(&out));
		commit(p[1], job, hash_of(&out));
		// p[2]'s driver cannot build the kernel (say, no fp64): an honest difference.
		commit_error(p[2], job, 3);
		reveal(p[0], job, &out);
		reveal(p[1], job, &out);
		reveal_error(p[2], job, 3);
		next_block();
		assert_eq!(JobRecords::<Test>::get(job).unwrap().status, JobStatus::Completed);
		assert!(!was_slashed(p[2]));
		assert_eq!(bond_held(p[2]), MIN_BOND);
		assert!(reputation(p[2]) < INITIAL_REPUTATION);
		assert_eq!(free(p[2]), START_BALANCE - MIN_BOND, "not paid");
	});
}

#[test]
fn an_output_outvoted_by_an_error_is_not_slashed_either() {
	ExtBuilder::default().build_and_execute(|| {
		let (job, p) = assigned_job(3);
		let out = output(32, 0);
		// Two devices cannot build the kernel; the third can, and computes an output. The
		// error wins the vote, but nothing shows that the output was a lie.
		commit_error(p[0], job, 3);
		commit_error(p[1], job, 3);
		commit(p[2], job, hash_of(&out));
		reveal_error(p[0], job, 3);
		reveal_error(p[1], job, 3);
		reveal(p[2], job, &out);
		next_block();
		assert_eq!(JobRecords::<Test>::get(job).unwrap().status, JobStatus::Failed { code: 3 });
		assert!(!was_slashed(p[2]));
		assert_eq!(bond_held(p[2]), MIN_BOND);
		assert!(reputation(p[2]) < INITIAL_REPUTATION);
	});
}

#[test]
fn a_losing_output_is_still_slashed_as_a_wrong_result() {
	ExtBuilder::default().build_and_execute(|| {
		let (job, p) = assigned_job(3);
		let (good, bad) = (output(32, 0), output(32, 9));
		commit(p[0], job, hash_of(&good));
		commit(p[1], job, hash_of(&good));
		commit(p[2], job, hash_of(&bad));
		reveal(p[0], job, &good);
		reveal(p[1], job, &good);
		reveal(p[2], job, &bad);
		next_block();
		assert_eq!(bond_held(p[2]), MIN_BOND - 100);
		assert_eq!(reputation(p[2]), INITIAL_REPUTATION - 100);
		// Its recent verified work no longer weighs for it in the work house.
		assert_eq!(Forfeited::get(), vec![p[2]]);
	});
}

#[test]
fn a_new_operator_key_reveals_what_the_old_one_committed() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(1, 32));
		next_block();
		let p = assigned(job)[0];
		let out = output(32, 0);
		commit(p, job, hash_of(&out));
		// The provider rotates its operator key between commit and reveal.
		let new_operator = 777;
		frame_support::assert_ok!(pallet_providers::Pallet::<Test>::set_operator(
			RuntimeOrigin::signed(p),
			new_operator
		));
		// The committed work still counts: the new key opens the commitment.
		frame_support::assert_ok!(Jobs::reveal(
			RuntimeOrigin::signed(new_operator),
			job,
			hash_of(&out),
			salt(p),
			meta(32),
			Some(out.clone().try_into().unwrap())
		));
		next_block();
		assert_eq!(JobRecords::<Test>::get(job).unwrap().status, JobStatus::Completed);
		assert_eq!(bond_held(p), MIN_BOND);
		assert_eq!(free(p), START_BALANCE - MIN_BOND + PRICE);
	});
}
