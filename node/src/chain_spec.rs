//! The chains `depin-node` knows by name, and chain specifications from files.
//!
//! Built-in chains are rendered from the runtime's genesis presets, so the node and the
//! committed files in `chain-specs/` cannot drift apart unnoticed (a test compares them).

use depin_runtime::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY};
use sc_service::{ChainType, Properties};

/// The chain specification type of this node: no extensions.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token symbol, decimals and address format, read by polkadot.js apps and wallets.
pub fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"the runtime wasm is not built into this binary (was it built with SKIP_WASM_BUILD?)"
			.to_string()
	})
}

/// The single-validator development chain (`--dev`, `--chain dev`), on runtime `code`.
pub fn development_chain_spec(code: &[u8]) -> ChainSpec {
	ChainSpec::builder(code, None)
		.with_name("DePIN Compute Development")
		.with_id("depin_dev")
		.with_protocol_id("depin-dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build()
}

/// The four-validator local testnet (`--chain local`), on runtime `code`.
pub fn local_chain_spec(code: &[u8]) -> ChainSpec {
	ChainSpec::builder(code, None)
		.with_name("DePIN Compute Local Testnet")
		.with_id("depin_local")
		.with_protocol_id("depin-local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build()
}

/// The names of the built-in chains (`""` is `--dev`'s).
const BUILT_IN: [&str; 3] = ["dev", "", "local"];

/// A built-in chain by name, on runtime `code`.
fn built_in(name: &str, code: &[u8]) -> Option<ChainSpec> {
	match name {
		"dev" | "" => Some(development_chain_spec(code)),
		"local" => Some(local_chain_spec(code)),
		_ => None,
	}
}

/// Resolves `--chain <id>`:
/// - a built-in name (`dev`, `local`): that chain on the runtime this node embeds;
/// - `<name>:<runtime.wasm>`: the built-in chain with its genesis built by another build of
///   the runtime, from that runtime's own preset (the end-to-end tests run the
///   `fast-runtime` build this way: `--chain dev:depin_runtime_fast.compact.compressed.wasm`);
/// - the path of a chain-spec JSON file.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	let (name, runtime) = id.split_once(':').unwrap_or((id, ""));
	if BUILT_IN.contains(&name) {
		let code = if runtime.is_empty() {
			wasm_binary()?.to_vec()
		} else {
			std::fs::read(runtime).map_err(|e| {
				format!("cannot read the runtime `{runtime}` for chain `{name}`: {e}")
			})?
		};
		if let Some(spec) = built_in(name, &code) {
			return Ok(Box::new(spec));
		}
	}
	let file = std::path::PathBuf::from(id);
	if !file.is_file() {
		return Err(format!(
			"unknown chain `{id}`: not a built-in chain (dev, local, or <chain>:<runtime.wasm>) \
			 and no chain-spec file at that path"
		));
	}
	Ok(Box::new(
		ChainSpec::from_json_file(file)
			.map_err(|e| format!("invalid chain-spec file `{id}`: {e}"))?,
	))
}
