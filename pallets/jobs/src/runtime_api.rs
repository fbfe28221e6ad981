//! What nodes and clients ask the jobs pallet through the runtime: a provider node serves a
//! job's output over RPC only once the chain has agreed on it, and only if it is the output
//! agreed on (`compute_jobResult`). Before that, reading an output off a node would let a
//! submitter take the result and walk away, or a lazy co-replica copy it.

use crate::JobId;
use codec::{Decode, Encode};
use scale_info::TypeInfo;
use sp_core::H256;

/// The result the chain agreed on for a job.
#[derive(Encode, Decode, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum AgreedResult {
	/// A quorum agreed on an output with this result hash, its root as content (the job is
	/// `Completed`).
	Output(H256),
	/// A quorum agreed that the kernel failed with this error code (`Failed`).
	Error(u32),
}

sp_api::decl_runtime_apis! {
	/// Queries of the jobs pallet.
	pub trait JobsApi {
		/// The result the chain agreed on for `job`; `None` while it runs, if it ended
		/// without a result, or once it is cleared.
		fn agreed_result(job: JobId) -> Option<AgreedResult>;
	}
}
