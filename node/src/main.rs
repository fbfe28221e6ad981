//! `depin-node`: the DePIN Compute Chain node.

fn main() {
	depin_node::run_and_exit()
}
