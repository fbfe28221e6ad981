//! Configuration of every pallet in the runtime; consensus and the validator set in
//! [`consensus`], governance in [`governance`].

pub mod consensus;
pub mod governance;
pub use consensus::*;
pub use governance::*;

use frame_support::PalletId;
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, ConstU8, Get, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_MILLIS},
		IdentityFee, Weight,
	},
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot,
};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_runtime::{
	traits::{AccountIdConversion, One},
	transaction_validity::TransactionPriority,
	Perbill,
};
use sp_version::RuntimeVersion;

use super::{
	AccountId, Babe, Balance, Balances, Block, BlockNumber, Hash, Nonce, PalletInfo, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask,
	System, DAYS, EXISTENTIAL_DEPOSIT, HOURS, MICRO_UNIT, MILLI_UNIT, SLOT_DURATION, SS58_PREFIX,
	UNIT, VERSION,
};

/// Share of a block that normal (user) extrinsics may fill; the rest is kept for
/// operational extrinsics and the block's own hooks.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;

	/// A third of the block time in compute (two seconds of a six-second block) leaves
	/// time for propagation and import.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(crate::MILLI_SECS_PER_BLOCK / 3 * WEIGHT_REF_TIME_PER_MILLIS, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// Blocks are at most 5 MiB; normal extrinsics may fill the same share of it as of
	/// the block's weight.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO * *max
		})
		.build();
	pub const SS58Prefix: u16 = SS58_PREFIX;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	/// Signed accounts may not purge session keys directly (see [`BaseCallFilter`]).
	type BaseCallFilter = BaseCallFilter;
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// ParityDB is the node's database; its read/write costs price storage access.
	type DbWeight = ParityDbWeight;
	type SystemWeightInfo = crate::weights::frame_system::WeightInfo<Runtime>;
	type ExtensionsWeightInfo = crate::weights::frame_system_extensions::WeightInfo<Runtime>;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_timestamp::Config for Runtime {
	/// A timestamp: milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Babe;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = crate::weights::pallet_timestamp::WeightInfo<Runtime>;
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = crate::weights::pallet_balances::WeightInfo<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	/// One freeze per reason the runtime declares: none today (votes hold their capital,
	/// `pallet_dao`'s crate docs say why).
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fee multiplier stays at one: fees follow weight and length only.
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// A governed share of fees goes to the treasury, the rest is burned.
	type OnChargeTransaction = FungibleAdapter<Balances, DealWithFees>;
	type OperationalFeeMultiplier = ConstU8<5>;
	/// One planck per picosecond of reference time.
	type WeightToFee = IdentityFee<Balance>;
	/// One micro-DCC per byte: large transactions pay for the block space they take.
	type LengthToFee = frame_support::weights::ConstantMultiplier<Balance, ConstU128<MICRO_UNIT>>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = crate::weights::pallet_transaction_payment::WeightInfo<Runtime>;
}

impl pallet_skip_feeless_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
}

parameter_types! {
	/// Identity of the treasury account (`pallet-treasury`'s): protocol fees, slashes and
	/// a share of transaction fees go there, governance spends them.
	pub const TreasuryPalletId: PalletId = PalletId(*b"py/trsry");
	/// The treasury account.
	pub TreasuryAccount: AccountId = TreasuryPalletId::get().into_account_truncating();
	/// Default provider parameters; governance changes them through `providers.set_params`.
	pub ProviderDefaults: pallet_providers::ProviderParams<Balance, BlockNumber> =
		pallet_providers::ProviderParams {
			min_bond: 100 * UNIT,
			unbonding_period: DAYS,
			slash_wrong_result: Perbill::from_percent(10),
			slash_no_show: Perbill::from_percent(1),
			reputation_gain: 10,
			reputation_loss_wrong: 100,
			reputation_loss_no_show: 50,
			max_exposure_percent: 100,
			min_class_providers: 3,
			min_class_bond: 1_000 * UNIT,
			// Ten times the minimum: beyond it capital buys no more work or stake income
			// (`scripts/simulate-rewards` shows why the cap must stay this low).
			max_counted_stake: 1_000 * UNIT,
		};
	/// Default job parameters; governance changes them through `jobs.set_params`.
	pub JobDefaults: pallet_jobs::JobParams<Balance, BlockNumber> = pallet_jobs::JobParams {
		fee: Perbill::from_percent(5),
		min_price: MILLI_UNIT,
		min_deadline: 5,
		max_deadline: 2 * HOURS,
		reveal_window: 10,
		error_fee: MILLI_UNIT / 10,
		// A minute at most (what provider nodes allow by default), and half of each
		// block's time: a provider commits well inside the window after a full budget.
		max_compute_budget_ms: 60_000,
		compute_ms_per_block: (crate::MILLI_SECS_PER_BLOCK / 2) as u32,
		// Returned when the job is cleared; it also pays for the queue: a job that waits
		// through all 50 rounds pays 100 mDCC of it, and holding the open queue (192 places,
		// 32 of them tried per block) costs 64 mDCC a block, about 920 DCC a day.
		deposit_base: 100 * MILLI_UNIT,
		deposit_per_byte: 10 * MICRO_UNIT,
		max_queue_blocks: 50,
		queue_fee_per_round: 2 * MILLI_UNIT,
	};
}

