//! JSON-RPC methods the node adds to the standard set (`system_*`, `chain_*`, `state_*`,
//! `author_*`, which the service provides): account nonces (`system_accountNextIndex`),
//! fee queries (`payment_queryInfo`, `payment_queryFeeDetails`), the outputs of jobs
//! this node computed (`compute_jobResult`), once the chain has agreed on them, and job data
//! too large for a transaction (`compute_data*`: upload to this node, fetch from peers,
//! read back; all but `compute_dataStatus` unsafe, for the node's own operator).

use std::sync::Arc;

use depin_compute_data::store::DataStore;
use depin_compute_data::{fetch, source::PeerSource};
use depin_compute_executor::store::{OffchainStore, OutputStore};
use depin_compute_primitives::content::{output_hash, ContentId};
use depin_compute_primitives::{JobId, TaskStatus};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObjectOwned, ErrorObject},
};
use pallet_jobs::runtime_api::{AgreedResult, JobsApi};
use sp_core::{offchain::OffchainStorage, Bytes, H256};

use depin_runtime::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the data methods need: the node's data store, filled from its peers.
pub type DataDeps = Arc<PeerSource>;

/// What the RPC methods need from the node.
pub struct FullDeps<C, P, S> {
	/// The client instance to use.
	pub client: Arc<C>,
	/// Transaction pool instance.
	pub pool: Arc<P>,
	/// The node's off-chain database, where its executor keeps outputs.
	pub offchain: Option<S>,
	/// The data store and protocol.
	pub data: DataDeps,
}

/// Outputs of jobs computed by this node. Outputs longer than the chain's inline bound are
/// kept only by the providers that computed them (and the nodes that fetched them since);
/// clients fetch them here, or by content from any node (`compute_dataFetch` with the
/// result hash as the root and the output's length), and check them against the result
/// hash on chain.
#[rpc(server, namespace = "compute")]
pub trait ComputeApi {
	/// The output bytes of `job`, once the chain has agreed on its result and if this node
	/// keeps that very output. Before the verdict nothing is served: the submitter could
	/// take the result and cancel, a lazy co-replica copy it. For a job the chain agreed
	/// failed, the error's data is this node's compiler or driver message.
	#[method(name = "jobResult")]
	fn job_result(&self, job: JobId) -> RpcResult<Bytes>;
}

/// Content as the data methods name it: its Merkle root and length (a job's
/// `ContentId`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Content {
	/// Merkle root over the 1 MiB chunks, binding the length.
	pub root: sp_core::H256,
	/// Length in bytes.
	pub len: u64,
}

impl From<Content> for ContentId {
	fn from(c: Content) -> Self {
		ContentId { root: c.root, len: c.len }
	}
}

/// How much of a content this node holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Held {
	/// Chunks held.
	pub have: u32,
	/// Chunks in all.
	pub chunks: u32,
}

/// Most bytes one `compute_dataWrite` or `compute_dataRead` carries (hex doubles them,
/// within the RPC server's 15 MiB request limit).
pub const MAX_DATA_CALL: u64 = 4 << 20;

/// Job data too large for a transaction: a submitter uploads it to their own node, which
/// serves it to the providers' nodes over the peer-to-peer network; a provider's node
/// fetches it from any peer that holds it, checking each chunk against the root.
#[rpc(server, namespace = "compute")]
pub trait DataApi {
	/// Starts an upload of `len` bytes; returns its handle. Unsafe.
	#[method(name = "dataBegin", with_extensions)]
	fn data_begin(&self, len: u64) -> RpcResult<u64>;

	/// Writes `bytes` (at most 4 MiB) at `offset` of an upload: where the upload stands.
	/// Unsafe.
	#[method(name = "dataWrite", with_extensions)]
	fn data_write(&self, handle: u64, offset: u64, bytes: Bytes) -> RpcResult<()>;

