//! `depin-node-faulty`: the node with deliberate faults (`--compute-fault`), for the
//! end-to-end tests of the protocol's punishments only. A provider that runs it loses its
//! bond.

fn main() {
	depin_node::run_and_exit()
}
