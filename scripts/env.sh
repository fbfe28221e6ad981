# Shared environment of the project's scripts; sourced, never run.
#
# - One cargo target dir outside the checkout, so a fresh clone builds incrementally.
# - Builds go through one fixed path, a symlink to the checkout in use
#   (~/.cache/depin-src). Cargo and the wasm builder then see the same source path
#   whatever directory the repository was cloned into, so the runtime wasm is
#   byte-identical across clones (the committed chain specs embed it and are checked
#   against a fresh build), and a new clone reuses the previous one's build.
#   One checkout builds at a time.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/depin-target}"
src_link="${DEPIN_SRC_LINK:-$HOME/.cache/depin-src}"
mkdir -p "$(dirname "$src_link")"
if [ "$(readlink "$src_link" 2>/dev/null)" != "$repo_root" ]; then
	ln -sfn "$repo_root" "$src_link"
	# Cargo judges freshness by modification time: after another checkout built, this
	# one's files must look newer, or an older checkout would pass for built.
	(cd "$repo_root" && git ls-files -z 2>/dev/null | xargs -0 -r touch -c)
fi
# The wasm build runs inside the target dir; this points it back at the workspace, so
# that it uses the workspace's Cargo.lock rather than resolving versions of its own.
export WASM_BUILD_WORKSPACE_HINT="$src_link"
export WASM_BUILD_RUSTFLAGS="--remap-path-prefix=$src_link=/depin --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo"
# Release builds: the node under test is the node users run.
export DEPIN_NODE="${DEPIN_NODE:-$CARGO_TARGET_DIR/release/depin-node}"

# Builds depin-node in release mode (incremental). Quiet unless something fails.
build_node() {
	cargo build --manifest-path "$src_link/Cargo.toml" --release --locked -p depin-node "$@"
}

# Runs cargo on the workspace through the fixed source path.
workspace_cargo() {
	local command=$1
	shift
	cargo "$command" --manifest-path "$src_link/Cargo.toml" "$@"
}
