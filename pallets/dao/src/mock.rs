//! A runtime for the DAO's tests: balances, preimage, scheduler and referenda as the
//! chain has them, three tracks (parameters, spends, cancels), and the delegated stake and
//! providers' work that the chain's other pallets would report, set by each test.

use crate::{self as pallet_dao, Origin, StakedValue, WorkHouse};
use alloc::{borrow::Cow, collections::btree_map::BTreeMap};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, EqualPrivilegeOnly, Hooks, OriginTrait},
	weights::Weight,
};
use frame_system::{EnsureRoot, EnsureSigned};
use pallet_referenda::{Curve, Track, TrackInfo, TracksInfo};
use sp_runtime::{str_array as s, BuildStorage, Perbill};

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

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
	pub type Preimage = pallet_preimage;
	#[runtime::pallet_index(3)]
	pub type Scheduler = pallet_scheduler;
	#[runtime::pallet_index(4)]
	pub type Referenda = pallet_referenda;
	#[runtime::pallet_index(5)]
	pub type Dao = pallet_dao;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type FreezeIdentifier = RuntimeFreezeReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type MaxFreezes = ConstU32<2>;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_preimage::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

parameter_types! {
	pub MaxWeight: Weight = Weight::from_parts(2_000_000_000_000, u64::MAX);
}

impl pallet_scheduler::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaxWeight;
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = ();
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

/// Track 0 sets parameters, track 1 spends, track 2 cancels referenda. Each decides for
/// 10 blocks with 60 % approval and 10 % support, of both houses.
pub struct Tracks;
pub const PARAMETERS: u16 = 0;
pub const SPEND: u16 = 1;
pub const CANCEL: u16 = 2;
pub const DECISION: u64 = 10;

const fn track(id: u16) -> Track<u16, Balance, u64> {
	Track {
		id,
		info: TrackInfo {
			name: s("track"),
			max_deciding: 10,
			decision_deposit: 10,
			prepare_period: 1,
			decision_period: DECISION,
			confirm_period: 1,
			min_enactment_period: 1,
			min_approval: Curve::LinearDecreasing {
				length: Perbill::one(),
				floor: Perbill::from_percent(60),
				ceil: Perbill::from_percent(60),
			},
			min_support: Curve::LinearDecreasing {
				length: Perbill::one(),
				floor: Perbill::from_percent(10),
				ceil: Perbill::from_percent(10),
			},
		},
	}
}

impl TracksInfo<Balance, u64> for Tracks {
	type Id = u16;
	type RuntimeOrigin = <RuntimeOrigin as OriginTrait>::PalletsOrigin;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<u16, Balance, u64>>> {
		static TRACKS: [Track<u16, Balance, u64>; 3] =
			[track(PARAMETERS), track(SPEND), track(CANCEL)];
		TRACKS.iter().map(Cow::Borrowed)
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<u16, ()> {
		match origin {
			OriginCaller::Dao(Origin::Parameters) => Ok(PARAMETERS),
			OriginCaller::Dao(Origin::SmallSpender) => Ok(SPEND),
			OriginCaller::Dao(Origin::Canceller) => Ok(CANCEL),
			_ => Err(()),
		}
	}
}

impl pallet_referenda::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type RuntimeCall = RuntimeCall;
	type Scheduler = Scheduler;
	type Currency = Balances;
	type SubmitOrigin = EnsureSigned<AccountId>;
	type CancelOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Slash = ();
	type Votes = Balance;
	type Tally = crate::TallyOf<Test>;
	type SubmissionDeposit = ConstU64<2>;
	type MaxQueued = ConstU32<10>;
	type UndecidingTimeout = ConstU64<20>;
	type AlarmInterval = ConstU64<1>;
	type Tracks = Tracks;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	pub const DefaultParams: crate::DaoParams =
		crate::DaoParams { treasury_fee_share: Perbill::from_percent(20) };
	/// Delegated stake of each account, as the delegation pallet would report it.
	pub static Staked: BTreeMap<AccountId, Balance> = BTreeMap::new();
	/// Recent verified work of each registered provider (registered with zero work too).
	pub static Work: BTreeMap<AccountId, Balance> = BTreeMap::new();
}