	/// Ends a complete upload; returns the content's root and length, which a job names
	/// as its input. The node keeps the content and serves it to peers, until the node
	/// restarts or `compute_dataHold` ties it to the job. Unsafe.
	#[method(name = "dataFinish", with_extensions)]
	fn data_finish(&self, handle: u64) -> RpcResult<Content>;

	/// Fetches what this node lacks of a content from its peers, each chunk checked on
	/// arrival; returns once it holds all of it, or fails naming a chunk nobody supplied.
	/// The node keeps it while it has room (and serves it). Unsafe.
	#[method(name = "dataFetch", with_extensions)]
	async fn data_fetch(&self, content: Content) -> RpcResult<Held>;

	/// Ties a content this node holds to `job`, which uses it: the node keeps it (and
	/// serves it) while the job is on chain, and releases it once the job is cleared. Ends
	/// the hold of the upload that brought it (`compute_dataFinish`). Returns whether the
	/// node holds the content. Unsafe.
	#[method(name = "dataHold", with_extensions)]
	fn data_hold(&self, content: Content, job: JobId) -> RpcResult<bool>;

	/// How much of a content this node holds, or `null`.
	#[method(name = "dataStatus")]
	fn data_status(&self, content: Content) -> RpcResult<Option<Held>>;

	/// Bytes `offset..offset + count` (count at most 4 MiB) of a content this node holds
	/// whole. Unsafe.
	#[method(name = "dataRead", with_extensions)]
	fn data_read(&self, content: Content, offset: u64, count: u64) -> RpcResult<Bytes>;
}

/// The store refused (full, too large, an upload out of order, the disk).
pub const DATA_REFUSED: i32 = 4050;
/// No peer supplied a chunk of the content.
pub const DATA_UNAVAILABLE: i32 = 4051;
/// This node does not hold the content whole.
pub const DATA_NOT_HELD: i32 = 4052;

/// `compute_data*` over the node's data store and network.
pub struct Data(DataDeps);

fn refused(e: impl ToString) -> ErrorObjectOwned {
	ErrorObject::owned(DATA_REFUSED, e.to_string(), None::<()>)
}

fn safe_only(ext: &jsonrpsee::Extensions) -> RpcResult<()> {
	sc_rpc_api::check_if_safe(ext).map_err(Into::into)
}

#[jsonrpsee::core::async_trait]
impl DataApiServer for Data {
	fn data_begin(&self, ext: &jsonrpsee::Extensions, len: u64) -> RpcResult<u64> {
		safe_only(ext)?;
		self.0.store.begin_upload(len).map_err(refused)
	}

	fn data_write(
		&self,
		ext: &jsonrpsee::Extensions,
		handle: u64,
		offset: u64,
		bytes: Bytes,
	) -> RpcResult<()> {
		safe_only(ext)?;
		if bytes.len() as u64 > MAX_DATA_CALL {
			return Err(refused(format!("at most {MAX_DATA_CALL} bytes a write")));
		}
		self.0.store.write_upload(handle, offset, &bytes).map_err(refused)
	}

	fn data_finish(&self, ext: &jsonrpsee::Extensions, handle: u64) -> RpcResult<Content> {
		safe_only(ext)?;
		let id = self.0.store.finish_upload(handle).map_err(refused)?;
		Ok(Content { root: id.root, len: id.len })
	}

	async fn data_fetch(&self, ext: &jsonrpsee::Extensions, content: Content) -> RpcResult<Held> {
		safe_only(ext)?;
		let held = self.0.fetch(content.into()).await.map_err(|e| match e {
			fetch::FetchError::Store(e) => refused(e),
			e => ErrorObject::owned(DATA_UNAVAILABLE, e.to_string(), None::<()>),
		})?;
		self.0.store.unpin(&content.into());
		Ok(Held { have: held.have, chunks: held.chunks })
	}

	fn data_hold(
		&self,
		ext: &jsonrpsee::Extensions,
		content: Content,
		job: JobId,
	) -> RpcResult<bool> {
		safe_only(ext)?;
		let id = content.into();
		let held = self.0.store.hold_for(&id, job).map_err(refused)?;
		self.0.store.unpin(&id);
		Ok(held)
	}

