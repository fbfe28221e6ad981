//! Consensus and the validator set: BABE authors blocks, GRANDPA finalizes them, and the
//! session pallet hands both the validator set that governance keeps in
//! `pallet_validators`, with the keys each validator registered, at session boundaries.
//! A session is one BABE epoch; its length is fixed at genesis (one minute on development
//! chains, so that a validator change is seen within minutes; ten minutes otherwise).

use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64, Contains, Get},
};
use sp_runtime::traits::ConvertInto;

use crate::{
	opaque::SessionKeys, AccountId, Babe, Balance, Balances, Runtime, RuntimeCall, RuntimeEvent,
	Validators, UNIT,
};
use pallet_dao::origins::EnsureValidatorAdmin;

/// The most validators the chain may have; BABE's and GRANDPA's authority bounds.
pub const MAX_VALIDATORS: u32 = 32;

/// Slots in a BABE epoch (and session): the genesis value in `pallet_validators`, or ten
/// minutes on a chain whose genesis sets none.
pub struct EpochDuration;
impl Get<u64> for EpochDuration {
	fn get() -> u64 {
		match Validators::session_length() {
			0 => crate::EPOCH_DURATION_IN_SLOTS,
			slots => slots,
		}
	}
}

parameter_types! {
	/// The block time BABE aims for.
	pub const ExpectedBlockTime: u64 = crate::MILLI_SECS_PER_BLOCK;
	/// Held while an account has session keys set: keys take storage that a stranger should
	/// not fill for free.
	pub const KeyDeposit: Balance = 10 * UNIT;
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = EpochDuration;
	type ExpectedBlockTime = ExpectedBlockTime;
	/// Epochs change when the session pallet rotates, with the authorities it gives.
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	type DisabledValidators = ();
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type MaxNominators = ConstU32<0>;
	/// Equivocation reports would need historical sessions to prove key ownership, and an
	/// offences pallet to act on them; the chain has neither yet.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// A validator is its account: there are no stash/controller pairs here.
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = Babe;
	type NextSessionRotation = Babe;
	type SessionManager = Validators;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// Nothing reports offences yet, so nothing disables a validator.
	type DisablingStrategy = ();
	/// polkadot-sdk's measured weights: session's benchmarks need a staking pallet.
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = KeyDeposit;
}

impl pallet_validators::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AdminOrigin = EnsureValidatorAdmin;
	type MaxValidators = ConstU32<MAX_VALIDATORS>;
	type WeightInfo = crate::weights::pallet_validators::WeightInfo<Runtime>;
}

/// The calls no signed account may make directly: `session.purgeKeys`, which would leave a
/// validator without keys. `validators.purgeKeys` does the same for anyone who is not a
/// validator.
pub struct BaseCallFilter;
impl Contains<RuntimeCall> for BaseCallFilter {
	fn contains(call: &RuntimeCall) -> bool {
		!matches!(call, RuntimeCall::Session(pallet_session::Call::purge_keys { .. }))
	}
}
