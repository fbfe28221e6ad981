# Shared environment of the project's scripts; sourced, never run.
#
# - One cargo target dir outside the checkout, so a fresh clone builds incrementally.
# - The runtime wasm is built with the checkout's and cargo's paths remapped, so it is
#   byte-identical whatever directory the repository was cloned into: the committed
#   chain specs (which embed it) can then be checked against a fresh build anywhere.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/depin-target}"
# The wasm build runs inside the target dir; this points it back at the workspace, so
# that it uses the workspace's Cargo.lock rather than resolving versions of its own.
export WASM_BUILD_WORKSPACE_HINT="$repo_root"
export WASM_BUILD_RUSTFLAGS="--remap-path-prefix=$repo_root=/depin --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
# Release builds: the node under test is the node users run.
export DEPIN_NODE="${DEPIN_NODE:-$CARGO_TARGET_DIR/release/depin-node}"

# Builds depin-node in release mode (incremental). Quiet unless something fails.
build_node() {
	(cd "$repo_root" && cargo build --release --locked -p depin-node "$@")
}
