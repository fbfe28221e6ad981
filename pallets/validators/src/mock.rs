//! A runtime for the validator set's tests: balances and the session pallet as the chain
//! has them (keys, deposits, rotation), sessions of `SESSION` blocks, and a session
//! handler that records the authorities consensus would be given.

use crate::{self as pallet_validators};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
};
use frame_system::EnsureRoot;
use pallet_session::{PeriodicSessions, SessionHandler};
use sp_runtime::{
	impl_opaque_keys,
	testing::UintAuthorityId,
	traits::{ConvertInto, OpaqueKeys},
	BuildStorage, KeyTypeId, RuntimeAppPublic,
};

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

/// Blocks in a session.
pub const SESSION: u64 = 5;
/// What `session.setKeys` holds while keys are set.
pub const KEY_DEPOSIT: Balance = 10;
/// Balance of accounts 1..=10.
pub const START_BALANCE: Balance = 100;
/// The minimum validator bond (genesis validators hold it).
pub const BOND: Balance = 40;
/// The treasury's account, where slashes go.
pub const TREASURY: AccountId = 99;
/// Sessions a bond stays slashable after `unbond`.
pub const UNBONDING_SESSIONS: u32 = 2;

impl_opaque_keys! {
	pub struct MockSessionKeys {
		pub dummy: UintAuthorityId,
	}
}

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Validators = pallet_validators;
	#[runtime::pallet_index(3)]
	pub type Session = pallet_session;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
	/// The authorities the last session change gave consensus, by key.
	pub static Authorities: Vec<u64> = Vec::new();
}

/// Records the authorities of each new session, as BABE and GRANDPA would receive them.
pub struct RecordingSessionHandler;
impl SessionHandler<AccountId> for RecordingSessionHandler {
	const KEY_TYPE_IDS: &'static [KeyTypeId] = &[UintAuthorityId::ID];
	fn on_genesis_session<K: OpaqueKeys>(validators: &[(AccountId, K)]) {
		Authorities::set(keys_of(validators));
	}
	fn on_new_session<K: OpaqueKeys>(
		_changed: bool,
		validators: &[(AccountId, K)],
		_queued: &[(AccountId, K)],
	) {
		Authorities::set(keys_of(validators));
	}
	fn on_disabled(_: u32) {}
}

fn keys_of<K: OpaqueKeys>(validators: &[(AccountId, K)]) -> Vec<u64> {
	validators
		.iter()
		.map(|(_, keys)| keys.get::<UintAuthorityId>(UintAuthorityId::ID).unwrap_or_default().0)
		.collect()
}

impl pallet_session::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = PeriodicSessions<ConstU64<SESSION>, ConstU64<0>>;
	type NextSessionRotation = PeriodicSessions<ConstU64<SESSION>, ConstU64<0>>;
	type SessionManager = Validators;
	type SessionHandler = RecordingSessionHandler;
	type Keys = MockSessionKeys;
	/// As the chain has it: offenders disabled, up to a third of the set.
	type DisablingStrategy = pallet_session::disabling::UpToLimitDisablingStrategy;
	type WeightInfo = ();
	type Currency = Balances;
	type KeyDeposit = ConstU64<KEY_DEPOSIT>;
}

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
}

impl pallet_validators::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxValidators = ConstU32<6>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Treasury = Treasury;
	type UnbondingSessions = ConstU32<UNBONDING_SESSIONS>;
	type WeightInfo = ();
}

/// The keys account `who` registers in these tests: its own number, times ten.
pub fn keys_for(who: AccountId) -> MockSessionKeys {
	MockSessionKeys { dummy: UintAuthorityId(who * 10) }
}

/// `who` registers `keys` through `session.setKeys`, with a valid ownership proof.
pub fn register_keys(who: AccountId, keys: MockSessionKeys) -> sp_runtime::DispatchResult {
	use codec::Encode;
	let proof = (keys.dummy.sign(&who.encode()).expect("test keys sign"),).encode();
	Session::set_keys(RuntimeOrigin::signed(who), keys, proof)
}

/// `who` registers its keys and bonds the minimum: what governance can add.
pub fn candidate(who: AccountId) -> sp_runtime::DispatchResult {
	set_keys(who)?;
	Validators::bond(RuntimeOrigin::signed(who), BOND)
}

/// `who` registers its usual keys ([`keys_for`]).
pub fn set_keys(who: AccountId) -> sp_runtime::DispatchResult {
	register_keys(who, keys_for(who))
}

/// A chain whose validators are 1..=4 (minimum 3) with keys from genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=10).map(|a| (a, START_BALANCE)).chain([(TREASURY, 1)]).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	pallet_validators::GenesisConfig::<Test> {
		validators: vec![1, 2, 3, 4],
		minimum_validators: 3,
		session_length: SESSION,
		minimum_bond: BOND,
	}
	.assimilate_storage(&mut t)
	.unwrap();
	pallet_session::GenesisConfig::<Test> {
		keys: (1..=4).map(|a| (a, a, keys_for(a))).collect(),
		non_authority_keys: vec![],
	}
	.assimilate_storage(&mut t)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` in a fresh chain and checks the pallet's invariants afterwards.
pub fn execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		check_invariants();
	});
}

pub fn check_invariants() {
	Validators::do_try_state().expect("validator set invariants hold");
}

/// Runs blocks up to `n`, rotating sessions as the chain does, checking invariants after
/// each.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Session::on_initialize(next);
		check_invariants();
	}
}

/// Runs to the first block of session `index`.
pub fn run_to_session(index: u32) {
	run_to_block(u64::from(index) * SESSION);
	assert_eq!(pallet_session::CurrentIndex::<Test>::get(), index);
}

/// The authorities consensus has now, by account (keys are ten times the account).
pub fn authorities() -> Vec<AccountId> {
	Authorities::get().into_iter().map(|k| k / 10).collect()
}

pub fn events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Validators(e) = r.event { Some(e) } else { None })
		.collect()
}
