//! The executor's job data: inputs from the store, filled from peers on demand; outputs
//! kept in the store for peers, once the chain agrees on them.

use crate::{
	fetch::{self, FetchError},
	store::{DataStore, Holding},
};
use depin_compute_executor::{DataError, DataSource};
use depin_compute_primitives::{content::ContentId, JobId};
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
	fn content(&self, job: JobId, id: &ContentId, limit: Duration) -> Result<Vec<u8>, DataError> {
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
				let bytes = fetched.map_err(|e| match e {
					FetchError::Store(e) => DataError::Local(e.to_string()),
					e => DataError::Unavailable(e.to_string()),
				});
				let bytes = bytes.and_then(|_| {
					let bytes = this.store.read(&id, 0, id.len);
					// Held for the job from now on (other providers of it may fetch it here),
					// rather than for this fetch.
					if let Err(e) = this.store.hold_for(&id, job) {
						log::warn!(target: "compute::data", "job {job}: cannot tie its input to it: {e}");
					}
					this.store.unpin(&id);
					bytes.ok_or_else(|| {
						DataError::Local("the store lost the content it fetched".into())
					})
				});
				let _ = done.send(bytes);
			})
			.map_err(|e| DataError::Local(format!("cannot start the fetch: {e}")))?;
		outcome.recv_timeout(limit).unwrap_or_else(|_| {
			let why = format!("the content did not arrive within {} ms", limit.as_millis());
			Err(DataError::Unavailable(why))
		})
	}

	fn keep_output(&self, job: JobId, output: &[u8]) -> Result<ContentId, String> {
		self.store.keep_output(job, output).map_err(|e| e.to_string())
	}
}