pub struct MockStake;
impl StakedValue<AccountId, Balance> for MockStake {
	fn staked_value(who: &AccountId) -> Balance {
		Staked::get().get(who).copied().unwrap_or(0)
	}
}

pub struct MockWorkHouse;
impl WorkHouse<AccountId, Balance> for MockWorkHouse {
	fn weight(who: &AccountId) -> Option<Balance> {
		Work::get().get(who).copied()
	}
	fn electorate() -> Balance {
		Work::get().values().sum()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn make_provider(seed: u32) -> AccountId {
		let who = 1_000 + AccountId::from(seed);
		Work::mutate(|w| w.insert(who, 100));
		who
	}
}

/// The mock's one recovery call: System's `set_storage`, which only Root may make.
pub struct RootOnlyRecovery;
impl frame_support::traits::Contains<RuntimeCall> for RootOnlyRecovery {
	fn contains(call: &RuntimeCall) -> bool {
		matches!(call, RuntimeCall::System(frame_system::Call::set_storage { .. }))
	}
}

impl pallet_dao::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Polls = Referenda;
	type Stake = MockStake;
	type WorkHouse = MockWorkHouse;
	type PollTimeouts = crate::ReferendaTimeouts<Test>;
	type UpgradeOrigin = crate::origins::EnsureRuntimeUpgrade;
	type GovernanceOrigin = crate::origins::EnsureParameters;
	type RuntimeCall = RuntimeCall;
	type EmergencyOrigin = crate::origins::EnsureEmergency;
	type EmergencyCalls = RootOnlyRecovery;
	type DefaultParams = DefaultParams;
	type MaxVotes = ConstU32<3>;
	type VoteLockingPeriod = ConstU64<10>;
	type WeightInfo = ();
}

/// Balance of accounts 1..=10: 100 each; total issuance 1,000.
pub const START_BALANCE: Balance = 100;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut t = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=10).map(|a| (a, START_BALANCE)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut t)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(t);
	ext.execute_with(|| {
		System::set_block_number(1);
		Staked::set(BTreeMap::new());
		Work::set(BTreeMap::new());
	});
	ext
}

/// Runs `test` in a fresh chain and checks the DAO's invariants afterwards.
pub fn execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		check_invariants();
	});
}

pub fn check_invariants() {
	Dao::do_try_state().expect("DAO invariants hold");
}

pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Scheduler::on_initialize(next);
		check_invariants();
	}
}

/// Submits a referendum with `origin` as its proposal origin (a remark), places its
/// decision deposit, and returns its index once it is deciding.
pub fn propose(origin: Origin) -> u32 {
	let index = pallet_referenda::ReferendumCount::<Test>::get();
	let call = RuntimeCall::System(frame_system::Call::remark_with_event { remark: vec![1] });
	let bounded = <Preimage as frame_support::traits::StorePreimage>::bound(call).unwrap();
	frame_support::assert_ok!(Referenda::submit(
		RuntimeOrigin::signed(10),
		Box::new(OriginCaller::Dao(origin)),
		bounded,
		frame_support::traits::schedule::DispatchTime::After(1),
	));
	frame_support::assert_ok!(Referenda::place_decision_deposit(RuntimeOrigin::signed(10), index));
	run_to_block(System::block_number() + 2);
	index
}

/// The tally of an ongoing referendum.
pub fn tally(index: u32) -> crate::TallyOf<Test> {
	Referenda::ensure_ongoing(index).expect("ongoing").tally
}

/// Whether a referendum was approved (`Some(true)`), rejected (`Some(false)`), or is
/// still ongoing (`None`).
pub fn outcome(index: u32) -> Option<bool> {
	match pallet_referenda::ReferendumInfoFor::<Test>::get(index).expect("exists") {
		pallet_referenda::ReferendumInfo::Ongoing(_) => None,
		pallet_referenda::ReferendumInfo::Approved(..) => Some(true),
		_ => Some(false),
	}
}

pub fn events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Dao(e) = r.event { Some(e) } else { None })
		.collect()
}

/// What `who`'s votes hold.
pub fn held(who: AccountId) -> Balance {
	crate::asset::held::<Test>(&who)
}
