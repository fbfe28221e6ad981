//! Builds the runtime's wasm, and beside it the two builds of the same runtime that the
//! end-to-end tests run, from the same compiled dependencies:
//! - `depin_runtime_fast` (feature `fast-runtime`): two-second slots, every period's block
//!   count unchanged, for the tests whose subject is not the clock;
//! - `depin_runtime_next` (feature `next-spec-version`): `spec_version` + 1, for rehearsing
//!   a runtime upgrade.
//!
//! Only the runtime crate itself is compiled again for each (about a minute on two cores);
//! the node embeds only the first. `DEPIN_SKIP_TEST_RUNTIMES=1` skips the two.

#[cfg(feature = "std")]
fn test_runtimes() {
	println!("cargo:rerun-if-env-changed=DEPIN_SKIP_TEST_RUNTIMES");
	if std::env::var_os("DEPIN_SKIP_TEST_RUNTIMES").is_some() {
		return;
	}
	for (feature, name) in
		[("fast-runtime", "depin_runtime_fast"), ("next-spec-version", "depin_runtime_next")]
	{
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_feature(feature)
			.set_file_name(name)
			.build();
	}
}

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("DCC", 12)
		.build();
	test_runtimes();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	substrate_wasm_builder::WasmBuilder::init_with_defaults().build();
	test_runtimes();
}

/// The wasm builder is deactivated when compiling this crate for wasm itself.
#[cfg(not(feature = "std"))]
fn main() {}
