//! Consensus and the validator set: BABE authors blocks, GRANDPA finalizes them, and the
//! session pallet hands both the validator set that governance keeps in
//! `pallet_validators`, with the keys each validator registered, at session boundaries.
//! A session is one BABE epoch; its length is fixed at genesis (one minute on development
//! chains, so that a validator change is seen within minutes; ten minutes otherwise).
//!
//! Validators answer for equivocations: a node that sees two blocks by one author in one
//! slot (BABE) or two votes by one voter in one round (GRANDPA) submits a report with a
//! proof that the keys were the offender's in that session (`pallet_session::historical`
//! keeps each session's keys as a trie root); `pallet_offences` passes the offence to
//! `pallet_validators`, which disables the offender and slashes its bond.

use alloc::vec::Vec;
use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64, Contains, Get},
};
use sp_runtime::traits::{Convert, ConvertInto};

use crate::{
	opaque::SessionKeys, AccountId, Babe, Balance, Balances, Historical, Offences, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, Session, Validators, UNIT,
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
	/// Sessions of keys kept for key-ownership proofs, GRANDPA's set ids by session, and a
	/// validator's bond after `unbond`: an equivocation can be reported for this long.
	pub const ReportSessions: u32 = REPORT_SESSIONS;
}

/// See [`ReportSessions`].
pub const REPORT_SESSIONS: u32 = 6;

/// How long an equivocation report stays valid in the pool: the sessions its proof can be
/// checked for, in slots.
pub struct ReportLongevity;
impl Get<u64> for ReportLongevity {
	fn get() -> u64 {
		EpochDuration::get().saturating_mul(u64::from(ReportSessions::get()))
	}
}

/// The validator set `pallet_validators` keeps, handed to the historical sessions, which
/// keep the keys of the last [`ReportSessions`] sessions (what an equivocation report can
/// still prove) and forget older ones: one entry per session, removed as each session
/// starts, so that the record stays bounded.
pub struct ValidatorSet;

impl pallet_session::SessionManager<AccountId> for ValidatorSet {
	fn new_session(index: u32) -> Option<Vec<AccountId>> {
		<Validators as pallet_session::SessionManager<_>>::new_session(index)
	}
	fn new_session_genesis(index: u32) -> Option<Vec<AccountId>> {
		<Validators as pallet_session::SessionManager<_>>::new_session_genesis(index)
	}
	fn end_session(index: u32) {
		<Validators as pallet_session::SessionManager<_>>::end_session(index)
	}
	fn start_session(index: u32) {
		<Validators as pallet_session::SessionManager<_>>::start_session(index)
	}
}

impl pallet_session::historical::SessionManager<AccountId, ()> for ValidatorSet {
	fn new_session(index: u32) -> Option<Vec<(AccountId, ())>> {
		<Validators as pallet_session::historical::SessionManager<_, _>>::new_session(index)
	}
	fn new_session_genesis(index: u32) -> Option<Vec<(AccountId, ())>> {
		<Validators as pallet_session::historical::SessionManager<_, _>>::new_session_genesis(index)
	}
	fn end_session(index: u32) {
		<Validators as pallet_session::historical::SessionManager<_, _>>::end_session(index)
	}
	fn start_session(index: u32) {
		<Validators as pallet_session::historical::SessionManager<_, _>>::start_session(index);
		Historical::prune_up_to(index.saturating_sub(ReportSessions::get()));
	}
}

/// A validator is identified by its account alone: there is no exposure to record.
pub struct Identified;
impl Convert<AccountId, Option<()>> for Identified {
	fn convert(_: AccountId) -> Option<()> {
		Some(())
	}
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = EpochDuration;
	type ExpectedBlockTime = ExpectedBlockTime;
	/// Epochs change when the session pallet rotates, with the authorities it gives.
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	/// A disabled validator's blocks are refused until the session ends.
	type DisabledValidators = Session;
	/// polkadot-sdk's weights: the equivocation report is its only call.
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type MaxNominators = ConstU32<0>;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_babe::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<{ REPORT_SESSIONS as u64 }>;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_authorship::Config for Runtime {
	/// The author of a block, from its BABE pre-digest: the reporter an equivocation report
	/// names.
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Babe>;
	type EventHandler = ();
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = Identified;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	/// Disables and slashes the offender.
	type OnOffenceHandler = Validators;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// A validator is its account: there are no stash/controller pairs here.
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = Babe;
	type NextSessionRotation = Babe;
	/// The set `pallet_validators` keeps, with each session's keys noted for key-ownership
	/// proofs for [`ReportSessions`] sessions.
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Self, ValidatorSet>;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// An offender is disabled for the rest of the session, up to a third of the set (more
	/// would stop finality).
	type DisablingStrategy = pallet_session::disabling::UpToLimitDisablingStrategy;
	/// polkadot-sdk's measured weights: session's benchmarks need a staking pallet.
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = KeyDeposit;
}

impl pallet_validators::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AdminOrigin = EnsureValidatorAdmin;
	type MaxValidators = ConstU32<MAX_VALIDATORS>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// Slashed bonds go to the treasury.
	type Treasury = crate::configs::TreasuryAccount;
	type UnbondingSessions = ReportSessions;
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
