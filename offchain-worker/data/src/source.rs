//! The executor's source of input content: the store, filled from peers on demand.

use crate::{
	fetch::{self, FetchError},
	store::{DataStore, Holding},
};
use depin_compute_executor::DataSource;
use depin_compute_primitives::content::ContentId;
use futures::future::BoxFuture;
use sc_network::{service::traits::NetworkRequest, PeerId, ProtocolName};
use std::{sync::Arc, time::Duration};

/// The peers to ask, when asked.
pub type Peers = Arc<dyn Fn() -> BoxFuture<'static, Vec<PeerId>> + Send + Sync>;

/// Content from the store, after fetching what it lacks from the connected peers: for the
/// executor (a job's input) and for the node's `compute_dataFetch`.
#[derive(Clone)]
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

impl PeerSource {
	/// Fetches what the store lacks of `id` from the connected peers ([`fetch::fetch`]),
	/// leaving it pinned once.
	pub async fn fetch(&self, id: ContentId) -> Result<Holding, FetchError> {
		let peers = (self.peers)().await;
		fetch::fetch(self.store.clone(), self.network.clone(), self.protocol.clone(), id, peers)
			.await
	}
}

impl DataSource for PeerSource {
	fn content(&self, id: &ContentId, limit: Duration) -> Result<Vec<u8>, String> {
		let (this, id) = (self.clone(), *id);
		let (done, outcome) = std::sync::mpsc::channel();
		// The fetch runs on a thread of its own (its requests' futures are driven by the
		// network), so that the executor stops waiting at `limit` whatever the peers do: a
		// submitter who trickles the data must not keep providers from attesting in time.
		// A fetch given up on goes on until its requests time out, and what it completes
		// stays in the store.
		std::thread::Builder::new()
			.name("compute-data-fetch".into())
			.spawn(move || {
				let fetched = futures::executor::block_on(this.fetch(id));
				let bytes = fetched.map_err(|e| e.to_string()).and_then(|_| {
					let bytes = this.store.read(&id, 0, id.len);
					this.store.unpin(&id);
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
