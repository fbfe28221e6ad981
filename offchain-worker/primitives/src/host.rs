//! The host functions behind which the node's executor sits, and the runtime-side calls
//! that wrap them.
//!
//! Every function first looks for [`ComputeExt`] in the externalities. The node registers
//! it for off-chain workers only, so during block import, validation or any runtime call
//! the functions answer "unavailable" and never reach a device.
//!
//! Results cross the boundary without host-side allocation: the runtime passes a buffer,
//! the host writes into it and returns the length it needed.

use crate::types::{ComputeTask, DeviceInfo, DispatchAck, JobId, TaskStatus};
use alloc::vec;
use alloc::vec::Vec;
use codec::{Decode, MaxEncodedLen};
#[cfg(feature = "std")]
use sp_externalities::ExternalitiesExt;
use sp_runtime_interface::{
	pass_by::{PassFatPointerAndDecode, PassFatPointerAndWrite},
	runtime_interface,
};

/// What the node plugs in behind the host functions.
#[cfg(feature = "std")]
pub trait ComputeBackend: Send + Sync {
	/// Queues a task. Never blocks on the device.
	fn dispatch(&self, task: ComputeTask) -> DispatchAck;
	/// Where a job's task is.
	fn poll(&self, job: JobId) -> TaskStatus;
	/// Where a job's task is once it has finished, or after `timeout_ms` if it is still
	/// queued or running then. Woken by the task's end, not by polling.
	fn wait(&self, job: JobId, timeout_ms: u32) -> TaskStatus;
	/// Copies a finished job's output from `offset` into `out`; returns the output's full
	/// length, or `None` when there is no output for the job.
	fn read_output(&self, job: JobId, offset: u32, out: &mut [u8]) -> Option<u32>;
	/// The device this node computes on, if any.
	fn device(&self) -> Option<DeviceInfo>;
}

#[cfg(feature = "std")]
sp_externalities::decl_extension! {
	/// The node's executor, registered for off-chain workers only.
	pub struct ComputeExt(std::sync::Arc<dyn ComputeBackend>);
}

#[cfg(feature = "std")]
impl ComputeExt {
	/// Wraps a backend.
	pub fn new(backend: std::sync::Arc<dyn ComputeBackend>) -> Self {
		Self(backend)
	}
}

/// Returned by `read_output` when there is no output.
pub const NO_OUTPUT: u32 = u32::MAX;

/// Host functions of the compute bridge. Prefer the wrappers below.
#[runtime_interface]
pub trait Compute {
	/// Hands a task to the executor; returns a [`DispatchAck`] as `u32`.
	fn dispatch(&mut self, task: PassFatPointerAndDecode<ComputeTask>) -> u32 {
		let ack = match self.extension::<ComputeExt>() {
			Some(ext) => ext.0.dispatch(task),
			None => DispatchAck::Unavailable,
		};
		ack as u32
	}

	/// Writes the SCALE-encoded [`TaskStatus`] of `job` into `status` when it fits; returns
	/// its encoded length.
	fn poll(&mut self, job: u64, status: PassFatPointerAndWrite<&mut [u8]>) -> u32 {
		use codec::Encode;
		let answer = match self.extension::<ComputeExt>() {
			Some(ext) => ext.0.poll(job),
			None => TaskStatus::Unavailable,
		};
		write_encoded(&answer.encode(), status)
	}

	/// Like `poll`, after waiting at most `timeout_ms` for the task to finish.
	fn wait(
		&mut self,
		job: u64,
		timeout_ms: u32,
		status: PassFatPointerAndWrite<&mut [u8]>,
	) -> u32 {
		use codec::Encode;
		let answer = match self.extension::<ComputeExt>() {
			Some(ext) => ext.0.wait(job, timeout_ms),
			None => TaskStatus::Unavailable,
		};
		write_encoded(&answer.encode(), status)
	}

	/// Copies `job`'s output from `offset` into `out`; returns the output's full length, or
	/// [`NO_OUTPUT`].
	fn read_output(
		&mut self,
		job: u64,
		offset: u32,
		out: PassFatPointerAndWrite<&mut [u8]>,
	) -> u32 {
		match self.extension::<ComputeExt>() {
			Some(ext) => ext.0.read_output(job, offset, out).unwrap_or(NO_OUTPUT),
			None => NO_OUTPUT,
		}
	}

	/// Writes the SCALE-encoded `Option<DeviceInfo>` into `out` when it fits; returns its
	/// encoded length.
	fn device(&mut self, out: PassFatPointerAndWrite<&mut [u8]>) -> u32 {
		use codec::Encode;
		let answer = self.extension::<ComputeExt>().and_then(|ext| ext.0.device());
		write_encoded(&answer.encode(), out)
	}
}

#[cfg(not(substrate_runtime))]
fn write_encoded(encoded: &[u8], out: &mut [u8]) -> u32 {
	if let Some(dest) = out.get_mut(..encoded.len()) {
		dest.copy_from_slice(encoded);
	}
	encoded.len() as u32
}

/// Hands a task to the node's executor.
pub fn dispatch(task: ComputeTask) -> DispatchAck {
	DispatchAck::from_u32(compute::dispatch(task))
}

/// Where `job`'s task is. Anything unreadable reads as `Unavailable`.
pub fn poll(job: JobId) -> TaskStatus {
	let mut buf = vec![0u8; TaskStatus::max_encoded_len()];
	let len = compute::poll(job, &mut buf[..]) as usize;
	decode_status(&buf, len)
}

/// Where `job`'s task is once it finished, or after `timeout_ms` if it has not: a short
/// kernel's result is attested in the same worker run that dispatched it.
pub fn wait(job: JobId, timeout_ms: u32) -> TaskStatus {
	let mut buf = vec![0u8; TaskStatus::max_encoded_len()];
	let len = compute::wait(job, timeout_ms, &mut buf[..]) as usize;
	decode_status(&buf, len)
}

/// A status the host wrote; anything unreadable reads as `Unavailable`.
fn decode_status(buf: &[u8], len: usize) -> TaskStatus {
	buf.get(..len)
		.and_then(|encoded| TaskStatus::decode(&mut &encoded[..]).ok())
		.unwrap_or(TaskStatus::Unavailable)
}

/// `job`'s whole output, when the executor has it and it is at most `max_len` bytes.
pub fn output(job: JobId, max_len: u32) -> Option<Vec<u8>> {
	let len = compute::read_output(job, 0, &mut []);
	if len == NO_OUTPUT || len > max_len {
		return None;
	}
	let mut out = vec![0u8; len as usize];
	let again = compute::read_output(job, 0, &mut out[..]);
	(again == len).then_some(out)
}

/// The device this node computes on, if it has an executor.
pub fn device() -> Option<DeviceInfo> {
	let mut buf = vec![0u8; 512];
	let len = compute::device(&mut buf[..]) as usize;
	if len > buf.len() {
		buf.resize(len, 0);
		if compute::device(&mut buf[..]) as usize != len {
			return None;
		}
	}
	buf.get(..len)
		.and_then(|encoded| Option::<DeviceInfo>::decode(&mut &encoded[..]).ok())
		.flatten()
}