	fn data_status(&self, content: Content) -> RpcResult<Option<Held>> {
		let held = self.0.store.holding(&content.into());
		Ok(held.map(|h| Held { have: h.have, chunks: h.chunks }))
	}

	fn data_read(
		&self,
		ext: &jsonrpsee::Extensions,
		content: Content,
		offset: u64,
		count: u64,
	) -> RpcResult<Bytes> {
		safe_only(ext)?;
		if count > MAX_DATA_CALL {
			return Err(refused(format!("at most {MAX_DATA_CALL} bytes a read")));
		}
		let bytes = self.0.store.read(&content.into(), offset, count).ok_or_else(|| {
			ErrorObject::owned(
				DATA_NOT_HELD,
				"this node does not hold the content whole",
				None::<()>,
			)
		})?;
		Ok(bytes.into())
	}
}

/// `compute_*` over the node's kept outputs and the chain's verdicts.
pub struct Compute<A> {
	kept: Option<Box<dyn OutputStore>>,
	/// The data store, where long outputs are kept.
	data: Option<Arc<DataStore>>,
	/// The result the chain (at its best block) agreed on for a job.
	agreed: A,
}

/// The job is unknown to this node, or its output is no longer kept.
pub const NOT_FOUND: i32 = 4040;
/// The chain agreed that the job failed: there is no output.
pub const FAILED: i32 = 4041;
/// The chain has not agreed on a result of the job (yet): nothing is served.
pub const NOT_AGREED: i32 = 4042;
/// This node's output differs from the one the chain agreed on.
pub const NOT_AGREED_OUTPUT: i32 = 4043;
/// The chain could not be asked.
pub const CHAIN_UNAVAILABLE: i32 = 4044;

impl<A> Compute<A> {
	/// This node's output of `job` from the data store, where a long one is kept.
	fn stored(&self, job: JobId) -> Option<Vec<u8>> {
		let Some((_, TaskStatus::Done { result_hash, output_len, .. })) =
			self.kept.as_ref()?.status(job)
		else {
			return None;
		};
		let id = ContentId { root: H256(result_hash), len: u64::from(output_len) };
		self.data.as_ref()?.read(&id, 0, id.len)
	}
}

impl<A> ComputeApiServer for Compute<A>
where
	A: Fn(JobId) -> Result<Option<AgreedResult>, String> + Send + Sync + 'static,
{
	fn job_result(&self, job: JobId) -> RpcResult<Bytes> {
		let error = |code, message: String, data: Option<String>| -> ErrorObjectOwned {
			ErrorObject::owned(code, message, data)
		};
		let agreed = (self.agreed)(job).map_err(|e| error(CHAIN_UNAVAILABLE, e, None))?;
		let kept = self
			.kept
			.as_ref()
			.ok_or_else(|| error(NOT_FOUND, "this node has no off-chain database".into(), None))?;
		match agreed {
			None => Err(error(
				NOT_AGREED,
				format!(
					"the chain has not agreed on a result of job {job}: nothing is served before"
				),
				None,
			)),
			Some(AgreedResult::Output(hash)) => match kept.output(job).or_else(|| self.stored(job))
			{
				Some(output) if output_hash(&output) == hash => Ok(output.into()),
				Some(_) => Err(error(
					NOT_AGREED_OUTPUT,
					format!("this node's output of job {job} is not the one the chain agreed on"),
					None,
				)),
				None => {
					Err(error(NOT_FOUND, format!("this node keeps no output of job {job}"), None))
				},
			},
			// The compiler's or driver's message, for the author of the kernel.
			Some(AgreedResult::Error(code)) => Err(match kept.status(job) {
				Some((_, TaskStatus::Failed { code: here, .. })) => error(
					FAILED,
					format!("job {job} failed with error {code} (here: {here:?})"),
					kept.log(job),
				),
				_ => error(FAILED, format!("job {job} failed with error {code}"), None),
			}),
		}
	}
}

