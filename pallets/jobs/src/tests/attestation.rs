//! Commits and reveals: who may make them, when, what must match, what is free.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, dispatch::CheckIfFeeless};
use sp_core::H256;
use sp_runtime::traits::Dispatchable;

#[test]
fn commit_checks_who_and_when() {
	ExtBuilder::default().providers(4).build_and_execute(|| {
		let queued = submit(20, spec(3, 32));
		assert_noop!(
			Jobs::commit(RuntimeOrigin::signed(operator(1)), queued, H256::zero()),
			Error::<Test>::NotAssigned
		);
		next_block();
		let providers = assigned(queued);
		let outsider = (1..=4).find(|p| !providers.contains(p)).unwrap();
		assert_noop!(
			Jobs::commit(RuntimeOrigin::signed(operator(outsider)), queued, H256::zero()),
			Error::<Test>::NotAssigned
		);
		// The provider's own account is not its operator key.
		assert_noop!(
			Jobs::commit(RuntimeOrigin::signed(providers[0]), queued, H256::zero()),
			Error::<Test>::NotAssigned
		);
		assert_noop!(
			Jobs::commit(RuntimeOrigin::signed(operator(providers[0])), 99, H256::zero()),
			Error::<Test>::JobNotFound
		);
		commit(providers[0], queued, H256::repeat_byte(1));
		assert_noop!(
			Jobs::commit(RuntimeOrigin::signed(operator(providers[0])), queued, H256::zero()),
			Error::<Test>::AlreadyCommitted
		);
		// After the commit deadline the window is closed.
		run_to_block(2 + DEADLINE);
		assert!(matches!(
			JobRecords::<Test>::get(queued).unwrap().status,
			JobStatus::Revealing { .. }
		));
		assert_noop!(
			Jobs::commit(RuntimeOrigin::signed(operator(providers[1])), queued, H256::zero()),
			Error::<Test>::WrongPhase
		);
	});
}

#[test]
fn reveal_must_match_the_commitment() {
	ExtBuilder::default().build_and_execute(|| {
		let (job, p) = assigned_job(3);
		let out = output(32, 0);
		commit(p[0], job, hash_of(&out));
		// Revealing before the reveal window is a phase error.
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(p[0])),
				job,
				hash_of(&out),
				salt(p[0]),
				meta(32),
				Some(out.clone().try_into().unwrap())
			),
			Error::<Test>::WrongPhase
		);
		commit(p[1], job, hash_of(&out));
		commit(p[2], job, hash_of(&out));
		let inline = || Some(out.clone().try_into().unwrap());
		// Another salt, another result: both differ from the commitment.
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(p[0])),
				job,
				hash_of(&out),
				[0xEE; 32],
				meta(32),
				inline()
			),
			Error::<Test>::CommitmentMismatch
		);
		let other = output(32, 1);
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(p[0])),
				job,
				hash_of(&other),
				salt(p[0]),
				meta(32),
				Some(other.clone().try_into().unwrap())
			),
			Error::<Test>::CommitmentMismatch
		);
		// The output must be there for a small job, hash right, and have the job's length.
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(p[0])),
				job,
				hash_of(&out),
				salt(p[0]),
				meta(32),
				None
			),
			Error::<Test>::OutputMissing
		);
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(p[0])),
				job,
				hash_of(&out),
				salt(p[0]),
				meta(32),
				Some(other.clone().try_into().unwrap())
			),
			Error::<Test>::OutputHashMismatch
		);
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(p[0])),
				job,
				hash_of(&out),
				salt(p[0]),
				meta(31),
				inline()
			),
			Error::<Test>::OutputLenMismatch
		);
		// An error result must carry the error hash.
		let error_meta = ResultMeta { error_code: Some(2), ..meta(0) };
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(p[0])),
				job,
				hash_of(&out),
				salt(p[0]),
				error_meta,
				None
			),
			Error::<Test>::ErrorHashMismatch
		);
		reveal(p[0], job, &out);
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(p[0])),
				job,
				hash_of(&out),
				salt(p[0]),
				meta(32),
				inline()
			),
			Error::<Test>::AlreadyRevealed
		);
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(7)),
				job,
				hash_of(&out),
				salt(7),
				meta(32),
				inline()
			),
			Error::<Test>::NotAssigned
		);
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(p[1])),
				42,
				hash_of(&out),
				salt(p[1]),
				meta(32),
				inline()
			),
			Error::<Test>::JobNotFound
		);
	});
}

