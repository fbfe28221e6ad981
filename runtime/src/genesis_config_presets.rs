//! Genesis presets: the starting state of the development chain and of the local testnet.
//!
//! - `development`: one validator (Alice), the well-known dev accounts are endowed. Alice is a registered compute provider whose operator key is `//Alice//operator`
//!   (the node puts it in the keystore of `--dev`/`--alice`). Used by `depin-node --dev`.
//! - `local_testnet`: four validators (Alice, Bob, Charlie, Dave) so that GRANDPA keeps
//!   finalizing with one of them down (it needs more than two thirds); governance may add
//!   more (Eve, say) but never go below these four. Alice, Bob and
//!   Charlie are providers, with operator keys `//<Name>//operator`.
//!
//! Both run minute-long sessions (BABE epochs) and eras (the rewards pallet's
//! `era_length`) with two eras of unbonding for delegations, issue no audit jobs until a
//! referendum sets `audits_per_era`, and run the DAO's tracks at the short pace (a referendum with the
//! votes it needs passes in about half a minute). Nobody holds a root key.
//!
//! `chain-specs/` holds these presets rendered to JSON by `scripts/build-chain-specs`.

use crate::{
	configs::{DelegationDefaults, RewardDefaults, TreasuryAccount},
	opaque::SessionKeys,
	AccountId, BalancesConfig, DaoConfig, DelegationConfig, ProvidersConfig, RewardsConfig,
	RuntimeGenesisConfig, SessionConfig, ValidatorsConfig, EXISTENTIAL_DEPOSIT, MILLI_UNIT,
	MINUTES, UNIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pallet_providers::{Capabilities, DeviceKind, OpenClVersion};
use serde_json::Value;
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// What each endowed development account starts with: one million DCC.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// Bond of each development provider: ten times the minimum.
pub const PROVIDER_BOND: crate::Balance = 1_000 * UNIT;
/// Each genesis validator's bond, and the least bond a validator needs: slashed for an
/// equivocation.
pub const VALIDATOR_BOND: crate::Balance = 10_000 * UNIT;

/// What each operator key's account starts with, so that it exists (attestations are free).
pub const OPERATOR_ENDOWMENT: crate::Balance = 10 * UNIT;

/// sr25519 public keys of `//Alice//operator`, `//Bob//operator` and `//Charlie//operator`
/// (derivation needs the full crypto the runtime does not carry; a test checks them).
pub const DEV_OPERATORS: [(Sr25519Keyring, [u8; 32]); 3] = [
	(
		Sr25519Keyring::Alice,
		sp_core::hex2array!("945e10040b47c3df67c4ccf156ac19f9d649c16211646798a364097791691e3d"),
	),
	(
		Sr25519Keyring::Bob,
		sp_core::hex2array!("407f432b63c4661febeb51526c3c8127f2852cd3fb5344cbfe247f383866ec67"),
	),
	(
		Sr25519Keyring::Charlie,
		sp_core::hex2array!("b4cd86ca3c51e678b6783b33e1842c38db4f1a4c8a8c9e69dc210664521ff75a"),
	),
];

/// What a development provider declares: a CPU through PoCL, as many jobs at once as its
/// node's executor queues by default (`--compute-max-jobs`, 16). Declaring fewer left
/// the testnet's executors half idle under load (`scripts/load-testnet`: 24 jobs in flight
/// for three providers, 5.6 settled per block).
pub(crate) fn dev_capabilities() -> Capabilities {
	Capabilities {
		kind: DeviceKind::Cpu,
		vendor: b"Portable Computing Language".to_vec().try_into().unwrap_or_default(),
		device: b"development CPU".to_vec().try_into().unwrap_or_default(),
		opencl_version: OpenClVersion { major: 1, minor: 2 },
		memory_mib: 1024,
		compute_units: 1,
		max_concurrent_jobs: 16,
		device_class: [0; 32],
	}
}

/// A validator at genesis: its account and its BABE and GRANDPA keys.
type Authority = (AccountId, BabeId, GrandpaId);

/// A genesis state from its parts. `providers` are registered with their operator keys;
/// the set may never shrink below `minimum_validators`.
fn genesis(
	initial_authorities: Vec<Authority>,
	minimum_validators: u32,
	endowed_accounts: Vec<AccountId>,
	providers: Vec<(AccountId, AccountId)>,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|account| (account, ENDOWMENT))
				.chain(providers.iter().map(|(_, operator)| (operator.clone(), OPERATOR_ENDOWMENT)))
				// The treasury exists from genesis, so that the first fee or slash of any
				// size can reach it.
				.chain(core::iter::once((TreasuryAccount::get(), EXISTENTIAL_DEPOSIT)))
				.collect::<Vec<_>>(),
		},
		providers: ProvidersConfig {
			providers: providers
				.into_iter()
				.map(|(provider, operator)| (provider, operator, dev_capabilities(), PROVIDER_BOND))
				.collect::<Vec<_>>(),
		},
		// BABE's and GRANDPA's first authorities come from the session pallet's keys.
		babe: pallet_babe::GenesisConfig {
			epoch_config: crate::BABE_GENESIS_EPOCH_CONFIG,
			..Default::default()
		},
		validators: ValidatorsConfig {
			validators: initial_authorities
				.iter()
				.map(|(who, _, _)| who.clone())
				.collect::<Vec<_>>(),
			minimum_validators,
			// Minute-long sessions: a validator change is in force within two minutes.
			session_length: u64::from(MINUTES),
			minimum_bond: VALIDATOR_BOND,
		},
		session: SessionConfig {
			keys: initial_authorities
				.into_iter()
				.map(|(who, babe, grandpa)| (who.clone(), who, SessionKeys { babe, grandpa }))
				.collect::<Vec<_>>(),
			..Default::default()
		},
		// Referenda pass in minutes, so that people can try governance.
		dao: DaoConfig { pace: pallet_dao::TrackPace::Short, ..Default::default() },
		// Development chains run on minute-long eras, so that an era, an unbonding and a
		// commission's delay pass while one watches; they issue no audits until governance
		// asks for them, so that a developer's own jobs are alone in the queue.
		rewards: RewardsConfig {
			params: Some(pallet_rewards::RewardParams {
				era_length: MINUTES,
				audits_per_era: 0,
				// A minute's work budget is about half a DCC on these chains: an audit's
				// three replicas are credited well within it.
				audit_reward: 10 * MILLI_UNIT,
				..RewardDefaults::get()
			}),
		},
		delegation: DelegationConfig {
			params: Some(pallet_delegation::DelegationParams {
				unbonding_eras: 2,
				commission_increase_interval: 2,
				..DelegationDefaults::get()
			}),
		},
	})
}

/// The account, BABE (sr25519) and GRANDPA (ed25519) keys of a well-known development
/// validator: what `--alice` and the like put in a node's keystore.
fn authority_keys(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Authority {
	(sr.to_account_id(), sr.public().into(), ed.public().into())
}

/// The first `n` development providers with their operator accounts.
fn dev_providers(n: usize) -> Vec<(AccountId, AccountId)> {
	DEV_OPERATORS
		.iter()
		.take(n)
		.map(|(who, operator)| (who.to_account_id(), AccountId::from(*operator)))
		.collect()
}

/// Every well-known development account: Alice to Ferdie and their `//stash` accounts.
fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

/// The `development` preset: Alice alone validates.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		1,
		dev_accounts(),
		dev_providers(1),
	)
}

/// The `local_testnet` preset: Alice, Bob, Charlie and Dave validate.
pub fn local_config_genesis() -> Value {
	genesis(
		vec![
			authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority_keys(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority_keys(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority_keys(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		// Four keep finality alive with one of them down.
		4,
		dev_accounts(),
		dev_providers(3),
	)
}

/// The JSON patch of a named preset, if there is one by that name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// The names of every preset this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
