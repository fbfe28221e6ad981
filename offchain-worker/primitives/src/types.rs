//! Types shared by the runtime, its off-chain worker and the node's executor: the device a
//! provider offers, the task handed to the executor, and what the executor reports back.
//! All of them are SCALE-encoded across the host-function boundary.

use crate::kernels::{Kernel, Unbounded};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Identifier of a job on chain (the jobs pallet's `JobId`).
pub type JobId = u64;

/// Fingerprint of a device class: a hash over vendor, device, driver and OpenCL version
/// that the provider node computes. Replicas of one class are expected to produce
/// bit-identical results even for floating-point kernels.
pub type DeviceClass = [u8; 32];

/// The kind of OpenCL device a provider offers.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum DeviceKind {
	/// A CPU device (for example through PoCL).
	Cpu,
	/// A GPU.
	Gpu,
	/// Another accelerator (FPGA, DSP, ...).
	Accelerator,
}

/// The OpenCL version a device supports.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct OpenClVersion {
	/// Major version (1, 2, 3).
	pub major: u8,
	/// Minor version.
	pub minor: u8,
}

/// A job as the executor sees it.
#[derive(Clone, Encode, Decode, Debug, PartialEq, Eq)]
pub struct ComputeTask {
	/// The job on chain; outputs are kept under it.
	pub job: JobId,
	/// What to run.
	pub kernel: Kernel<Unbounded, Unbounded>,
	/// Input bytes given inline (empty when the input is [`ComputeTask::input_content`]).
	pub input: Vec<u8>,
	/// Input too large for a transaction: content the node fetches from its peers by its
	/// Merkle root ([`crate::content`]).
	pub input_content: Option<crate::content::ContentId>,
	/// Global work size of a source kernel (unused dimensions are 1). Built-in kernels
	/// derive theirs from their parameters.
	pub work_size: [u32; 3],
	/// Length of the output in bytes.
	pub output_len: u32,
	/// The job's compute budget: wall time in milliseconds for building and running it.
	/// A task still running at the end of it has the result
	/// [`ErrorCode::BudgetExceeded`].
	pub budget_ms: u32,
}

impl ComputeTask {
	/// Hash of the whole task. The executor compares it when a job id comes back, so that
	/// a job id that names another task on a different fork is computed again.
	pub fn fingerprint(&self) -> [u8; 32] {
		sp_crypto_hashing::blake2_256(&self.encode())
	}
}

/// Why a task produced no output.
///
/// Codes below [`ErrorCode::FIRST_LOCAL`] are results: every honest provider gets the same
/// one for the same task, so the chain can agree on them. The others are local to one node
/// (its device, its limits, its load); a provider that hits one attests nothing.
#[derive(Clone, Copy, Encode, Decode, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum ErrorCode {
	/// The built-in kernel's parameters are out of range or do not fit the input and output.
	InvalidParams = 1,
	/// The OpenCL C source did not compile.
	BuildFailed = 2,
	/// The source has no kernel function of the given name.
	EntryNotFound = 3,
	/// The kernel could not be launched (work size or arguments refused by OpenCL).
	LaunchFailed = 4,
	/// The task was still running when the job's compute budget ran out. A result: the
	/// submitter chose the kernel and the budget, and pays the providers' time.
	BudgetExceeded = 5,
	/// The kernel crashed the worker process twice in a row (a driver fault it provokes).
	/// A result, like [`ErrorCode::BudgetExceeded`].
	KernelCrashed = 6,
	/// The source uses what may compute different bytes on different devices (a function
	/// whose accuracy is the device's, `double`, an extension, a work-group function: see
	/// [`crate::kernels::reproducibility_violation`]). Refused before it is built.
	NotReproducible = 7,
	/// The job's input content could not be fetched from any peer before the commit
	/// deadline: the submitter did not make it available. A result: the submitter pays the
	/// providers' time and nobody is slashed; a provider that says so while the others
	/// fetched it gets nothing.
	DataUnavailable = 8,
	/// The task timed out on this node.
	Timeout = 100,
	/// The task needs more memory than this node allows or its device offers.
	MemoryLimit = 101,
	/// The output is longer than this node serves.
	OutputTooLarge = 102,
	/// The worker process died while running the task.
	WorkerCrashed = 103,
	/// No OpenCL device is usable on this node.
	DeviceUnavailable = 104,
}

impl ErrorCode {
	/// Codes from here on are local to one node.
	pub const FIRST_LOCAL: u32 = 100;

	/// The number that goes on chain.
	pub fn code(self) -> u32 {
		self as u32
	}

	/// Whether every honest provider gets the same error for the same task.
	pub fn is_result(self) -> bool {
		self.code() < Self::FIRST_LOCAL
	}

	/// Whether `code` says the providers spent their time on a kernel that gave nothing
	/// back ([`ErrorCode::BudgetExceeded`], [`ErrorCode::KernelCrashed`]): the submitter's
	/// kernel or budget is at fault, never the provider, whichever way the vote goes.
	pub fn is_exhaustion(code: u32) -> bool {
		code == Self::BudgetExceeded.code() || code == Self::KernelCrashed.code()
	}
}

/// The executor's answer to a dispatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum DispatchAck {
	/// Queued.
	Accepted = 0,
	/// The same task is already queued, running or finished.
	AlreadyKnown = 1,
	/// The queue is full; try again on a later block.
	QueueFull = 2,
	/// No executor here: outside an off-chain worker, or on a node without one.
	Unavailable = 3,
}

impl DispatchAck {
	/// Reads the value a host function returned; unknown values read as `Unavailable`.
	pub fn from_u32(value: u32) -> Self {
		match value {
			0 => Self::Accepted,
			1 => Self::AlreadyKnown,
			2 => Self::QueueFull,
			_ => Self::Unavailable,
		}
	}
}

/// Where a task is, as `poll` reports it.
#[derive(Clone, Copy, Encode, Decode, MaxEncodedLen, Debug, PartialEq, Eq)]
pub enum TaskStatus {
	/// The executor has never seen this job (or forgot it).
	Unknown,
	/// Waiting for the device.
	Queued,
	/// On the device.
	Running,
	/// Finished with an output, kept in the node's off-chain storage.
	Done {
		/// The output's root as content ([`crate::content::output_hash`]): the result hash that
		/// goes on chain.
		result_hash: [u8; 32],
		/// Length of the output.
		output_len: u32,
		/// Wall time of the run, compile included, in milliseconds.
		exec_ms: u32,
	},
	/// Finished without output.
	Failed {
		/// Why.
		code: ErrorCode,
		/// Wall time until the failure, in milliseconds.
		exec_ms: u32,
	},
	/// No executor here: outside an off-chain worker, or on a node without one.
	Unavailable,
}

/// A node's OpenCL device, as its executor reports it.
#[derive(Clone, Encode, Decode, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
	/// CPU, GPU or other.
	pub kind: DeviceKind,
	/// Vendor name as OpenCL reports it.
	pub vendor: Vec<u8>,
	/// Device name as OpenCL reports it.
	pub name: Vec<u8>,
	/// Driver version as OpenCL reports it.
	pub driver: Vec<u8>,
	/// Supported OpenCL version.
	pub opencl_version: OpenClVersion,
	/// Global memory, in MiB.
	pub memory_mib: u32,
	/// Compute units.
	pub compute_units: u32,
	/// Hash over vendor, device, driver and OpenCL version.
	pub device_class: DeviceClass,
}
