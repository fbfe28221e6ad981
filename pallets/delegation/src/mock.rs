//! Test runtime: System, Balances (real holds), the providers pallet and the delegation
//! pallet. The era is a test-controlled value; income is booked as the rewards pallet
//! books it, through [`depin_interfaces::PoolIncome`], from a funded pot.

use crate::{self as pallet_delegation, DelegationParams};
use depin_compute_primitives::DeviceKind;
use depin_interfaces::EraIndex;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	PalletId,
};
use pallet_providers::{Capabilities, OpenClVersion, ProviderParams};
use sp_runtime::{BuildStorage, Perbill};

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
pub const MIN_BOND: Balance = 1_000;
/// Receives slashes.
pub const TREASURY: AccountId = 999;
/// The reward pot.
pub const POT: AccountId = 998;
/// What the pot starts with.
pub const POT_FUNDS: Balance = 1_000_000;
/// What every test account starts with.
pub const START_BALANCE: Balance = 100_000;
/// Eras a member's stake stays slashable after `unbond`.
pub const UNBONDING_ERAS: EraIndex = 3;
/// Least delegation.
pub const MIN_DELEGATION: Balance = 10;

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub const Pot: AccountId = POT;
	pub const DelegationPalletId: PalletId = PalletId(*b"dpn/dlgt");
	pub static Era: EraIndex = 0;
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
		max_counted_stake: 20 * MIN_BOND,
	};
	pub DelegationDefaults: DelegationParams<Balance> = DelegationParams {
		min_delegation: MIN_DELEGATION,
		max_delegation_ratio: 10,
		max_commission: Perbill::from_percent(50),
		unbonding_eras: UNBONDING_ERAS,
		commission_increase_interval: 5,
	};
}

/// The era is what the test sets.
pub struct TestEras;
impl depin_interfaces::EraClock for TestEras {
	fn current_era() -> EraIndex {
		Era::get()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_era(era: EraIndex) {
		Era::set(era);
	}
}

impl pallet_providers::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = Treasury;
	type MaxProviders = ConstU32<100>;
	type SelectionSample = ConstU32<8>;
	type RecountPerBlock = ConstU32<2>;
	type MaxUnbondingChunks = ConstU32<8>;
	type LongestJob = ConstU64<0>;
	type DefaultParams = ProviderDefaults;
	type Delegation = Delegation;
	type StakeObserver = ();
	type VoteLocks = ();
	type WeightInfo = ();
}

impl pallet_delegation::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Providers = Providers;
	type VoteLocks = ();
	type Eras = TestEras;
	type StakeIncome = ();
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type Treasury = Treasury;
	type RewardPot = Pot;
	type PalletId = DelegationPalletId;
	type MaxUnbondingBuckets = ConstU32<5>;
	type MaxUnbondingChunks = ConstU32<4>;
	type LongestJobEras = ConstU32<0>;
	type DefaultParams = DelegationDefaults;
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

/// Builds test externalities: accounts 1..=40 hold `START_BALANCE`, providers 1 and 2 are
/// registered with `MIN_BOND`, the pot holds `POT_FUNDS`, the era is 0.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<_> = (1..=40).map(|who| (who, START_BALANCE)).collect();
	balances.push((TREASURY, ED));
	balances.push((POT, POT_FUNDS));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_providers::GenesisConfig::<Test> {
		params: None,
		providers: vec![(1, 101, cpu(), MIN_BOND), (2, 102, cpu(), MIN_BOND)],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Era::set(0);
	});
	ext
}

/// Runs `test`, then checks both pallets' invariants.
pub fn execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Delegation::do_try_state().expect("delegation invariants hold after the test");
		Providers::do_try_state().expect("provider invariants hold after the test");
	})
}

/// This pallet's events so far.
pub fn events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Delegation(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Books `amount` of income into `provider`'s pool, as the rewards pallet does.
pub fn book(provider: AccountId, amount: Balance) {
	<Delegation as depin_interfaces::PoolIncome<AccountId, Balance>>::credit(&provider, amount);
}

/// Slashes `provider` as the jobs pallet does for a wrong result (10 %).
pub fn slash_wrong(provider: AccountId) -> Balance {
	<Providers as pallet_providers::ProviderRegistry<AccountId>>::punish(
		&provider,
		pallet_providers::SlashReason::WrongResult,
		0,
	)
}

/// Free balance of `who`.
pub fn free(who: AccountId) -> Balance {
	<Balances as frame_support::traits::fungible::Inspect<AccountId>>::balance(&who)
}
