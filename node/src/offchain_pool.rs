//! How transactions from the node itself (providers' commits and reveals from the off-chain
//! workers, equivocation reports from BABE and GRANDPA) enter the transaction pool.
//!
//! The fork-aware pool keeps one view per block it may build on. Its own `submit_local`
//! (sc-transaction-pool 48) validates a local transaction in the first active view that
//! accepts it and stops there (`find_or_first` over the views); the other views receive it
//! from the mempool only at their next maintenance, after the next block is imported. The
//! views sit in a hash map, so which one comes first is chance: when it is not the view of
//! the best block, a provider that authors the next block leaves its own commit out of it,
//! and the job's verdict slips a block (observed on the four-validator testnet in about one
//! job of three with three replicas).
//!
//! [`factory`] submits through the pool's asynchronous `submit_one` instead, which
//! validates the transaction in every active view, and waits for it: the caller is an
//! off-chain worker's thread, or a consensus task's report of an equivocation.

use sc_transaction_pool_api::{
	LocalTransactionFor, LocalTransactionPool, OffchainTransactionPoolFactory, TransactionPool,
	TransactionSource, TxHash,
};
use sp_runtime::traits::Block as BlockT;
use std::sync::Arc;

/// `pool` as the node's own submissions see it: every active view gets each transaction.
pub fn factory<P>(pool: Arc<P>) -> OffchainTransactionPoolFactory<P::Block>
where
	P: TransactionPool + 'static,
{
	OffchainTransactionPoolFactory::new(EveryView(pool))
}

/// A pool whose local submissions reach every view; see the module's documentation.
struct EveryView<P>(Arc<P>);

impl<P: TransactionPool + 'static> LocalTransactionPool for EveryView<P> {
	type Block = P::Block;
	type Hash = TxHash<P>;
	type Error = P::Error;

	fn submit_local(
		&self,
		at: <Self::Block as BlockT>::Hash,
		xt: LocalTransactionFor<Self>,
	) -> Result<Self::Hash, Self::Error> {
		futures::executor::block_on(self.0.submit_one(at, TransactionSource::Local, xt))
	}
}
