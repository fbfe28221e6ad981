//! Whole job lifecycles: r = 1, 2, 3; a wrong minority; disagreement and escalation;
//! errors agreed on; unbonding while jobs are in flight.

use crate::{mock::*, *};
use frame_support::assert_ok;
use pallet_providers::{ProviderRegistry, INITIAL_REPUTATION};

/// Submits, assigns, has every assigned provider commit and reveal `outputs[i]`, settles.
fn run_job(replicas: u8, outputs: &[Vec<u8>]) -> (JobId, Vec<AccountId>) {
	let job = submit(20, spec(replicas, 32));
	next_block();
	let providers = assigned(job);
	for (p, out) in providers.iter().zip(outputs) {
		commit(*p, job, hash_of(out));
	}
	for (p, out) in providers.iter().zip(outputs) {
		reveal(*p, job, out);
	}
	next_block();
	(job, providers)
}

#[test]
fn one_replica_job_is_paid_and_its_output_kept() {
	ExtBuilder::default().build_and_execute(|| {
		let out = output(32, 0);
		let treasury = free(TREASURY);
		let (job, providers) = run_job(1, std::slice::from_ref(&out));
		let p = providers[0];
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.result_hash, Some(hash_of(&out)));
		assert_eq!(record.output.unwrap().to_vec(), out);
		assert_eq!(record.settlement, Some(Settlement { paid: PRICE, fee: 10, refunded: 0 }));
		assert_eq!(free(p), START_BALANCE - MIN_BOND + PRICE);
		assert_eq!(free(TREASURY), treasury + 10);
		assert_eq!(free(20), START_BALANCE - 110 - record.deposit);
		assert_eq!(reputation(p), INITIAL_REPUTATION + 10);
		assert_eq!(pallet_providers::ProviderRecords::<Test>::get(p).unwrap().active_jobs, 0);
		assert!(job_events().contains(&Event::Completed {
			job,
			result_hash: hash_of(&out),
			winners: vec![p],
			paid: PRICE,
			fee: 10,
			refunded: 0,
		}));
	});
}

/// The verdict comes with the last reveal due, in its block: commit, reveal and verdict
/// take one block each after the assignment. The reveals before it are refunded the
/// settlement's weight; the last one is charged for it.
#[test]
fn the_last_reveal_decides_the_job_in_its_own_block() {
	ExtBuilder::default().build_and_execute(|| {
		let out = output(32, 0);
		let job = submit(20, spec(3, 32));
		next_block();
		let providers = assigned(job);
		for p in &providers {
			commit(*p, job, hash_of(&out));
		}
		let JobStatus::Revealing { until } = JobRecords::<Test>::get(job).unwrap().status else {
			panic!("every replica committed: the reveal window is open");
		};
		assert_eq!(Deadlines::<Test>::get(until).to_vec(), vec![job]);
		let reveal_of = |p: AccountId| {
			Jobs::reveal(
				RuntimeOrigin::signed(operator(p)),
				job,
				hash_of(&out),
				salt(p),
				meta(out.len() as u32),
				Some(out.clone().try_into().unwrap()),
			)
		};
		let reveal_weight = <() as WeightInfo>::reveal();
		for p in &providers[..2] {
			let info = reveal_of(*p).unwrap();
			assert_eq!(info.actual_weight, Some(reveal_weight));
		}
		// A quorum agrees already, but the third reveal is still due: no verdict yet.
		assert!(matches!(
			JobRecords::<Test>::get(job).unwrap().status,
			JobStatus::Revealing { .. }
		));
		let info = reveal_of(providers[2]).unwrap();
		assert_eq!(
			info.actual_weight,
			Some(reveal_weight.saturating_add(Jobs::decision_weight(3)))
		);
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.settlement, Some(Settlement { paid: 3 * PRICE, fee: 30, refunded: 0 }));
		// The reveal deadline's entry went with the phase.
		assert!(Deadlines::<Test>::get(until).is_empty());
		assert!(job_events().contains(&Event::Completed {
			job,
			result_hash: hash_of(&out),
			winners: providers.clone(),
			paid: 3 * PRICE,
			fee: 30,
			refunded: 0,
		}));
	});
}

