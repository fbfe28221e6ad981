//! Provider attestations through the executive, with the runtime's own transaction
//! extensions: a valid commit or reveal is free and goes ahead of ordinary traffic for as
//! long as its window is open; one that fails at dispatch pays its full fee.

use super::{ext_for, signed};
use crate::{
	tx_extension, AccountId, Balance, Executive, Header, Jobs, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeOrigin, System, MILLI_UNIT, UNIT,
};
use codec::Encode;
use frame_support::{assert_ok, traits::fungible::Inspect};
use pallet_jobs::{BuiltinKernel, JobId, JobSpec, Kernel, ResultMeta, Sha256BatchParams};
use pallet_providers::{DeviceKind, Requirements};
use sp_core::{sr25519, Pair, H256};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::Header as _,
	transaction_validity::{TransactionSource, ValidTransaction},
};

/// Commit window of the test job, in blocks.
const DEADLINE: u32 = 5;

fn balance(who: &AccountId) -> Balance {
	pallet_balances::Pallet::<Runtime>::balance(who)
}

/// Alice's operator key, which signs her node's attestations.
fn alice_operator() -> sr25519::Pair {
	sr25519::Pair::from_string("//Alice//operator", None).expect("valid derivation")
}

/// Bob submits a one-replica job on the dev chain; block 1 assigns it to Alice, the only
/// provider. Returns the job, in block 1.
fn job_assigned_to_alice() -> JobId {
	let spec = JobSpec {
		kernel: Kernel::BuiltIn(BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 64 })),
		input: vec![7u8; 64].try_into().unwrap(),
		input_content: None,
		work_size: [1, 1, 1],
		output_len: 32,
		replicas: 1,
		requirements: Requirements {
			kind: DeviceKind::Cpu,
			min_memory_mib: 0,
			min_reputation: 0,
			same_device_class: false,
		},
		price_per_replica: MILLI_UNIT,
		deadline: DEADLINE,
		compute_budget_ms: 10_000,
	};
	let job = pallet_jobs::Submissions::<Runtime>::get().next_id;
	assert_ok!(Jobs::submit(RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id()), spec));
	Executive::initialize_block(&Header::new(
		1,
		Default::default(),
		Default::default(),
		[69u8; 32].into(),
		Default::default(),
	));
	let record = pallet_jobs::JobRecords::<Runtime>::get(job).expect("submitted");
	assert_eq!(record.assigned[0].provider, Sr25519Keyring::Alice.to_account_id());
	job
}

const OUTPUT: [u8; 32] = [0x5a; 32];
const SALT: [u8; 32] = [1; 32];

fn result_hash() -> H256 {
	pallet_jobs::output_hash(&OUTPUT)
}

fn commit_call(job: JobId) -> RuntimeCall {
	let provider = Sr25519Keyring::Alice.to_account_id();
	let commitment = pallet_jobs::commitment(&result_hash(), &provider, job, &SALT);
	RuntimeCall::Jobs(pallet_jobs::Call::commit { job, commitment })
}

fn reveal_call(job: JobId, salt: [u8; 32]) -> RuntimeCall {
	RuntimeCall::Jobs(pallet_jobs::Call::reveal {
		job,
		result_hash: result_hash(),
		salt,
		meta: ResultMeta { exec_ms: 3, output_len: 32, device_class: [0; 32], error_code: None },
		inline_output: Some(OUTPUT.to_vec().try_into().unwrap()),
	})
}

/// The fee `who` paid in the events so far, if any.
fn fee_paid_by(who: &AccountId) -> Option<Balance> {
	System::events().into_iter().find_map(|r| match r.event {
		RuntimeEvent::TransactionPayment(
			pallet_transaction_payment::Event::TransactionFeePaid {
				who: payer, actual_fee, ..
			},
		) if payer == *who => Some(actual_fee),
		_ => None,
	})
}

#[test]
fn a_failing_attestation_pays_its_fee_and_a_valid_one_is_free() {
	ext_for("development").execute_with(|| {
		let job = job_assigned_to_alice();
		let operator = alice_operator();
		let who = AccountId::from(operator.public());
		let before = balance(&who);

		assert_eq!(Executive::apply_extrinsic(signed(commit_call(job), &operator, 0)), Ok(Ok(())));
		assert_eq!(balance(&who), before, "a valid commit is free");
		assert_eq!(fee_paid_by(&who), None);

		// One replica, committed: the reveal window is open. A reveal with another salt
		// does not open the commitment: it fails, and pays like any transaction.
		let wrong = Executive::apply_extrinsic(signed(reveal_call(job, [2; 32]), &operator, 1));
		assert!(matches!(wrong, Ok(Err(_))), "{wrong:?}");
		let fee = fee_paid_by(&who).expect("the failing reveal paid");
		assert!(fee > 0);
		assert_eq!(balance(&who), before - fee);

		// The valid reveal is free, and completes the job.
		System::reset_events();
		assert_eq!(
			Executive::apply_extrinsic(signed(reveal_call(job, SALT), &operator, 2)),
			Ok(Ok(()))
		);
		assert_eq!(fee_paid_by(&who), None);
		assert_eq!(balance(&who), before - fee);
	});
}

/// What the pool makes of `xt` at the head of the chain.
fn validity(xt: crate::UncheckedExtrinsic) -> ValidTransaction {
	Executive::validate_transaction(TransactionSource::External, xt, System::parent_hash())
		.expect("valid in the pool")
}

#[test]
fn valid_attestations_go_ahead_of_ordinary_traffic_while_their_window_is_open() {
	ext_for("development").execute_with(|| {
		let job = job_assigned_to_alice();
		// A transfer with a generous tip: ordinary traffic at its most eager.
		let bob = Sr25519Keyring::Bob;
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: Sr25519Keyring::Dave.to_account_id().into(),
			value: UNIT,
		});
		let mut ext = tx_extension(0);
		ext.8 =
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(10 * UNIT).into();
		let payload = crate::SignedPayload::new(call.clone(), ext.clone()).unwrap();
		let signature = payload.using_encoded(|bytes| bob.sign(bytes));
		let tipped = crate::UncheckedExtrinsic::new_signed(
			call,
			bob.to_account_id().into(),
			signature.into(),
			ext,
		);
		let transfer = validity(tipped);

		let commit = validity(signed(commit_call(job), &alice_operator(), 0));
		assert!(commit.priority > transfer.priority, "{commit:?} vs {transfer:?}");
		// It is of no use after its window: the pool drops it then.
		assert!(commit.longevity <= u64::from(DEADLINE), "{commit:?}");

		// The same call from a key that is no operator of the job gets no such place.
		let stranger = validity(signed(commit_call(job), &Sr25519Keyring::Eve.pair(), 0));
		assert!(stranger.priority < transfer.priority, "{stranger:?}");
	});
}
