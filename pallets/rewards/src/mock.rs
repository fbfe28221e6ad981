//! Test runtime: System, Balances, and the providers, delegation and rewards pallets wired
//! as in the chain's runtime. Verified work is reported as the jobs pallet reports it, through
//! [`depin_interfaces::WorkCredit`]. Audits are issued into [`IssuedAudits`] (ids, and
//! whether each has finished) without escrow, so that the era's bookkeeping of them and the
//! benchmarks run here; audit jobs themselves are tested with the jobs pallet, in the runtime.

use crate::{self as pallet_rewards, RewardParams};
use depin_interfaces::{AuditJobs, VerifiedWork, WorkCredit};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
	PalletId,
};
use pallet_delegation::DelegationParams;
use pallet_providers::{Capabilities, DeviceKind, OpenClVersion, ProviderParams};
use sp_runtime::{BuildStorage, DispatchError, Perbill};

/// Wide enough that pool accounts derived from providers' accounts stay distinct.
pub type AccountId = u128;
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

	#[runtime::pallet_index(3)]
	pub type Delegation = pallet_delegation;

	#[runtime::pallet_index(4)]
	pub type Rewards = pallet_rewards;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
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
/// Minimum provider bond.
pub const MIN_BOND: Balance = 10_000;
/// Receives the treasury's share and slashes.
pub const TREASURY: AccountId = 999;
/// What every test account starts with.
pub const START_BALANCE: Balance = 1_000_000;
/// Blocks per era.
pub const ERA: u64 = 10;
/// Blocks per year: 100 eras.
pub const YEAR: u64 = 100 * ERA;

parameter_types! {
	/// The audits issued so far: job id and whether it has finished.
	pub static IssuedAudits: Vec<(u64, bool)> = Vec::new();
}

/// Audits as the jobs pallet issues them, without their escrow: each gets the next job id
/// and is cleared once finished.
pub struct MockAudits;

impl AuditJobs<AccountId> for MockAudits {
	fn issue(_auditor: &AccountId, _replicas: u8, _index: u32) -> Result<u64, DispatchError> {
		let job = IssuedAudits::get().len() as u64;
		IssuedAudits::mutate(|issued| issued.push((job, false)));
		Ok(job)
	}

	fn clear_if_finished(_auditor: &AccountId, job: u64) -> bool {
		IssuedAudits::get().iter().any(|&(id, finished)| id == job && finished)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_prepare(_replicas: u8) {}

	#[cfg(feature = "runtime-benchmarks")]
	fn benchmark_finish(_auditor: &AccountId, job: u64) {
		IssuedAudits::mutate(|issued| {
			if let Some(entry) = issued.iter_mut().find(|(id, _)| *id == job) {
				entry.1 = true;
			}
		});
	}
}

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub const DelegationPalletId: PalletId = PalletId(*b"dpn/dlgt");
	pub const RewardsPalletId: PalletId = PalletId(*b"dpn/rwrd");
	pub Pot: AccountId = Rewards::pot();
	pub ProviderDefaults: ProviderParams<Balance, u64> = ProviderParams {
		min_bond: MIN_BOND,
		unbonding_period: 10,
		slash_wrong_result: Perbill::from_percent(10),
		slash_no_show: Perbill::from_percent(1),
		reputation_gain: 10,
		reputation_loss_wrong: 100,
		reputation_loss_no_show: 50,
		max_exposure_percent: 100,
		min_class_providers: 1,
		min_class_bond: MIN_BOND,
		max_counted_stake: 10 * MIN_BOND,
	};
	pub DelegationDefaults: DelegationParams<Balance> = DelegationParams {
		min_delegation: 10,
		max_delegation_ratio: 10,
		max_commission: Perbill::from_percent(50),
		unbonding_eras: 2,
		commission_increase_interval: 5,
	};
	pub RewardDefaults: RewardParams<Balance, u64> = RewardParams {
		era_length: ERA,
		// 10 % a year: 0.1 % of issuance per era.
		inflation: Perbill::from_percent(10),
		work_share: Perbill::from_percent(60),
		stake_share: Perbill::from_percent(20),
		user_work_rate: Perbill::from_percent(50),
		min_work_replicas: 3,
		audits_per_era: 0,
		audit_replicas: 3,
		audit_reward: 100,
	};
}

