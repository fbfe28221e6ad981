//! # DePIN Compute Chain runtime
//!
//! The state transition function of the DePIN Compute Chain: a Substrate solochain on
//! which people with idle hardware sell OpenCL compute and people with work buy it.
//!
//! ## Overview
//!
//! - Consensus: BABE produces blocks every [`MILLI_SECS_PER_BLOCK`] ms, GRANDPA finalizes.
//!   Each block carries its author's VRF output: the randomness jobs are assigned with.
//! - Money: `pallet-balances` with holds, so that provider bonds and job escrow stay on
//!   the account that owns them rather than moving to a pot. Fees through
//!   `pallet-transaction-payment`.
//! - The compute marketplace: `pallet-providers` (provider bonds, reputation, slashing)
//!   and `pallet-jobs` (escrow, assignment, commit-reveal attestations, verification).
//!   Protocol fees and slashes go to the treasury account ([`configs::TreasuryAccount`]).
//! - Stake and emission: `pallet-delegation` (token holders stake behind providers and
//!   share their income and slashes) and `pallet-rewards` (each era's emission, paid to
//!   verified work, stake and the treasury).
//! - Governance: a DAO of two houses, token holders and providers (`pallet-dao`), counts
//!   the votes of `pallet-referenda`; `pallet-scheduler` and `pallet-preimage` enact what
//!   passes, `pallet-treasury` spends. Each power is one track's origin
//!   ([`configs::governance`]); there is no sudo key.
//!
//! Pallet configuration lives in [`configs`], runtime APIs in [`apis`], and the genesis
//! presets (`development`, `local_testnet`) in [`genesis_config_presets`].

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime!`/`#[frame_support::runtime]` need a deep recursion limit.
#![recursion_limit = "256"]

// The wasm the node embeds. The build script writes the fast and the next runtime's wasm
// beside it (`depin_runtime_fast`, `depin_runtime_next`), for the tests only.
#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
pub mod weights;

// The runtime macros (`impl_opaque_keys!`, `#[frame_support::runtime]`) expand to code that
// names `Vec`, which no_std builds do not have in their prelude.
use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types: what the node needs to know about the runtime's blocks without knowing
/// its extrinsic format.
pub mod opaque {
	use super::*;
	use sp_runtime::{generic, traits::Hash as HashT};

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;

	impl_opaque_keys! {
		/// The keys a validator registers: BABE for authoring, GRANDPA for finality.
		pub struct SessionKeys {
			pub babe: super::Babe,
			pub grandpa: super::Grandpa,
		}
	}
}

/// The runtime's version, with `spec_version` as given. A macro so that the next
/// release's numbering (feature `next-spec-version`, for upgrade rehearsals) cannot drift
/// from this one in anything else; the version attribute needs literal numbers.
macro_rules! runtime_version {
	($spec_version:tt) => {
		/// Version of the runtime. `spec_version` must grow with every runtime upgrade that
		/// changes behaviour; `transaction_version` with every change to call indices or
		/// transaction extensions, so that signers notice.
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("depin-compute"),
			impl_name: alloc::borrow::Cow::Borrowed("depin-compute"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			transaction_version: 1,
			system_version: 1,
		};
	};
}

#[cfg(not(feature = "next-spec-version"))]
runtime_version!(100);
#[cfg(feature = "next-spec-version")]
runtime_version!(101);

/// `$prod` in the runtime the chain runs, `$fast` in the `fast-runtime` build: the same
/// runtime on shorter slots, for the end-to-end tests whose subject is not the clock (as
/// polkadot's runtimes do for their test networks). Never in a chain people use.
macro_rules! prod_or_fast {
	($prod:expr, $fast:expr) => {
		if cfg!(feature = "fast-runtime") {
			$fast
		} else {
			$prod
		}
	};
}

mod block_times {
	/// Target block time of the production chain.
	const PROD_MILLI_SECS_PER_BLOCK: u64 = 6000;

	/// Target block time: six seconds; two in the `fast-runtime` build. BABE's slot duration
	/// is this, and the timestamp pallet's minimum period is half of it.
	///
	/// Changing it after genesis breaks block production: slot numbers are derived
	/// from it.
	pub const MILLI_SECS_PER_BLOCK: u64 = prod_or_fast!(PROD_MILLI_SECS_PER_BLOCK, 2000);

	/// Slot duration for BABE, equal to the block time.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

	/// Blocks in a minute of the production chain. Every period the runtime states in
	/// blocks (sessions, eras, deadlines, referenda, unbonding) counts these, so the
	/// `fast-runtime` build keeps each period's block count and only its slots are
	/// shorter: what a test asserts in blocks holds in both builds, three times sooner in
	/// the fast one. Compute budgets, which are wall-clock time, are converted with
	/// [`MILLI_SECS_PER_BLOCK`] instead.
	pub const MINUTES: crate::BlockNumber =
		(60_000 / PROD_MILLI_SECS_PER_BLOCK) as crate::BlockNumber;
	/// Blocks in an hour of the production chain.
	pub const HOURS: crate::BlockNumber = MINUTES * 60;
	/// Blocks in a day of the production chain.
	pub const DAYS: crate::BlockNumber = HOURS * 24;

	/// Slots in a BABE epoch (a session) on a chain whose genesis sets no other length: ten
	/// minutes. Development chains set one minute (`pallet_validators::SessionLength`).
	pub const EPOCH_DURATION_IN_SLOTS: u64 = 10 * MINUTES as u64;

