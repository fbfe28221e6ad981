//! The DAO's origins: each track's power, and nothing else.

use crate::{mock::*, origins::*, Origin};
use frame_support::{
	assert_noop, assert_ok,
	traits::{ConstU64, EnsureOrigin},
};
use sp_runtime::DispatchError;

type Spender = EnsureSpender<Balance, ConstU64<10>, ConstU64<1_000>>;

#[test]
fn each_origin_holds_its_own_power_only() {
	execute(|| {
		let origin = |o: Origin| RuntimeOrigin::from(o);
		assert!(EnsureParameters::try_origin(origin(Origin::Parameters)).is_ok());
		assert!(EnsureParameters::try_origin(origin(Origin::SmallSpender)).is_err());
		assert!(EnsureParameters::try_origin(RuntimeOrigin::root()).is_err());
		assert!(EnsureParameters::try_origin(RuntimeOrigin::signed(1)).is_err());
		assert!(EnsureValidatorAdmin::try_origin(origin(Origin::ValidatorAdmin)).is_ok());
		assert!(EnsureCanceller::try_origin(origin(Origin::Canceller)).is_ok());
		assert!(EnsureCanceller::try_origin(origin(Origin::RuntimeUpgrade)).is_err());
		// Spenders carry their cap.
		assert_eq!(Spender::try_origin(origin(Origin::SmallSpender)).ok(), Some(10));
		assert_eq!(Spender::try_origin(origin(Origin::BigSpender)).ok(), Some(1_000));
		assert!(Spender::try_origin(origin(Origin::Parameters)).is_err());
	});
}

#[test]
fn the_upgrade_track_authorizes_a_runtime_hash_and_nobody_else_can() {
	execute(|| {
		let hash = sp_core::H256::repeat_byte(7);
		assert_noop!(
			Dao::authorize_upgrade(RuntimeOrigin::signed(1), hash),
			DispatchError::BadOrigin
		);
		assert_noop!(Dao::authorize_upgrade(RuntimeOrigin::root(), hash), DispatchError::BadOrigin);
		assert_ok!(Dao::authorize_upgrade(Origin::RuntimeUpgrade.into(), hash));
		System::assert_last_event(
			frame_system::Event::UpgradeAuthorized { code_hash: hash, check_version: true }.into(),
		);
	});
}

#[test]
fn the_parameters_track_sets_the_treasurys_share_of_fees() {
	execute(|| {
		let params = crate::DaoParams { treasury_fee_share: sp_runtime::Perbill::from_percent(35) };
		assert_noop!(Dao::set_params(RuntimeOrigin::signed(1), params), DispatchError::BadOrigin);
		assert_noop!(
			Dao::set_params(Origin::SmallSpender.into(), params),
			DispatchError::BadOrigin
		);
		assert_ok!(Dao::set_params(Origin::Parameters.into(), params));
		assert_eq!(crate::Params::<Test>::get(), params);
	});
}

#[test]
fn the_emergency_track_makes_the_listed_recovery_calls_as_root_and_nothing_else() {
	execute(|| {
		let key = b"recovered".to_vec();
		let recovery = Box::new(RuntimeCall::System(frame_system::Call::set_storage {
			items: vec![(key.clone(), b"yes".to_vec())],
		}));
		// Only the emergency track.
		for origin in [
			RuntimeOrigin::signed(1),
			Origin::Parameters.into(),
			Origin::Canceller.into(),
			Origin::RuntimeUpgrade.into(),
		] {
			assert_noop!(Dao::emergency(origin, recovery.clone()), DispatchError::BadOrigin);
		}
		// The call runs as Root: `set_storage` accepts nothing else.
		assert_ok!(Dao::emergency(Origin::Emergency.into(), recovery));
		assert_eq!(sp_io::storage::get(&key).map(|v| v.to_vec()), Some(b"yes".to_vec()));
		System::assert_last_event(crate::Event::EmergencyDispatched { result: Ok(()) }.into());
		// A call that is not a recovery call is refused, even one Root could make.
		let upgrade = Box::new(RuntimeCall::Dao(crate::Call::authorize_upgrade {
			code_hash: sp_core::H256::repeat_byte(7),
		}));
		assert_noop!(
			Dao::emergency(Origin::Emergency.into(), upgrade),
			crate::Error::<Test>::NotAnEmergencyCall
		);
		let transfer =
			Box::new(RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
				dest: 2,
				value: 1,
			}));
		assert_noop!(
			Dao::emergency(Origin::Emergency.into(), transfer),
			crate::Error::<Test>::NotAnEmergencyCall
		);
	});
}