#[test]
fn two_replicas_that_agree_are_both_paid() {
	ExtBuilder::default().build_and_execute(|| {
		let out = output(32, 0);
		let (job, providers) = run_job(2, &[out.clone(), out.clone()]);
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.settlement, Some(Settlement { paid: 2 * PRICE, fee: 20, refunded: 0 }));
		for p in providers {
			assert_eq!(free(p), START_BALANCE - MIN_BOND + PRICE);
		}
	});
}

#[test]
fn three_replicas_with_a_wrong_one_slash_it() {
	ExtBuilder::default().build_and_execute(|| {
		let good = output(32, 0);
		let bad = output(32, 9);
		let treasury = free(TREASURY);
		let (job, providers) = run_job(3, &[good.clone(), bad.clone(), good.clone()]);
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.result_hash, Some(hash_of(&good)));
		assert_eq!(
			record.settlement,
			Some(Settlement { paid: 2 * PRICE, fee: 30, refunded: PRICE })
		);
		let (w1, loser, w2) = (providers[0], providers[1], providers[2]);
		assert_eq!(free(w1), START_BALANCE - MIN_BOND + PRICE);
		assert_eq!(free(w2), START_BALANCE - MIN_BOND + PRICE);
		// The loser is not paid and loses 10% of its bond to the treasury.
		assert_eq!(free(loser), START_BALANCE - MIN_BOND);
		assert_eq!(bond_held(loser), MIN_BOND - 100);
		assert_eq!(free(TREASURY), treasury + 30 + 100);
		assert_eq!(reputation(loser), INITIAL_REPUTATION - 100);
		// The submitter paid for two agreeing results and the fee.
		assert_eq!(free(20), START_BALANCE - 230 - record.deposit);
	});
}

#[test]
fn disagreement_escalates_to_one_more_replica() {
	ExtBuilder::default().build_and_execute(|| {
		let a = output(32, 0);
		let b = output(32, 5);
		let (job, first) = run_job(2, &[a.clone(), b.clone()]);
		// No quorum: one more replica, assigned in the same block.
		assert!(job_events().contains(&Event::Escalated { job, replicas: 3 }));
		let all = assigned(job);
		assert_eq!(all.len(), 3);
		let third = all[2];
		assert!(!first.contains(&third));
		commit(third, job, hash_of(&a));
		reveal(third, job, &a);
		next_block();
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.result_hash, Some(hash_of(&a)));
		// Two winners, paid within what the submitter paid for (2 × price).
		assert_eq!(record.settlement, Some(Settlement { paid: 2 * PRICE, fee: 20, refunded: 0 }));
		assert_eq!(bond_held(first[1]), MIN_BOND - 100, "the one that said b is slashed");
	});
}

#[test]
fn a_provider_that_commits_but_never_reveals_is_replaced_and_slashed() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(1, 32));
		next_block(); // block 2: assigned, commit window until 12
		let first = assigned(job)[0];
		commit(first, job, hash_of(&output(32, 0))); // everyone committed: reveal until 7
		assert_eq!(JobRecords::<Test>::get(job).unwrap().status, JobStatus::Revealing { until: 7 });
		run_to_block(7); // nobody revealed: one more replica, assigned at once
		assert!(job_events().contains(&Event::Escalated { job, replicas: 2 }));
		assert_eq!(
			JobRecords::<Test>::get(job).unwrap().status,
			JobStatus::Committing { until: 17 }
		);
		let second = assigned(job)[1];
		assert_ne!(second, first);
		let out = output(32, 0);
		commit(second, job, hash_of(&out));
		// The first one's commitment still stands: it may reveal in this window too, so the
		// job settles when the window closes.
		assert_eq!(
			JobRecords::<Test>::get(job).unwrap().status,
			JobStatus::Revealing { until: 12 }
		);
		reveal(second, job, &out);
		run_to_block(12);
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.settlement, Some(Settlement { paid: PRICE, fee: 10, refunded: 0 }));
		assert_eq!(free(second), START_BALANCE - MIN_BOND + PRICE);
		// It committed and kept its result back: slashed like a wrong result, 10 % of its
		// bond and 100 reputation.
		assert_eq!(bond_held(first), MIN_BOND - 100);
		assert_eq!(reputation(first), INITIAL_REPUTATION - 100);
	});
}

