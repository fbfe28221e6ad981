# shellcheck shell=bash
# Shared environment of the project's scripts; sourced, never run.
#
# One cargo target dir outside the checkout (~/.cache/depin-target unless CARGO_TARGET_DIR
# says otherwise), so that a fresh clone builds only the workspace's own crates, and CI
# reuses what the last build left. Builds work from any path; two checkouts building at
# once take turns on the target dir's lock.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/depin-target}"
# The wasm build runs inside the target dir; this points it back at this checkout, so
# that it uses the workspace's Cargo.lock rather than resolving versions of its own.
export WASM_BUILD_WORKSPACE_HINT="$repo_root"
# Paths in the runtime wasm do not depend on where the checkout or cargo's home is.
export WASM_BUILD_RUSTFLAGS="--remap-path-prefix=$repo_root=/depin --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
# Release builds: the node under test is the node users run.
export DEPIN_NODE="${DEPIN_NODE:-$CARGO_TARGET_DIR/release/depin-node}"
# The same node with deliberate faults (`--compute-fault`), for the end-to-end tests of
# the protocol's punishments only.
export DEPIN_FAULTY_NODE="${DEPIN_FAULTY_NODE:-$CARGO_TARGET_DIR/release/depin-node-faulty}"

# The two other builds of the runtime that the end-to-end tests run, which the runtime's
# build script builds beside the node's wasm (`runtime/build.rs`), each under a wasm name of
# its own so that neither displaces the runtime the node embeds:
# - the next runtime, for rehearsing a runtime upgrade: `spec_version` + 1 (feature
#   `next-spec-version`);
# - the fast runtime, for the tests whose subject is not the clock: two-second slots, every
#   period's block count unchanged (feature `fast-runtime`). The node runs it as
#   `--chain dev:$DEPIN_FAST_RUNTIME` (or `local:...`).
wbuild="$CARGO_TARGET_DIR/release/wbuild/depin-runtime"
export DEPIN_NEXT_RUNTIME="${DEPIN_NEXT_RUNTIME:-$wbuild/depin_runtime_next.compact.compressed.wasm}"
export DEPIN_FAST_RUNTIME="${DEPIN_FAST_RUNTIME:-$wbuild/depin_runtime_fast.compact.compressed.wasm}"
# Builds depin-node in release mode (incremental), with the runtime's wasm and the test
# runtimes beside it. Quiet unless something fails.
build_node() {
	cargo build --manifest-path "$repo_root/Cargo.toml" --release --locked -p depin-node "$@"
}

# Builds the fault-injection node, `depin-node-faulty`, beside the real one: its own binary
# target, so that neither build displaces the other in the cache.
build_faulty_node() {
	build_node --features fault-injection --bin depin-node-faulty
}

# Runs cargo on the workspace.
workspace_cargo() {
	local command=$1
	shift
	cargo "$command" --manifest-path "$repo_root/Cargo.toml" "$@"
}
