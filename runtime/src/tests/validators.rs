//! The validator set in the runtime: only the DAO's validator-admin track changes it, only
//! to accounts that registered keys through `session.setKeys` with a real ownership proof,
//! and no validator can strand itself without keys.

use super::*;
use crate::{opaque::SessionKeys, OriginCaller, RuntimeOrigin, Session, Validators};
use frame_support::{assert_noop, assert_ok};
use pallet_dao::Origin as DaoOrigin;
use sp_runtime::{traits::Dispatchable, DispatchError};

/// The local testnet with a keystore, so that session keys can be generated as a node's
/// `author_rotateKeysWithOwner` does.
fn local_with_keystore() -> sp_io::TestExternalities {
	let mut ext = ext_for("local_testnet");
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext
}

/// `who` generates fresh session keys and registers them with `session.setKeys`.
fn register_keys(who: &AccountId) {
	let generated = SessionKeys::generate(&who.encode(), None);
	assert_ok!(Session::set_keys(
		RuntimeOrigin::signed(who.clone()),
		generated.keys,
		generated.proof.encode()
	));
}

fn add(who: &AccountId) -> RuntimeCall {
	RuntimeCall::Validators(pallet_validators::Call::add_validator { who: who.clone() })
}

fn dao(origin: DaoOrigin) -> RuntimeOrigin {
	OriginCaller::Dao(origin).into()
}

#[test]
fn the_validator_admin_track_adds_a_validator_with_keys() {
	local_with_keystore().execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		// Without keys, even the right origin cannot add her.
		assert_eq!(
			add(&eve).dispatch(dao(DaoOrigin::ValidatorAdmin)).map_err(|e| e.error),
			Err(pallet_validators::Error::<Runtime>::NoSessionKeys.into())
		);
		register_keys(&eve);
		// Nor without the bond.
		assert_eq!(
			add(&eve).dispatch(dao(DaoOrigin::ValidatorAdmin)).map_err(|e| e.error),
			Err(pallet_validators::Error::<Runtime>::BondTooLow.into())
		);
		assert_ok!(Validators::bond(
			RuntimeOrigin::signed(eve.clone()),
			genesis_config_presets::VALIDATOR_BOND
		));
		// No other power changes the set.
		for origin in [
			RuntimeOrigin::signed(eve.clone()),
			dao(DaoOrigin::Parameters),
			dao(DaoOrigin::BigSpender),
			dao(DaoOrigin::RuntimeUpgrade),
		] {
			assert_eq!(
				add(&eve).dispatch(origin).map_err(|e| e.error),
				Err(DispatchError::BadOrigin)
			);
		}
		assert_ok!(add(&eve).dispatch(dao(DaoOrigin::ValidatorAdmin)));
		assert!(pallet_validators::Validators::<Runtime>::get().contains(&eve));
		pallet_validators::Pallet::<Runtime>::do_try_state().expect("invariants hold");
	});
}

#[test]
fn a_validator_cannot_purge_its_keys() {
	local_with_keystore().execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		// The session pallet's own call is filtered for everyone.
		let purge = RuntimeCall::Session(pallet_session::Call::purge_keys {});
		assert_eq!(
			purge.dispatch(RuntimeOrigin::signed(alice.clone())).map_err(|e| e.error),
			Err(frame_system::Error::<Runtime>::CallFiltered.into())
		);
		// The validator set's refuses a member.
		assert_noop!(
			Validators::purge_keys(RuntimeOrigin::signed(alice.clone())),
			pallet_validators::Error::<Runtime>::StillValidator
		);
		// Anyone else gets the deposit back.
		let ferdie = Sr25519Keyring::Ferdie.to_account_id();
		register_keys(&ferdie);
		let free = pallet_balances::Pallet::<Runtime>::free_balance(&ferdie);
		assert_ok!(Validators::purge_keys(RuntimeOrigin::signed(ferdie.clone())));
		assert_eq!(
			pallet_balances::Pallet::<Runtime>::free_balance(&ferdie),
			free + crate::configs::KeyDeposit::get()
		);
		pallet_validators::Pallet::<Runtime>::do_try_state().expect("invariants hold");
	});
}

#[test]
fn historical_sessions_are_kept_for_the_report_window_only() {
	local_with_keystore().execute_with(|| {
		let window = crate::configs::consensus::REPORT_SESSIONS;
		for _ in 0..3 * window {
			Session::rotate_session();
		}
		let current = pallet_session::CurrentIndex::<Runtime>::get();
		assert_eq!(current, 3 * window);
		let (first, end) = pallet_session::historical::StoredRange::<Runtime>::get()
			.expect("recent sessions are kept");
		assert_eq!(end, current + 2, "up to the queued session, the one after the current");
		assert_eq!(first, current - window, "older ones are forgotten");
		assert!(pallet_session::historical::HistoricalSessions::<Runtime>::get(first - 1).is_none());
		assert!(pallet_session::historical::HistoricalSessions::<Runtime>::get(first).is_some());
	});
}
