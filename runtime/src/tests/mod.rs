//! Runtime tests: the genesis presets decode and build, a signed balance transfer goes
//! through the executive with every transaction extension, and weights and fees are sane.
//! `attestations`: what provider attestations cost and where they stand in the pool,
//! through the executive with the runtime's own extension tuple. `governance`: the DAO's
//! tracks deciding, enacting and locking, with the runtime's own pallets. `economy`:
//! property tests of jobs, delegation, votes and eras together (money conserved to the
//! unit, self-dealing never pays).

mod attestations;
mod economy;
mod governance;
mod validators;

use crate::{
	configs::RuntimeBlockWeights, genesis_config_presets, tx_extension, AccountId, Balance,
	BalancesCall, Executive, Header, Runtime, RuntimeCall, RuntimeEvent, RuntimeGenesisConfig,
	SignedPayload, System, TransactionPayment, UncheckedExtrinsic, MICRO_UNIT, MILLI_UNIT, UNIT,
};
use codec::Encode;
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::{fungible::Inspect, IntegrityTest},
};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::Header as _, BuildStorage};

/// The full genesis config of a preset: the runtime's defaults with the preset's patch
/// merged in, exactly as the node's chain-spec builder does it.
fn preset_config(name: &str) -> RuntimeGenesisConfig {
	let patch = genesis_config_presets::get_preset(&name.into())
		.unwrap_or_else(|| panic!("preset {name} exists"));
	let patch: serde_json::Value = serde_json::from_slice(&patch).expect("presets are JSON");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializable");
	sc_chain_spec::json_merge(&mut config, patch);
	// `deny_unknown_fields`: a preset naming a field the runtime lacks fails here.
	serde_json::from_value(config).unwrap_or_else(|e| panic!("preset {name} decodes: {e}"))
}

fn ext_for(preset: &str) -> sp_io::TestExternalities {
	let storage = preset_config(preset).build_storage().expect("genesis builds");
	sp_io::TestExternalities::new(storage)
}

fn who(k: Sr25519Keyring) -> AccountId {
	k.to_account_id()
}

fn signed_by(k: Sr25519Keyring) -> crate::RuntimeOrigin {
	crate::RuntimeOrigin::signed(who(k))
}

/// Runs `n` blocks' hooks of the pallets that act on their own, in the runtime's order:
/// jobs (deadlines, assignment), rewards (eras, the stake stream), the scheduler
/// (referenda's alarms and enactments).
fn run_blocks(n: u32) {
	use frame_support::traits::Hooks;
	for _ in 0..n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		crate::Jobs::on_initialize(next);
		crate::Rewards::on_initialize(next);
		crate::Scheduler::on_initialize(next);
	}
}

/// Submits `call` on the track of `origin` and places its decision deposit (Ferdie).
fn propose(origin: pallet_dao::Origin, call: RuntimeCall) -> u32 {
	try_propose(origin, call).expect("Ferdie proposes")
}

/// [`propose`], or why it was refused (in a storage layer of its own, as a transaction).
fn try_propose(
	origin: pallet_dao::Origin,
	call: RuntimeCall,
) -> Result<u32, sp_runtime::DispatchError> {
	use frame_support::traits::{schedule::DispatchTime, StorePreimage};
	frame_support::storage::with_storage_layer(|| {
		let index = pallet_referenda::ReferendumCount::<Runtime>::get();
		let bounded = crate::Preimage::bound(call)?;
		crate::Referenda::submit(
			signed_by(Sr25519Keyring::Ferdie),
			Box::new(crate::OriginCaller::Dao(origin)),
			bounded,
			DispatchTime::After(1),
		)?;
		crate::Referenda::place_decision_deposit(signed_by(Sr25519Keyring::Ferdie), index)
			.map_err(|e| e.error)?;
		Ok(index)
	})
}

/// `call` signed by `signer` with the runtime's own extension tuple.
fn signed(call: RuntimeCall, signer: &sp_core::sr25519::Pair, nonce: u32) -> UncheckedExtrinsic {
	use sp_core::Pair;
	let ext = tx_extension(nonce);
	let payload = SignedPayload::new(call.clone(), ext.clone()).expect("implicit data available");
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	let who = AccountId::from(signer.public());
	UncheckedExtrinsic::new_signed(call, who.into(), signature.into(), ext)
}

/// A signed `transfer_keep_alive` from `from`, through the runtime's own extension tuple.
fn signed_transfer(
	from: Sr25519Keyring,
	to: &AccountId,
	value: Balance,
	nonce: u32,
) -> UncheckedExtrinsic {
	let call =
		RuntimeCall::Balances(BalancesCall::transfer_keep_alive { dest: to.clone().into(), value });
	signed(call, &from.pair(), nonce)
}

#[test]
fn presets_are_listed_and_unknown_ones_are_not_invented() {
	let names = genesis_config_presets::preset_names();
	assert_eq!(names, vec!["development".to_string(), "local_testnet".to_string()]);
	assert!(genesis_config_presets::get_preset(&"no-such-preset".into()).is_none());
}

