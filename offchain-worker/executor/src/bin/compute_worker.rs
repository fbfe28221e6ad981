//! The compute worker as a stand-alone binary: `depin-compute-worker --device <choice>`.
//! The node runs the same code as `depin-node compute-worker`; this binary lets the
//! executor's own tests and benchmarks run without building the node.

use depin_compute_executor::{device::DeviceChoice, worker::worker_main};

fn main() {
	let mut args = std::env::args().skip(1);
	let mut choice = DeviceChoice::Auto;
	while let Some(arg) = args.next() {
		if arg == "--device" {
			match args.next().map(|v| v.parse()) {
				Some(Ok(c)) => choice = c,
				Some(Err(e)) => {
					eprintln!("{e}");
					std::process::exit(2);
				},
				None => {
					eprintln!("--device needs a value");
					std::process::exit(2);
				},
			}
		}
	}
	std::process::exit(worker_main(choice));
}