/// Builds the node's RPC methods on top of the standard ones.
pub fn create_full<C, P, S>(
	deps: FullDeps<C, P, S>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: JobsApi<Block>,
	P: TransactionPool + 'static,
	S: OffchainStorage + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, offchain, data } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	let kept = offchain.map(|s| Box::new(OffchainStore::new(s)) as Box<dyn OutputStore>);
	let agreed = move |job: JobId| {
		let best = client.info().best_hash;
		client.runtime_api().agreed_result(best, job).map_err(|e| e.to_string())
	};
	module.merge(Compute { kept, data: Some(data.store.clone()), agreed }.into_rpc())?;
	module.merge(Data(data).into_rpc())?;

	Ok(module)
}

#[cfg(test)]
mod tests {
	use super::*;
	use depin_compute_executor::store::{MemoryStore, Results};
	use depin_compute_primitives::ErrorCode;

	const JOB: JobId = 7;
	const OUTPUT: &[u8] = b"the output";

	/// A node that computed `JOB`, asked while the chain says `agreed`.
	fn node_with(
		agreed: Option<AgreedResult>,
	) -> Compute<impl Fn(JobId) -> Result<Option<AgreedResult>, String>> {
		let store = MemoryStore::default();
		let status = TaskStatus::Done {
			result_hash: output_hash(OUTPUT).0,
			output_len: OUTPUT.len() as u32,
			exec_ms: 1,
		};
		Results::new(Box::new(store.clone()), 8).record(JOB, [0; 32], status, Ok(Some(OUTPUT)));
		Compute { kept: Some(Box::new(store)), data: None, agreed: move |_| Ok(agreed) }
	}

	fn code_of(result: RpcResult<Bytes>) -> i32 {
		result.expect_err("refused").code()
	}

	#[test]
	fn nothing_is_served_before_the_chain_agreed() {
		assert_eq!(code_of(node_with(None).job_result(JOB)), NOT_AGREED);
	}

	#[test]
	fn the_agreed_output_is_served() {
		let node = node_with(Some(AgreedResult::Output(output_hash(OUTPUT))));
		assert_eq!(node.job_result(JOB).expect("served").0, OUTPUT);
	}

	#[test]
	fn an_output_the_chain_did_not_agree_on_is_not_served() {
		let node = node_with(Some(AgreedResult::Output(sp_core::H256::repeat_byte(1))));
		assert_eq!(code_of(node.job_result(JOB)), NOT_AGREED_OUTPUT);
	}

	#[test]
	fn a_long_output_is_served_from_the_data_store() {
		let dir = tempfile::tempdir().unwrap();
		let data = Arc::new(DataStore::open(dir.path(), 64 << 20).unwrap());
		let output = vec![5u8; 3 << 20];
		data.keep_output(JOB, &output).unwrap();
		let kept = MemoryStore::default();
		let status = TaskStatus::Done {
			result_hash: output_hash(&output).0,
			output_len: output.len() as u32,
			exec_ms: 1,
		};
		// What the executor records of a long output: its status, not its bytes.
		Results::new(Box::new(kept.clone()), 8).record(JOB, [0; 32], status, Ok(None));
		let node = |agreed| Compute {
			kept: Some(Box::new(kept.clone()) as Box<dyn OutputStore>),
			data: Some(data.clone()),
			agreed: move |_| Ok(Some(agreed)),
		};
		assert_eq!(
			node(AgreedResult::Output(output_hash(&output))).job_result(JOB).unwrap().0,
			output
		);
		let other = AgreedResult::Output(H256::repeat_byte(1));
		assert_eq!(code_of(node(other).job_result(JOB)), NOT_AGREED_OUTPUT);
	}

	#[test]
	fn an_agreed_failure_is_reported_as_one() {
		let node = node_with(Some(AgreedResult::Error(ErrorCode::BuildFailed.code())));
		assert_eq!(code_of(node.job_result(JOB)), FAILED);
	}
}
