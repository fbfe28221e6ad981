//! JSON-RPC methods the node adds to the standard set (`system_*`, `chain_*`, `state_*`,
//! `author_*`, which the service provides): account nonces (`system_accountNextIndex`),
//! fee queries (`payment_queryInfo`, `payment_queryFeeDetails`), and the outputs of jobs
//! this node computed (`compute_jobResult`).

use std::sync::Arc;

use depin_compute_executor::store::{OffchainStore, OutputStore};
use depin_compute_primitives::{JobId, TaskStatus};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObjectOwned, ErrorObject},
};
use sp_core::{offchain::OffchainStorage, Bytes};

use depin_runtime::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the RPC methods need from the node.
pub struct FullDeps<C, P, S> {
	/// The client instance to use.
	pub client: Arc<C>,
	/// Transaction pool instance.
	pub pool: Arc<P>,
	/// The node's off-chain database, where its executor keeps outputs.
	pub offchain: Option<S>,
}

/// Outputs of jobs computed by this node. Outputs longer than the chain's inline bound are
/// kept only by the providers that computed them; clients fetch them here and check them
/// against the result hash on chain.
#[rpc(server, namespace = "compute")]
pub trait ComputeApi {
	/// The output bytes of `job`, if this node computed it and still keeps it. For a job
	/// that failed here, the error's data is the compiler's or driver's message.
	#[method(name = "jobResult")]
	fn job_result(&self, job: JobId) -> RpcResult<Bytes>;
}

/// `compute_*` over the node's off-chain database.
pub struct Compute<S> {
	kept: Option<OffchainStore<S>>,
}

/// The job is unknown to this node, or its output is no longer kept.
pub const NOT_FOUND: i32 = 4040;
/// The job failed on this node: there is no output.
pub const FAILED: i32 = 4041;

impl<S: OffchainStorage + 'static> ComputeApiServer for Compute<S> {
	fn job_result(&self, job: JobId) -> RpcResult<Bytes> {
		let error = |code, message: String, data: Option<String>| -> ErrorObjectOwned {
			ErrorObject::owned(code, message, data)
		};
		let kept = self
			.kept
			.as_ref()
			.ok_or_else(|| error(NOT_FOUND, "this node has no off-chain database".into(), None))?;
		if let Some(output) = kept.output(job) {
			return Ok(output.into());
		}
		Err(match kept.status(job) {
			// The compiler's or driver's message, for the author of the kernel.
			Some((_, TaskStatus::Failed { code, .. })) => {
				error(FAILED, format!("job {job} failed on this node: {code:?}"), kept.log(job))
			},
			_ => error(NOT_FOUND, format!("this node keeps no output of job {job}"), None),
		})
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
	P: TransactionPool + 'static,
	S: OffchainStorage + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, offchain } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client).into_rpc())?;
	module.merge(Compute { kept: offchain.map(OffchainStore::new) }.into_rpc())?;

	Ok(module)
}