/// The jobs pallet's longest job under its parameters in force: the providers' unbonding
/// period must be longer.
pub struct LongestJob;

impl Get<BlockNumber> for LongestJob {
	fn get() -> BlockNumber {
		pallet_jobs::Pallet::<Runtime>::longest_job(&pallet_jobs::Params::<Runtime>::get())
	}
}

// Delegated stake unbonded in era `e` stays slashable until era `e + unbonding_eras`
// begins: at least `(unbonding_eras - 1) × era_length + 1` blocks (unbonded in an era's
// last block). A job settles, and slashes, at most `LongestJob` blocks after it was
// assigned. The three below keep `(unbonding_eras - 1) × era_length >= LongestJob` under
// whatever governance changes: the delegation, rewards and jobs pallets each refuse
// parameters that break it.

/// Eras the longest job spans at the era length in force, rounded up: `unbonding_eras`
/// must be more.
pub struct LongestJobEras;

impl Get<u32> for LongestJobEras {
	fn get() -> u32 {
		let era = pallet_rewards::Params::<Runtime>::get().era_length.max(1);
		LongestJob::get().div_ceil(era)
	}
}

/// The shortest era length under which `unbonding_eras - 1` eras cover the longest job.
pub struct EraLengthFloor;

impl Get<BlockNumber> for EraLengthFloor {
	fn get() -> BlockNumber {
		match pallet_delegation::Params::<Runtime>::get().unbonding_eras.checked_sub(1) {
			Some(eras) if eras > 0 => LongestJob::get().div_ceil(eras),
			_ => BlockNumber::MAX,
		}
	}
}

/// The fewest blocks delegated stake stays slashable once unbonded: the longest job must
/// be shorter.
pub struct DelegationUnbonding;

impl Get<BlockNumber> for DelegationUnbonding {
	fn get() -> BlockNumber {
		let era = pallet_rewards::Params::<Runtime>::get().era_length;
		let eras = pallet_delegation::Params::<Runtime>::get().unbonding_eras.saturating_sub(1);
		eras.saturating_mul(era).saturating_add(1)
	}
}

impl pallet_providers::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// The DAO's parameters track.
	type GovernanceOrigin = pallet_dao::origins::EnsureParameters;
	type Treasury = TreasuryAccount;
	type MaxProviders = ConstU32<100_000>;
	type SelectionSample = ConstU32<16>;
	/// A change of the counted-stake cap reaches all 100,000 providers within about 1,600
	/// blocks (under three hours).
	type RecountPerBlock = ConstU32<64>;
	type MaxUnbondingChunks = ConstU32<8>;
	type LongestJob = LongestJob;
	type DefaultParams = ProviderDefaults;
	/// Slashes reach the stake delegated to a provider.
	type Delegation = crate::Delegation;
	/// Stake income follows each provider's counted stake.
	type StakeObserver = crate::Rewards;
	/// Governance votes keep the stake they stand on.
	type VoteLocks = crate::Dao;
	type WeightInfo = crate::weights::pallet_providers::WeightInfo<Runtime>;
}

impl pallet_jobs::Config for Runtime {
	type Currency = Balances;
	/// The VRF output of the parent block's author.
	type Randomness = pallet_babe::ParentBlockRandomness<Runtime>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Providers = crate::Providers;
	/// The DAO's parameters track.
	type GovernanceOrigin = pallet_dao::origins::EnsureParameters;
	/// Agreeing replicas' verified work earns them emission.
	type WorkCredit = crate::Rewards;
	type Treasury = TreasuryAccount;
	type DelegationUnbonding = DelegationUnbonding;
	type DefaultParams = JobDefaults;
	type MaxReplicas = ConstU32<7>;
	type MaxInputLen = ConstU32<{ 64 * 1024 }>;
	type MaxSourceLen = ConstU32<{ 64 * 1024 }>;
	type MaxEntryLen = ConstU32<256>;
	type MaxOutputLen = ConstU32<{ 16 * 1024 * 1024 }>;
	type MaxInlineOutput = ConstU32<1024>;
	type MaxQueueLen = ConstU32<256>;
	type MaxAssignmentsPerBlock = ConstU32<32>;
	type MaxDeadlinesPerBlock = ConstU32<128>;
	/// Half the priority range. Fee-based priority is the tip times the number of such
	/// transactions a block holds (a few thousand transfers): a transfer would have to tip
	/// thousands of DCC to pass a valid attestation.
	type AttestationPriority = ConstU64<{ TransactionPriority::MAX / 2 }>;
	/// A third of the block time.
	type ResultWaitMillis = ConstU64<{ crate::MILLI_SECS_PER_BLOCK / 3 }>;
	type OperatorCrypto = pallet_jobs::offchain::crypto::OperatorCrypto;
	type WeightInfo = crate::weights::pallet_jobs::WeightInfo<Runtime>;
}

