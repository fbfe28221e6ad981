//! The executor's source of input content: the store, filled from peers on demand.

use crate::{fetch, store::DataStore};
use depin_compute_executor::DataSource;
use depin_compute_primitives::content::ContentId;
use futures::future::BoxFuture;
use sc_network::{service::traits::NetworkRequest, PeerId, ProtocolName};
use std::sync::Arc;

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
	fn content(&self, id: &ContentId) -> Result<Vec<u8>, String> {
		// The executor's own thread waits; the requests' futures are driven by the network.
		futures::executor::block_on(async {
			let peers = (self.peers)().await;
			let store = self.store.clone();
			fetch::fetch(store, self.network.clone(), self.protocol.clone(), *id, peers)
				.await
				.map_err(|e| e.to_string())?;
			let bytes = self.store.read(id, 0, id.len);
			self.store.unpin(id);
			bytes.ok_or_else(|| "the store lost the content it fetched".to_string())
		})
	}
}