impl pallet_providers::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = Treasury;
	// The simulation registers a thousand providers; the runtime's sample size.
	type MaxProviders = ConstU32<2_000>;
	type SelectionSample = ConstU32<16>;
	type RecountPerBlock = ConstU32<2>;
	type MaxUnbondingChunks = ConstU32<8>;
	type LongestJob = ConstU64<0>;
	type DefaultParams = ProviderDefaults;
	type Delegation = Delegation;
	type StakeObserver = Rewards;
	type VoteLocks = ();
	type WeightInfo = ();
}

impl pallet_delegation::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Providers = Providers;
	type VoteLocks = ();
	type Eras = Rewards;
	type StakeIncome = Rewards;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = Treasury;
	type RewardPot = Pot;
	type PalletId = DelegationPalletId;
	type MaxUnbondingBuckets = ConstU32<4>;
	type MaxUnbondingChunks = ConstU32<4>;
	type LongestJobEras = ConstU32<0>;
	type DefaultParams = DelegationDefaults;
	type WeightInfo = ();
}

impl pallet_rewards::Config for Test {
	type Currency = Balances;
	type Pools = Delegation;
	type Audits = MockAudits;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = Treasury;
	type PalletId = RewardsPalletId;
	type BlocksPerYear = ConstU64<YEAR>;
	type MaxAudits = ConstU32<4>;
	type RecentWorkEras = ConstU32<4>;
	type EraLengthFloor = ConstU64<1>;
	type DefaultParams = RewardDefaults;
	type WeightInfo = ();
}

/// A CPU provider's device.
pub fn cpu() -> Capabilities {
	Capabilities {
		kind: DeviceKind::Cpu,
		vendor: b"Portable Computing Language".to_vec().try_into().unwrap(),
		device: b"cpu-haswell".to_vec().try_into().unwrap(),
		opencl_version: OpenClVersion { major: 3, minor: 0 },
		memory_mib: 4096,
		compute_units: 2,
		max_concurrent_jobs: 4,
		device_class: [1; 32],
	}
}

/// Accounts 1..=40 hold `START_BALANCE`; providers 1, 2 and 3 are registered with
/// `MIN_BOND`; the pot holds its existential deposit; block 1, era 0.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<_> = (1..=40).map(|who| (who, START_BALANCE)).collect();
	balances.push((TREASURY, ED));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_providers::GenesisConfig::<Test> {
		params: None,
		providers: (1..=3).map(|who| (who, who + 100, cpu(), MIN_BOND)).collect(),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_rewards::GenesisConfig::<Test> { params: None }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then checks every pallet's invariants.
pub fn execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		check_invariants();
	})
}

/// Every pallet's invariants.
pub fn check_invariants() {
	Rewards::do_try_state().expect("reward invariants hold");
	Delegation::do_try_state().expect("delegation invariants hold");
	Providers::do_try_state().expect("provider invariants hold");
}

/// Runs blocks up to `n`, with the providers' and the rewards pallet's block hooks.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Providers::on_initialize(next);
		Rewards::on_initialize(next);
	}
}

/// Runs to the first block of era `era`.
pub fn run_to_era(era: u32) {
	run_to_block(u64::from(era) * ERA);
	assert_eq!(Rewards::current_era(), era);
}

/// Reports that `provider` agreed on a user job of `replicas` at `price` with `fee`.
pub fn user_work(provider: AccountId, replicas: u8, price: Balance, fee: Balance) {
	Rewards::credit_work(
		&provider,
		VerifiedWork { replicas, price_per_replica: price, fee, audit: false },
	);
}

/// This pallet's events so far.
pub fn events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Rewards(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Free balance of `who`.
pub fn free(who: AccountId) -> Balance {
	<Balances as frame_support::traits::fungible::Inspect<AccountId>>::balance(&who)
}

/// Total issuance.
pub fn issuance() -> Balance {
	<Balances as frame_support::traits::fungible::Inspect<AccountId>>::total_issuance()
}