#[test]
fn development_genesis_builds() {
	ext_for("development").execute_with(|| {
		assert_eq!(pallet_babe::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 1);
		// Governance is the DAO's, at the short pace: no key holds root.
		assert_eq!(pallet_dao::Pace::<Runtime>::get(), pallet_dao::TrackPace::Short);
		let endowed = Sr25519Keyring::well_known().count() as u128;
		assert_eq!(endowed, 12);
		// The dev accounts, Alice's operator account, and the treasury and the reward pot
		// with the existential deposit.
		assert_eq!(
			pallet_balances::Pallet::<Runtime>::total_issuance(),
			endowed * genesis_config_presets::ENDOWMENT
				+ genesis_config_presets::OPERATOR_ENDOWMENT
				+ 2 * crate::EXISTENTIAL_DEPOSIT
		);
		assert_eq!(
			pallet_balances::Pallet::<Runtime>::balance(&crate::configs::RewardPot::get()),
			crate::EXISTENTIAL_DEPOSIT
		);
		// Minute-long eras, and no audits until a referendum asks for them.
		let rewards = pallet_rewards::Params::<Runtime>::get();
		assert_eq!((rewards.era_length, rewards.audits_per_era), (crate::MINUTES, 0));
		// Alice's own bond counts for stake income from the start.
		assert_eq!(
			pallet_rewards::TotalCounted::<Runtime>::get(),
			genesis_config_presets::PROVIDER_BOND
		);
		assert_eq!(
			pallet_balances::Pallet::<Runtime>::balance(&crate::configs::TreasuryAccount::get()),
			crate::EXISTENTIAL_DEPOSIT
		);
		for account in Sr25519Keyring::well_known() {
			// Alice's provider bond and validator bond are on hold.
			let bond = if account == Sr25519Keyring::Alice {
				genesis_config_presets::PROVIDER_BOND + genesis_config_presets::VALIDATOR_BOND
			} else {
				0
			};
			assert_eq!(
				pallet_balances::Pallet::<Runtime>::balance(&account.to_account_id()),
				genesis_config_presets::ENDOWMENT - bond
			);
		}
		// Alice computes, with the operator key the node puts in the dev keystore.
		let alice = Sr25519Keyring::Alice.to_account_id();
		let operator = operator_of("Alice");
		assert_eq!(
			<crate::Providers as pallet_providers::ProviderRegistry<_>>::provider_of(&operator),
			Some(alice)
		);
	});
}

/// The account of `//<name>//operator`.
fn operator_of(name: &str) -> crate::AccountId {
	use sp_core::Pair;
	sp_core::sr25519::Pair::from_string(&format!("//{name}//operator"), None)
		.expect("valid derivation")
		.public()
		.into()
}

#[test]
fn dev_operator_keys_are_the_derived_ones() {
	for (who, public) in genesis_config_presets::DEV_OPERATORS {
		assert_eq!(crate::AccountId::from(public), operator_of(&format!("{who:?}")), "{who:?}");
	}
}

#[test]
fn local_testnet_genesis_has_four_validators() {
	ext_for("local_testnet").execute_with(|| {
		// The validator set is the four, sorted by account, each with its session keys;
		// BABE's authorities are their keys in the same order.
		let keyrings = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		];
		let mut accounts: Vec<_> = keyrings.iter().map(|k| k.to_account_id()).collect();
		accounts.sort();
		assert_eq!(pallet_validators::Validators::<Runtime>::get().into_inner(), accounts);
		assert_eq!(pallet_session::Validators::<Runtime>::get(), accounts);
		assert_eq!(pallet_validators::MinimumValidators::<Runtime>::get(), 4);
		assert_eq!(
			<crate::configs::EpochDuration as frame_support::traits::Get<u64>>::get(),
			u64::from(crate::MINUTES)
		);
		let babe = pallet_babe::Authorities::<Runtime>::get();
		let expected: Vec<_> = accounts
			.iter()
			.map(|a| {
				let key = keyrings.iter().find(|k| &k.to_account_id() == a).expect("a keyring");
				(sp_consensus_babe::AuthorityId::from(key.public()), 1)
			})
			.collect();
		assert_eq!(babe.into_inner(), expected);
		pallet_validators::Pallet::<Runtime>::do_try_state().expect("the set's invariants hold");
		let grandpa = pallet_grandpa::Pallet::<Runtime>::grandpa_authorities();
		assert_eq!(grandpa.len(), 4);
		assert!(grandpa.iter().all(|(_, weight)| *weight == 1));
		// Alice, Bob and Charlie compute; Dave only validates.
		for (name, key) in [
			("Alice", Sr25519Keyring::Alice),
			("Bob", Sr25519Keyring::Bob),
			("Charlie", Sr25519Keyring::Charlie),
		] {
			assert_eq!(
				<crate::Providers as pallet_providers::ProviderRegistry<_>>::provider_of(
					&operator_of(name)
				),
				Some(key.to_account_id())
			);
		}
		assert_eq!(pallet_providers::ProviderCount::<Runtime>::get(), 3);
	});
}

