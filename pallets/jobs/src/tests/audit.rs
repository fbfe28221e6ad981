//! The chain's audits: judged against the answer the chain computed itself, not by vote,
//! so that providers agreeing on a made-up hash win nothing and an honest minority is
//! never slashed.

use crate::{mock::*, *};
use depin_compute_primitives::kernels::{matmul_i32, matmul_inputs};
use depin_interfaces::AuditJobs;

/// The pot's account in these tests.
const AUDITOR: AccountId = 30;

/// Issues an audit of three replicas and lets the next block assign it.
fn audit() -> JobId {
	let job = <Jobs as AuditJobs<AccountId>>::issue(&AUDITOR, 3, 0).expect("issued");
	next_block();
	job
}

/// The product the audit asks for, computed here from its parameters.
fn right_output(job: JobId) -> Vec<u8> {
	let Some(JobPayload { kernel: Kernel::BuiltIn(BuiltinKernel::MatMulI32(p)), .. }) =
		JobPayloads::<Test>::get(job)
	else {
		panic!("an audit is a matrix product")
	};
	matmul_i32(p.n as usize, &matmul_inputs(p.n, p.seed))
}

/// Every replica of `job` commits, then reveals, its output.
fn attest(job: JobId, outputs: &[(AccountId, Vec<u8>)]) {
	for (who, out) in outputs {
		commit(*who, job, hash_of(out));
	}
	for (who, out) in outputs {
		reveal(*who, job, out);
	}
}

#[test]
fn providers_agreeing_on_a_made_up_hash_win_nothing_from_an_audit() {
	ExtBuilder::default().build_and_execute(|| {
		let job = audit();
		let providers = assigned(job);
		assert_eq!(providers.len(), 3);
		let standing: Vec<u32> = providers.iter().map(|p| reputation(*p)).collect();
		// All three (one party's sybils, say) agree on an output nobody computed.
		let len = JobRecords::<Test>::get(job).unwrap().output_len;
		let made_up = output(len, 9);
		attest(job, &providers.iter().map(|p| (*p, made_up.clone())).collect::<Vec<_>>());
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.result_hash, Some(hash_of(&right_output(job))));
		assert_eq!(record.settlement.unwrap().paid, 0);
		for (p, before) in providers.iter().zip(standing) {
			assert!(was_slashed(*p), "provider {p} kept its bond");
			assert!(reputation(*p) < before);
		}
	});
}

#[test]
fn an_honest_minority_wins_an_audit_against_the_majority() {
	ExtBuilder::default().build_and_execute(|| {
		let job = audit();
		let providers = assigned(job);
		let len = JobRecords::<Test>::get(job).unwrap().output_len;
		let right = right_output(job);
		let made_up = output(len, 9);
		let before = free(providers[0]);
		attest(
			job,
			&[
				(providers[0], right.clone()),
				(providers[1], made_up.clone()),
				(providers[2], made_up),
			],
		);
		let record = JobRecords::<Test>::get(job).unwrap();
		assert_eq!(record.status, JobStatus::Completed);
		assert_eq!(record.result_hash, Some(hash_of(&right)));
		// The one that computed is paid and not slashed; the two that agreed are.
		assert_eq!(free(providers[0]), before + record.price_per_replica);
		assert!(!was_slashed(providers[0]));
		assert!(was_slashed(providers[1]) && was_slashed(providers[2]));
	});
}

#[test]
fn the_audit_answer_is_dropped_with_its_job() {
	ExtBuilder::default().build_and_execute(|| {
		let job = audit();
		let providers = assigned(job);
		let right = right_output(job);
		attest(job, &providers.iter().map(|p| (*p, right.clone())).collect::<Vec<_>>());
		assert!(AuditAnswers::<Test>::contains_key(job));
		assert!(<Jobs as AuditJobs<AccountId>>::clear_if_finished(&AUDITOR, job));
		assert!(!AuditAnswers::<Test>::contains_key(job));
	});
}