parameter_types! {
	/// Identity of the pool accounts that hold delegated stake, one per provider.
	pub const DelegationPalletId: PalletId = PalletId(*b"dpn/dlgt");
	/// Identity of the reward pot.
	pub const RewardsPalletId: PalletId = PalletId(*b"dpn/rwrd");
	/// The reward pot: the emission is minted into it, income is paid from it.
	pub RewardPot: AccountId = RewardsPalletId::get().into_account_truncating();
	/// Blocks in a year of 365.25 days.
	pub const BlocksPerYear: BlockNumber = 365 * DAYS + DAYS / 4;
	/// Default delegation parameters; governance changes them through
	/// `delegation.set_params`.
	pub DelegationDefaults: pallet_delegation::DelegationParams<Balance> =
		pallet_delegation::DelegationParams {
			min_delegation: UNIT,
			max_delegation_ratio: 10,
			max_commission: Perbill::from_percent(50),
			// A week of daily eras: well past the longest job a provider can hold.
			unbonding_eras: 7,
			commission_increase_interval: 7,
		};
	/// Default reward parameters; governance changes them through `rewards.set_params`.
	pub RewardDefaults: pallet_rewards::RewardParams<Balance, BlockNumber> =
		pallet_rewards::RewardParams {
			era_length: DAYS,
			inflation: Perbill::from_percent(5),
			work_share: Perbill::from_percent(50),
			stake_share: Perbill::from_percent(30),
			user_work_rate: Perbill::from_percent(50),
			min_work_replicas: 3,
			audits_per_era: 4,
			audit_replicas: 3,
			audit_reward: UNIT,
		};
}

impl pallet_delegation::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Providers = crate::Providers;
	/// Governance votes keep the stake they stand on.
	type VoteLocks = crate::Dao;
	type Eras = crate::Rewards;
	type StakeIncome = crate::Rewards;
	/// The DAO's parameters track.
	type GovernanceOrigin = pallet_dao::origins::EnsureParameters;
	type Treasury = TreasuryAccount;
	type RewardPot = RewardPot;
	type PalletId = DelegationPalletId;
	type MaxUnbondingBuckets = ConstU32<16>;
	type MaxUnbondingChunks = ConstU32<8>;
	type LongestJobEras = LongestJobEras;
	type DefaultParams = DelegationDefaults;
	type WeightInfo = crate::weights::pallet_delegation::WeightInfo<Runtime>;
}

impl pallet_rewards::Config for Runtime {
	type Currency = Balances;
	type Pools = crate::Delegation;
	type Audits = crate::Jobs;
	/// The DAO's parameters track.
	type GovernanceOrigin = pallet_dao::origins::EnsureParameters;
	type Treasury = TreasuryAccount;
	type PalletId = RewardsPalletId;
	type BlocksPerYear = BlocksPerYear;
	type MaxAudits = ConstU32<16>;
	/// Four eras (days): the work house weighs the last four days of verified work.
	type RecentWorkEras = ConstU32<4>;
	type EraLengthFloor = EraLengthFloor;
	type DefaultParams = RewardDefaults;
	type WeightInfo = crate::weights::pallet_rewards::WeightInfo<Runtime>;
}

// Transactions the runtime builds in off-chain workers: providers' commits and reveals,
// signed with their operator keys.
impl frame_system::offchain::SigningTypes for Runtime {
	type Public = <crate::Signature as sp_runtime::traits::Verify>::Signer;
	type Signature = crate::Signature;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = crate::UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

// Transactions the runtime builds without a signature: equivocation reports, which BABE and
// GRANDPA check against their proofs.
impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> crate::UncheckedExtrinsic {
		crate::UncheckedExtrinsic::new_bare(call)
	}
}

impl<C> frame_system::offchain::CreateSignedTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_signed_transaction<
		A: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		public: Self::Public,
		account: AccountId,
		nonce: Nonce,
	) -> Option<crate::UncheckedExtrinsic> {
		let payload = crate::SignedPayload::new(call, crate::tx_extension(nonce)).ok()?;
		let signature = codec::Encode::using_encoded(&payload, |bytes| A::sign(bytes, public))?;
		let (call, extension, _) = payload.deconstruct();
		Some(crate::UncheckedExtrinsic::new_signed(call, account.into(), signature, extension))
	}
}
