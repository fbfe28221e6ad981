//! The executor's source of input content: the store, filled from peers on demand.

use crate::{fetch, store::DataStore};
use depin_compute_executor::DataSource;
use depin_compute_primitives::content::ContentId;
use futures::future::BoxFuture;
use sc_network::{service::traits::NetworkRequest, PeerId, ProtocolName};
use std::{sync::Arc, time::Duration};

/// The peers to ask, when asked.
pub type Peers = Arc<dyn Fn() -> BoxFuture<'static, Vec<PeerId>> + Send + Sync>;

/// Input content for the executor: from the store, after fetching what it lacks from the
/// connected peers.
pub struct PeerSource {
	/// The store.
	pub store: Arc<DataStore>,
	/// The network, for requests.
	pub network: Arc<dyn NetworkRequest + Send + Sync>,
	/// The data protocol's name.
	pub protocol: ProtocolName,
	/// The connected peers.
	pub peers: Peers,
}

impl DataSource for PeerSource {
	fn content(&self, id: &ContentId, limit: Duration) -> Result<Vec<u8>, String> {
		let (store, network, protocol, peers, id) = (
			self.store.clone(),
			self.network.clone(),
			self.protocol.clone(),
			self.peers.clone(),
			*id,
		);
		let (done, outcome) = std::sync::mpsc::channel();
		// The fetch runs on a thread of its own (its requests' futures are driven by the
		// network), so that the executor stops waiting at `limit` whatever the peers do: a
		// submitter who trickles the data must not keep providers from attesting in time.
		// A fetch given up on goes on until its requests time out, and what it completes
		// stays in the store.
		std::thread::Builder::new()
			.name("compute-data-fetch".into())
			.spawn(move || {
				let fetched = futures::executor::block_on(async {
					let peers = peers().await;
					fetch::fetch(store.clone(), network, protocol, id, peers).await
				});
				let bytes = fetched.map_err(|e| e.to_string()).and_then(|_| {
					let bytes = store.read(&id, 0, id.len);
					store.unpin(&id);
					bytes.ok_or_else(|| "the store lost the content it fetched".to_string())
				});
				let _ = done.send(bytes);
			})
			.map_err(|e| format!("cannot start the fetch: {e}"))?;
		outcome.recv_timeout(limit).unwrap_or_else(|_| {
			Err(format!("the content did not arrive within {} ms", limit.as_millis()))
		})
	}
}
