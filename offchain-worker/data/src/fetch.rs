//! Fetching content from peers: every missing chunk is asked of the peers in turn, several
//! chunks at once, and each answer is checked against the content's root before it is
//! written. A peer that does not hold a chunk, fails or sends a wrong one is simply passed
//! over for that chunk; the fetch fails only when no peer had a chunk.

use crate::{
	protocol::{ChunkRequest, ChunkResponse},
	store::{DataStore, Holding, StoreError},
};
use codec::{Decode, Encode};
use depin_compute_primitives::content::ContentId;
use futures::{stream, StreamExt};
use sc_network::{service::traits::NetworkRequest, IfDisconnected, PeerId, ProtocolName};
use std::sync::Arc;

const LOG_TARGET: &str = "compute::data";

/// Chunks asked for at once (each up to 1 MiB in flight).
pub const PARALLEL_CHUNKS: usize = 16;

/// Why a fetch ended without the whole content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
	/// No peer held chunk `index` (or every one that answered sent something else).
	Unavailable {
		/// The first chunk nobody supplied.
		index: u32,
	},
	/// The store refused the content.
	Store(StoreError),
}

impl core::fmt::Display for FetchError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			FetchError::Unavailable { index } => write!(f, "no peer supplied chunk {index}"),
			FetchError::Store(e) => write!(f, "{e}"),
		}
	}
}

/// Fetches what `store` lacks of `id` from `peers` over `network`'s `protocol`, and leaves
/// it pinned once in the store. Returns what the store holds at the end. A fetch that
/// fails leaves nothing behind of the content unless someone else holds it pinned.
pub async fn fetch(
	store: Arc<DataStore>,
	network: Arc<dyn NetworkRequest + Send + Sync>,
	protocol: ProtocolName,
	id: ContentId,
	peers: Vec<PeerId>,
) -> Result<Holding, FetchError> {
	store.reserve(&id).map_err(FetchError::Store)?;
	let missing = store.missing(&id);
	let results: Vec<Result<(), u32>> = stream::iter(missing.into_iter().enumerate())
		.map(|(n, index)| {
			let (store, network, protocol, peers) =
				(store.clone(), network.clone(), protocol.clone(), peers.clone());
			async move {
				// Start with a different peer for each chunk, so that the load spreads.
				for k in 0..peers.len() {
					let peer = peers[(n + k) % peers.len()];
					let request = ChunkRequest { id, index }.encode();
					let answer = network
						.request(
							peer,
							protocol.clone(),
							request,
							None,
							IfDisconnected::ImmediateError,
						)
						.await;
					let reply = match answer {
						Ok((bytes, _)) => ChunkResponse::decode(&mut &bytes[..]).ok(),
						Err(e) => {
							log::debug!(target: LOG_TARGET, "chunk {index} from {peer}: {e}");
							None
						},
					};
					if let Some(ChunkResponse::Chunk { data, proof }) = reply {
						match store.put_chunk(&id, index, &data, proof) {
							Ok(_) => return Ok(()),
							Err(e) => {
								log::debug!(target: LOG_TARGET, "chunk {index} from {peer}: {e}")
							},
						}
					}
				}
				Err(index)
			}
		})
		.buffer_unordered(PARALLEL_CHUNKS)
		.collect()
		.await;
	if let Some(index) = results.into_iter().filter_map(Result::err).min() {
		store.abandon(&id);
		return Err(FetchError::Unavailable { index });
	}
	store.holding(&id).ok_or(FetchError::Unavailable { index: 0 })
}