#[test]
fn signed_transfer_is_applied_with_fees_and_events() {
	ext_for("development").execute_with(|| {
		let header = Header::new(
			1,
			Default::default(),
			Default::default(),
			[69u8; 32].into(),
			Default::default(),
		);
		Executive::initialize_block(&header);

		let alice = Sr25519Keyring::Alice.to_account_id();
		let dest = Sr25519Keyring::numeric_id(7);
		let value = 25 * UNIT;
		let balance = |who: &AccountId| pallet_balances::Pallet::<Runtime>::balance(who);
		let alice_before = balance(&alice);

		let treasury = crate::configs::TreasuryAccount::get();
		let treasury_before = balance(&treasury);
		let issuance_before = pallet_balances::Pallet::<Runtime>::total_issuance();

		let xt = signed_transfer(Sr25519Keyring::Alice, &dest, value, 0);
		assert_eq!(Executive::apply_extrinsic(xt), Ok(Ok(())));

		let events: Vec<RuntimeEvent> = System::events().into_iter().map(|r| r.event).collect();
		assert!(events.contains(&RuntimeEvent::Balances(pallet_balances::Event::Transfer {
			from: alice.clone(),
			to: dest.clone(),
			amount: value,
		})));
		let fee = events
			.iter()
			.find_map(|e| match e {
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid { who, actual_fee, tip },
				) if *who == alice && *tip == 0 => Some(*actual_fee),
				_ => None,
			})
			.expect("the fee is paid by the signer");
		assert!(fee > 0);
		assert_eq!(balance(&dest), value);
		assert_eq!(balance(&alice), alice_before - value - fee);
		// The DAO's share of the fee (a fifth by default) reaches the treasury; the rest
		// is burned.
		let share = pallet_dao::Params::<Runtime>::get().treasury_fee_share * fee;
		assert_eq!(share, sp_runtime::Perbill::from_percent(20) * fee);
		assert_eq!(balance(&treasury), treasury_before + share);
		assert_eq!(
			pallet_balances::Pallet::<Runtime>::total_issuance(),
			issuance_before - (fee - share)
		);
		assert_eq!(System::account_nonce(&alice), 1);

		// The same transaction again is stale (nonce used), a bad signature is refused.
		let replay = signed_transfer(Sr25519Keyring::Alice, &dest, value, 0);
		assert!(Executive::apply_extrinsic(replay).is_err());
		// Bob's signature on a transaction that claims to come from Charlie.
		let forged = {
			let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
				dest: dest.clone().into(),
				value,
			});
			let ext = tx_extension(0);
			let payload = SignedPayload::new(call.clone(), ext.clone()).expect("implicit data");
			let signature = payload.using_encoded(|bytes| Sr25519Keyring::Bob.sign(bytes));
			UncheckedExtrinsic::new_signed(
				call,
				Sr25519Keyring::Charlie.to_account_id().into(),
				signature.into(),
				ext,
			)
		};
		assert!(Executive::apply_extrinsic(forged).is_err());
	});
}

#[test]
fn block_weights_and_lengths_are_valid() {
	let weights = RuntimeBlockWeights::get();
	weights.clone().validate().expect("block weights are consistent");
	let normal = weights.get(DispatchClass::Normal);
	let max_extrinsic = normal.max_extrinsic.expect("normal extrinsics are limited");
	assert!(max_extrinsic.ref_time() > 0);
	// Operational extrinsics keep room in a full block.
	assert!(
		weights.get(DispatchClass::Operational).max_total.unwrap().ref_time()
			> normal.max_total.unwrap().ref_time()
	);
}

#[test]
fn a_transfer_weighs_little_and_costs_a_sane_fee() {
	ext_for("development").execute_with(|| {
		let dest = Sr25519Keyring::Bob.to_account_id();
		let xt = signed_transfer(Sr25519Keyring::Alice, &dest, UNIT, 0);
		let info = xt.function.get_dispatch_info();
		let max_extrinsic =
			RuntimeBlockWeights::get().get(DispatchClass::Normal).max_extrinsic.unwrap();
		// A transfer takes well under a hundredth of what one extrinsic may take.
		assert!(info.call_weight.ref_time() > 0);
		assert!(info.total_weight().ref_time() * 100 < max_extrinsic.ref_time());

		let fee = TransactionPayment::compute_fee(xt.encoded_size() as u32, &info, 0);
		// Between ten micro-DCC and ten milli-DCC: cheap to use, costly to spam.
		assert!(fee > 10 * MICRO_UNIT, "fee {fee} too small");
		assert!(fee < 10 * MILLI_UNIT, "fee {fee} too large");
	});
}

#[test]
fn pallet_integrity() {
	sp_io::TestExternalities::default().execute_with(|| {
		<crate::AllPalletsWithSystem as IntegrityTest>::integrity_test();
	});
}