#[test]
fn a_split_vote_with_every_replica_used_is_unresolved() {
	ExtBuilder::default().providers(5).build_and_execute(|| {
		let job = submit(20, spec(2, 32));
		next_block();
		let mut tag = 0u8;
		for p in assigned(job) {
			tag += 1;
			commit(p, job, hash_of(&output(32, tag)));
		}
		for (i, p) in assigned(job).into_iter().enumerate() {
			reveal(p, job, &output(32, i as u8 + 1));
		}
		next_block();
		// Three escalations, each with yet another answer.
		for replicas in 3..=5 {
			assert_eq!(assigned(job).len(), replicas);
			let p = *assigned(job).last().unwrap();
			tag += 1;
			commit(p, job, hash_of(&output(32, tag)));
			reveal(p, job, &output(32, tag));
			next_block();
		}
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.assigned.len(), 5);
		assert_eq!(record.status, JobStatus::Unresolved);
		assert_eq!(
			record.settlement,
			Some(Settlement { paid: 0, fee: 0, refunded: record.escrow })
		);
		// Nobody can be shown wrong: no slash for those who revealed.
		for p in 1..=5 {
			assert_eq!(bond_held(p), MIN_BOND);
		}
		assert_eq!(free(20), START_BALANCE - record.deposit);
	});
}

#[test]
fn a_quorum_on_an_error_code_fails_the_job_and_pays_the_error_fee() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(2, 32));
		next_block();
		let code = 3u32; // a build error
		let hash = error_result_hash(code);
		let providers = assigned(job);
		for p in &providers {
			commit(*p, job, hash);
		}
		for p in &providers {
			let meta = ResultMeta {
				exec_ms: 0,
				output_len: 0,
				device_class: [1; 32],
				error_code: Some(code),
			};
			assert_ok!(Jobs::reveal(
				RuntimeOrigin::signed(operator(*p)),
				job,
				hash,
				salt(*p),
				meta,
				None
			));
		}
		next_block();
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Failed { code });
		// error_fee = 5 each; the submitter gets the rest, the fee included.
		assert_eq!(record.settlement, Some(Settlement { paid: 10, fee: 0, refunded: 210 }));
		// Paid for their time, no more: no fee was paid, so no reputation is earned (an
		// error every replica can agree on for nothing would otherwise farm it).
		for p in providers {
			assert_eq!(free(p), START_BALANCE - MIN_BOND + 5);
			assert_eq!(reputation(p), INITIAL_REPUTATION);
		}
		assert!(job_events().contains(&Event::Failed { job, code, paid: 10, refunded: 210 }));
	});
}

#[test]
fn large_outputs_stay_off_chain_with_their_hash() {
	ExtBuilder::default().build_and_execute(|| {
		let job = submit(20, spec(1, 1_000));
		next_block();
		let p = assigned(job)[0];
		let out = output(1_000, 0);
		commit(p, job, hash_of(&out));
		assert_ok!(Jobs::reveal(
			RuntimeOrigin::signed(operator(p)),
			job,
			hash_of(&out),
			salt(p),
			meta(1_000),
			None
		));
		next_block();
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.result_hash, Some(hash_of(&out)));
		assert_eq!(record.output, None);
	});
}

