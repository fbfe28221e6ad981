//! Command-line interface of `depin-node`.

use depin_compute_executor::{device::DeviceChoice, ExecutorConfig, WorkerCommand};
use std::time::Duration;

/// Subcommands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys (session keys, operator keys).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Export a chain specification (a built-in one or a file) as JSON, plain or raw.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Build a chain specification (legacy; prefer `export-chain-spec`).
	#[deprecated(note = "use export-chain-spec instead")]
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// The compute worker process the node starts for its OpenCL executor; it speaks a
	/// binary protocol on stdin and stdout and is not meant to be run by hand.
	#[command(hide = true)]
	ComputeWorker(ComputeWorkerCmd),
}

/// Arguments of the compute worker process.
#[derive(Debug, clap::Args)]
pub struct ComputeWorkerCmd {
	/// The device to open.
	#[arg(long, default_value = "auto", value_parser = parse_device)]
	pub device: DeviceChoice,
}

fn parse_device(s: &str) -> Result<DeviceChoice, String> {
	s.parse()
}

/// A deliberate fault for tests of the protocol's punishments (feature `fault-injection`).
#[cfg(feature = "fault-injection")]
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FaultArg {
	/// Corrupt the first byte of every output.
	CorruptOutput,
}

/// Flags of the compute executor: what a provider node offers. The executor runs when
/// off-chain workers do (`--offchain-worker`, on by default for validators; providers that
/// do not validate pass `--offchain-worker always`).
#[derive(Debug, Clone, clap::Args)]
pub struct ComputeParams {
	/// OpenCL device to compute on: `auto` (the first GPU, else accelerator, else CPU),
	/// `cpu`, `gpu`, or an index in the order `clinfo -l` lists all platforms' devices.
	#[arg(long, default_value = "auto", value_parser = parse_device)]
	pub compute_device: DeviceChoice,

	/// Most compute jobs queued or running at once; more wait on chain for a later block.
	#[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
	pub compute_max_jobs: u32,

	/// Seconds a job may run, kernel build included. A job past its own compute budget is
	/// stopped and attested as such; one past this limit first is abandoned (its worker
	/// process killed) and not attested, so keep it at least the chain's longest budget
	/// (`max_compute_budget_ms`, a minute by default).
	#[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
	pub compute_time_limit: u64,

	/// MiB of input and output buffers one job may use.
	#[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
	pub compute_max_memory: u64,

	/// MiB of job data (inputs and outputs too large for a transaction) this node keeps on
	/// disk, under `<chain folder>/compute-data`: what it fetched or was given, and serves
	/// to peers. The least recently used is dropped for room.
	#[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
	pub compute_data_limit: u64,

	/// Run no executor: this node computes nothing even if it holds operator keys.
	#[arg(long)]
	pub no_compute: bool,

	/// TESTS ONLY: make this node's results wrong. Its provider will be slashed. Only in
	/// nodes built with the `fault-injection` feature.
	#[cfg(feature = "fault-injection")]
	#[arg(long, hide = true, value_enum)]
	pub compute_fault: Option<FaultArg>,
}

impl ComputeParams {
	/// The executor's configuration; its worker is this binary's `compute-worker`.
	pub fn executor_config(&self) -> std::io::Result<ExecutorConfig> {
		let program = std::env::current_exe()?;
		let mut config =
			ExecutorConfig::new(WorkerCommand { program, args: vec!["compute-worker".into()] });
		config.device = self.compute_device;
		config.max_jobs = self.compute_max_jobs as usize;
		config.time_limit = Duration::from_secs(self.compute_time_limit);
		config.max_memory = self.compute_max_memory.saturating_mul(1 << 20);
		#[cfg(feature = "fault-injection")]
		{
			config.fault = self
				.compute_fault
				.map(|FaultArg::CorruptOutput| depin_compute_executor::Fault::CorruptOutput);
		}
		Ok(config)
	}
}

/// `depin-node` arguments: a subcommand, or the flags of a running node.
#[derive(Debug, clap::Parser)]
#[command(
	propagate_version = true,
	args_conflicts_with_subcommands = true,
	subcommand_negates_reqs = true
)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: sc_cli::RunCmd,

	#[clap(flatten)]
	pub compute: ComputeParams,
}
