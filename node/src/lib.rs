//! `depin-node`: the DePIN Compute Chain node, as a library its binaries share.
//!
//! - `depin-node` (`src/main.rs`) is the node users run.
//! - `depin-node-faulty` (`src/bin/faulty.rs`, feature `fault-injection`) is the same node
//!   with `--compute-fault`, for the end-to-end tests of the protocol's punishments. It is
//!   never built by default, and the `depin-node` binary never contains the fault code.

pub mod chain_spec;
pub mod cli;
pub mod command;
pub mod offchain_pool;
pub mod rpc;
pub mod service;

/// Runs the command line and exits. Errors reach the user as one readable line and a
/// non-zero exit, never a panic trace.
pub fn run_and_exit() {
	if let Err(error) = command::run() {
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