#[test]
fn unbonding_while_a_job_is_in_flight_still_settles_it() {
	ExtBuilder::default().providers(1).build_and_execute(|| {
		let job = submit(20, spec(1, 32));
		next_block();
		assert_eq!(assigned(job), vec![1]);
		// The provider starts leaving: no new jobs, but this one goes on.
		assert_ok!(pallet_providers::Pallet::<Test>::unbond(RuntimeOrigin::signed(1), MIN_BOND));
		assert!(!<Providers as ProviderRegistry<AccountId>>::can_meet(
			&spec(1, 32).requirements,
			1
		));
		let out = output(32, 0);
		commit(1, job, hash_of(&out));
		reveal(1, job, &out);
		next_block();
		assert_eq!(JobRecords::<Test>::get(job).unwrap().status, JobStatus::Completed);
		assert_eq!(free(1), START_BALANCE - MIN_BOND + PRICE);
		// Leaving completes once the unbonding period is over.
		run_to_block(2 + UNBONDING);
		assert_ok!(pallet_providers::Pallet::<Test>::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_ok!(pallet_providers::Pallet::<Test>::deregister(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), START_BALANCE + PRICE);
	});
}

#[test]
fn a_wrong_provider_with_no_free_balance_is_slashed() {
	ExtBuilder::default().providers(0).build_and_execute(|| {
		// Three providers that bonded everything they have but the existential deposit.
		for who in 1..=3 {
			assert_ok!(pallet_providers::Pallet::<Test>::register(
				RuntimeOrigin::signed(who),
				cpu(),
				operator(who),
				START_BALANCE - ED
			));
		}
		let good = output(32, 0);
		let (job, providers) = run_job(3, &[good.clone(), good.clone(), output(32, 1)]);
		assert_eq!(JobRecords::<Test>::get(job).unwrap().status, JobStatus::Completed);
		let loser = providers[2];
		assert_eq!(free(loser), ED);
		assert_eq!(bond_held(loser), START_BALANCE - ED - (START_BALANCE - ED) / 10);
	});
}

/// The chain's payments out of a job's escrow happen whatever freezes stand on the
/// submitter's account: a freeze counts funds on hold, so a submitter that froze its whole
/// balance (a vote, say) would otherwise get the job computed for nothing, with the
/// providers and the treasury booked "paid 0" and the escrow refunded.
#[test]
fn a_freeze_on_the_submitter_never_stops_its_jobs_payments() {
	ExtBuilder::default().build_and_execute(|| {
		use frame_support::traits::fungible::{Inspect, MutateFreeze};
		let out = output(32, 0);
		let treasury = free(TREASURY);
		let job = submit(20, spec(1, 32));
		let deposit = JobRecords::<Test>::get(job).unwrap().deposit;
		assert_ok!(Balances::set_freeze(&(), &20, Balances::total_balance(&20)));
		next_block();
		let p = assigned(job)[0];
		commit(p, job, hash_of(&out));
		reveal(p, job, &out);
		next_block();
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.settlement, Some(Settlement { paid: PRICE, fee: 10, refunded: 0 }));
		assert_eq!(free(p), START_BALANCE - MIN_BOND + PRICE);
		assert_eq!(free(TREASURY), treasury + 10);
		assert_eq!(Balances::total_balance(&20), START_BALANCE - PRICE - 10);
		assert_eq!(crate::asset::held::<Test>(&20), deposit);
	});
}

/// With escalations a job of `r` replicas can end with more than `r` agreeing replicas
/// (three of two here). Each is credited `rate × fee / replicas` by the rewards pallet, so
/// the job must report at least as many replicas as it has winners: together they are
/// credited at most the fee's share, as the self-dealing bound assumes.
#[test]
fn an_escalated_job_reports_no_fewer_replicas_than_winners() {
	ExtBuilder::default().providers(5).build_and_execute(|| {
		let job = submit(20, spec(2, 32));
		next_block();
		let mut outputs = [1u8, 2].into_iter();
		// Two rounds of disagreement (a, b; then c), then a, a: escalated to five replicas.
		for tag in [None, Some(3u8), Some(1), Some(1)] {
			let round: Vec<(AccountId, u8)> = match tag {
				None => assigned(job).into_iter().zip(&mut outputs).collect(),
				Some(tag) => vec![(*assigned(job).last().unwrap(), tag)],
			};
			for (who, tag) in &round {
				commit(*who, job, hash_of(&output(32, *tag)));
			}
			for (who, tag) in &round {
				reveal(*who, job, &output(32, *tag));
			}
			next_block();
		}
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		let credited = Credited::get();
		assert_eq!(credited.len(), 3, "three winners of two replicas");
		for (_, work) in &credited {
			assert!(usize::from(work.replicas) >= credited.len(), "reported {work:?}");
		}
	});
}
