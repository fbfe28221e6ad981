//! Test runtime: System, Balances (real holds) and the providers pallet.

use crate::{
	self as pallet_providers, Capabilities, DeviceKind, OpenClVersion, ProviderParams, Workload,
};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
};
use sp_runtime::{BuildStorage, Perbill};

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
	pub type Providers = pallet_providers;
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
	type ExistentialDeposit = ConstU64<{ ED }>;
}

/// Existential deposit.
pub const ED: Balance = 1;
/// Default minimum bond.
pub const MIN_BOND: Balance = 100;
/// Default unbonding period.
pub const UNBONDING: u64 = 10;
/// Receives slashes.
pub const TREASURY: AccountId = 999;
/// What every test account starts with.
pub const START_BALANCE: Balance = 10_000;

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub static MaxProviders: u32 = 100;
	pub static RecountPerBlock: u32 = 2;
	pub ProviderDefaults: ProviderParams<Balance, u64> = ProviderParams {
		min_bond: MIN_BOND,
		unbonding_period: UNBONDING,
		slash_wrong_result: Perbill::from_percent(10),
		slash_no_show: Perbill::from_percent(2),
		reputation_gain: 10,
		reputation_loss_wrong: 100,
		reputation_loss_no_show: 50,
		max_exposure_percent: 100,
		min_class_providers: 2,
		min_class_bond: 2 * MIN_BOND,
		max_counted_stake: Balance::MAX,
	};
}

impl pallet_providers::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = Treasury;
	type MaxProviders = MaxProviders;
	type SelectionSample = ConstU32<8>;
	type RecountPerBlock = RecountPerBlock;
	type MaxUnbondingChunks = ConstU32<8>;
	type LongestJob = ConstU64<0>;
	type DefaultParams = ProviderDefaults;
	type Delegation = ();
	type StakeObserver = RecordCounted;
	type VoteLocks = ();
	type WeightInfo = ();
}

parameter_types! {
	/// Every change of counted stake reported to the observer: (provider, counted).
	pub static CountedReports: Vec<(AccountId, Balance)> = Vec::new();
}

/// An observer that records what it hears.
pub struct RecordCounted;

impl depin_interfaces::CountedStakeObserver<AccountId, Balance> for RecordCounted {
	fn counted_stake_changed(provider: &AccountId, counted: Balance) {
		CountedReports::mutate(|reports| reports.push((*provider, counted)));
	}

	fn settle_income(_: &AccountId) {}
}

/// A valid device declaration of `kind`, class `class`, `memory_mib` and a job cap.
pub fn caps(kind: DeviceKind, class: u8, memory_mib: u32, max_jobs: u16) -> Capabilities {
	Capabilities {
		kind,
		vendor: b"Portable Computing Language".to_vec().try_into().unwrap(),
		device: b"cpu-haswell".to_vec().try_into().unwrap(),
		opencl_version: OpenClVersion { major: 3, minor: 0 },
		memory_mib,
		compute_units: 2,
		max_concurrent_jobs: max_jobs,
		device_class: [class; 32],
	}
}

/// A CPU provider of class 1 with 4 GiB and room for 4 jobs.
pub fn cpu() -> Capabilities {
	caps(DeviceKind::Cpu, 1, 4096, 4)
}

/// The operator account of provider `who` in tests: `who + 100`.
pub fn operator(who: AccountId) -> AccountId {
	who + 100
}

/// Builds test externalities: accounts 1..=40 hold `START_BALANCE`, the treasury exists.
#[derive(Default)]
pub struct ExtBuilder {
	providers: Vec<(AccountId, Capabilities, Balance)>,
}

impl ExtBuilder {
	/// Registers `who` at genesis with `capabilities` and `bond`.
	pub fn with_provider(
		mut self,
		who: AccountId,
		capabilities: Capabilities,
		bond: Balance,
	) -> Self {
		self.providers.push((who, capabilities, bond));
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let mut balances: Vec<_> = (1..=40).map(|who| (who, START_BALANCE)).collect();
		balances.push((TREASURY, ED));
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		pallet_providers::GenesisConfig::<Test> {
			params: None,
			providers: self
				.providers
				.into_iter()
				.map(|(who, caps, bond)| (who, operator(who), caps, bond))
				.collect(),
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Providers::do_try_state().expect("invariants hold after the test");
		})
	}
}

/// The events of this pallet emitted so far.
pub fn provider_events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Providers(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Runs blocks up to `n`, with the pallet's block hook.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Providers::on_initialize(next);
	}
}

/// What a replica asks in the registry tests: `price`, one block of compute, due whenever.
pub fn work(price: Balance) -> Workload<Balance, u64> {
	Workload { price, compute_blocks: 1, due: u64::MAX }
}
