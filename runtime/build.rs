//! Builds the runtime's wasm. With the `next-spec-version` feature the wasm (and the Rust
//! file that includes it) is named `depin_runtime_next`, with `fast-runtime`
//! `depin_runtime_fast`, so that neither test runtime ever overwrites the one the node
//! embeds.

#[cfg(feature = "std")]
fn builder() -> substrate_wasm_builder::WasmBuilder {
	let builder = substrate_wasm_builder::WasmBuilder::init_with_defaults();
	if std::env::var_os("CARGO_FEATURE_NEXT_SPEC_VERSION").is_some() {
		builder.set_file_name("depin_runtime_next")
	} else if std::env::var_os("CARGO_FEATURE_FAST_RUNTIME").is_some() {
		builder.set_file_name("depin_runtime_fast")
	} else {
		builder
	}
}

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	builder().enable_metadata_hash("DCC", 12).build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	builder().build();
}

/// The wasm builder is deactivated when compiling this crate for wasm itself.
#[cfg(not(feature = "std"))]
fn main() {}