	/// Chance that a slot has a primary (VRF-elected) author: 1/4, the rest are secondary.
	pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);

	/// BABE's configuration at genesis. Secondary slots carry a VRF output too, so that
	/// every block has randomness that its author could not choose.
	pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
		sp_consensus_babe::BabeEpochConfiguration {
			c: PRIMARY_PROBABILITY,
			allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
		};
}
pub use block_times::*;

/// Native token: DCC, with 12 decimals.
pub const TOKEN_SYMBOL: &str = "DCC";
/// Number of decimals of the native token.
pub const TOKEN_DECIMALS: u8 = 12;
/// SS58 address prefix: the generic Substrate prefix.
pub const SS58_PREFIX: u16 = 42;

/// One whole DCC in plancks.
pub const UNIT: Balance = 1_000_000_000_000;
/// One thousandth of a DCC.
pub const MILLI_UNIT: Balance = 1_000_000_000;
/// One millionth of a DCC.
pub const MICRO_UNIT: Balance = 1_000_000;

/// The smallest balance an account may hold; below it the account is reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Signature type of the chain's accounts.
pub type Signature = MultiSignature;

/// An account identifier: the public key of the signature scheme, or its hash.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// Balance of an account, in plancks.
pub type Balance = u128;

/// Index of a transaction in the chain.
pub type Nonce = u32;

/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;

/// An index to a block.
pub type BlockNumber = u32;

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// A block signed by the authority that produced it, with justifications.
pub type SignedBlock = generic::SignedBlock<Block>;

/// `BlockId` type as expected by this runtime.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions every signed transaction carries, in order. Signers (the
/// polkadot.js apps, any metadata-driven client) read this list from the metadata.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	// Valid provider attestations (`jobs.commit`, `jobs.reveal`) are free; clients see the
	// plain `ChargeTransactionPayment` in the metadata.
	pallet_skip_feeless_payment::SkipCheckIfFeeless<
		Runtime,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	>,
	// Attestations that would succeed go ahead of ordinary traffic in the pool, until
	// their window closes. Carries no data.
	pallet_jobs::PrioritizeAttestations<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// The transaction extensions of a signed transaction from an account at `nonce`, immortal,
/// without tip, without the metadata-hash check. The one place that builds the tuple:
/// transactions the runtime signs itself and tests use it.
pub fn tx_extension(nonce: Nonce) -> TxExtension {
	(
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(generic::Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0).into(),
		pallet_jobs::PrioritizeAttestations::<Runtime>::new(),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on the next runtime upgrade. Empty at genesis.
#[allow(unused_parens)]
type Migrations = ();

/// Executive: dispatches calls to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[cfg(test)]
mod tests;

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
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	/// Block production, and the VRF randomness of each block.
	#[runtime::pallet_index(2)]
	pub type Babe = pallet_babe;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(7)]
	pub type SkipFeelessPayment = pallet_skip_feeless_payment;

	/// Provider staking: registrations, bonds, reputation, slashing.
	#[runtime::pallet_index(8)]
	pub type Providers = pallet_providers;

	/// Job escrow, assignment, commit-reveal attestations, verification.
	#[runtime::pallet_index(9)]
	pub type Jobs = pallet_jobs;

	/// Token holders' stake behind providers: pools of points, income, commission.
	#[runtime::pallet_index(10)]
	pub type Delegation = pallet_delegation;

	/// Eras, the emission, and its split between verified work, stake and the treasury.
	#[runtime::pallet_index(11)]
	pub type Rewards = pallet_rewards;

	/// Calls scheduled by referenda that passed.
	#[runtime::pallet_index(12)]
	pub type Scheduler = pallet_scheduler;

	/// Proposals' call data, on deposit.
	#[runtime::pallet_index(13)]
	pub type Preimage = pallet_preimage;

	/// Proposals' life: deposits, deciding, confirming, by the DAO's tracks.
	#[runtime::pallet_index(14)]
	pub type Referenda = pallet_referenda;

	/// The DAO: the two-house tally, its vote locks, its origins.
	#[runtime::pallet_index(15)]
	pub type Dao = pallet_dao;

	/// The treasury: spends approved by the spend tracks.
	#[runtime::pallet_index(16)]
	pub type Treasury = pallet_treasury;

	/// The validator set, changed by the DAO's validator-admin track. Declared before the
	/// session pallet, whose genesis asks it for the first validators.
	#[runtime::pallet_index(17)]
	pub type Validators = pallet_validators;

	/// Sessions (one a BABE epoch): validators' keys, and the set handed to consensus.
	#[runtime::pallet_index(18)]
	pub type Session = pallet_session;

	/// Each session's validator keys as a trie root: key-ownership proofs for reports.
	#[runtime::pallet_index(19)]
	pub type Historical = pallet_session::historical;

	/// Block authors, the reporters of equivocations.
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship;

	/// Offences reported against validators, passed to `pallet_validators`.
	#[runtime::pallet_index(21)]
	pub type Offences = pallet_offences;
}

/// The pallets whose benchmarks the runtime exposes (`list_benchmarks!`/`add_benchmarks!`).
#[cfg(feature = "runtime-benchmarks")]
mod benches {
	frame_benchmarking::define_benchmarks!(
		[frame_benchmarking, BaselineBench::<Runtime>]
		[frame_system, SystemBench::<Runtime>]
		[frame_system_extensions, SystemExtensionsBench::<Runtime>]
		[pallet_balances, Balances]
		[pallet_timestamp, Timestamp]
		[pallet_transaction_payment, TransactionPayment]
		[pallet_providers, Providers]
		[pallet_jobs, Jobs]
		[pallet_delegation, Delegation]
		[pallet_rewards, Rewards]
		[pallet_dao, Dao]
		[pallet_validators, Validators]
	);
}