#[test]
fn copying_another_providers_answer_does_not_work() {
	ExtBuilder::default().build_and_execute(|| {
		let (job, p) = assigned_job(3);
		let out = output(32, 0);
		let (honest, copier, late) = (p[0], p[1], p[2]);
		commit(honest, job, hash_of(&out));
		// The copier commits the honest provider's commitment, read from the chain.
		let stolen = commitment(&hash_of(&out), &honest, job, &salt(honest));
		assert_ok!(Jobs::commit(RuntimeOrigin::signed(operator(copier)), job, stolen));
		run_to_block(2 + DEADLINE); // `late` never committed
		reveal(honest, job, &out);
		// The commitment binds the provider: the copier cannot open it, even knowing the
		// honest provider's result and salt.
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(copier)),
				job,
				hash_of(&out),
				salt(honest),
				meta(32),
				Some(out.clone().try_into().unwrap())
			),
			Error::<Test>::CommitmentMismatch
		);
		// And who did not commit cannot reveal the now public answer.
		assert_noop!(
			Jobs::reveal(
				RuntimeOrigin::signed(operator(late)),
				job,
				hash_of(&out),
				salt(late),
				meta(32),
				Some(out.clone().try_into().unwrap())
			),
			Error::<Test>::NotCommitted
		);
		run_to_block(2 + DEADLINE + REVEAL_WINDOW);
		let record = JobRecords::<Test>::get(job).unwrap();
		// One honest reveal is no quorum of three: escalation.
		assert_eq!(record.status, JobStatus::Queued);
	});
}

#[test]
fn valid_attestations_are_free_and_invalid_ones_are_not() {
	ExtBuilder::default().providers(4).build_and_execute(|| {
		let (job, p) = assigned_job(3);
		let outsider = (1..=4).find(|x| !p.contains(x)).unwrap();
		let out = output(32, 0);
		let origin = |who: AccountId| RuntimeOrigin::signed(operator(who));
		let commit_call = |who: AccountId| {
			let commitment = commitment(&hash_of(&out), &who, job, &salt(who));
			RuntimeCall::Jobs(Call::commit { job, commitment })
		};
		assert!(commit_call(p[0]).is_feeless(&origin(p[0])));
		assert!(!commit_call(outsider).is_feeless(&origin(outsider)));
		assert!(!commit_call(p[0]).is_feeless(&RuntimeOrigin::signed(p[0])));
		commit(p[0], job, hash_of(&out));
		assert!(!commit_call(p[0]).is_feeless(&origin(p[0])), "a second commit pays");

		let reveal_call = |hash: H256, salt: [u8; 32], meta: ResultMeta, inline: bool| {
			RuntimeCall::Jobs(Call::reveal {
				job,
				result_hash: hash,
				salt,
				meta,
				inline_output: inline.then(|| out.clone().try_into().unwrap()),
			})
		};
		let valid = reveal_call(hash_of(&out), salt(p[0]), meta(32), true);
		assert!(!valid.is_feeless(&origin(p[0])), "not in the reveal phase yet");
		commit(p[1], job, hash_of(&out));
		commit(p[2], job, hash_of(&out));
		assert!(valid.is_feeless(&origin(p[0])));
		assert!(!valid.is_feeless(&origin(outsider)));
		// Every reveal that would fail at dispatch pays: another salt or result (the
		// commitment does not open), a missing or wrong-length output, a bad error hash.
		let failing = [
			reveal_call(hash_of(&out), [0xEE; 32], meta(32), true),
			reveal_call(H256::zero(), salt(p[0]), meta(32), true),
			reveal_call(hash_of(&out), salt(p[0]), meta(32), false),
			reveal_call(hash_of(&out), salt(p[0]), meta(31), true),
			reveal_call(
				hash_of(&out),
				salt(p[0]),
				ResultMeta { error_code: Some(2), ..meta(0) },
				false,
			),
		];
		for call in &failing {
			assert!(!call.is_feeless(&origin(p[0])), "{call:?} is free");
			assert!(call.clone().dispatch(origin(p[0])).is_err());
		}
		assert_ok!(valid.clone().dispatch(origin(p[0])));
		assert!(!valid.is_feeless(&origin(p[0])), "a second reveal pays");
	});
}
