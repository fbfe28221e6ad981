//! `depin-node`: the DePIN Compute Chain node.

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() {
	// Errors reach the user as one readable line and a non-zero exit, never a panic trace.
	if let Err(error) = command::run() {
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
