//! The peer-to-peer protocol that carries content between nodes, beside block sync: a
//! request names a content and a chunk; the answer is the chunk with its Merkle proof, or
//! that the node does not hold it. Requests and answers are SCALE-encoded.

use crate::store::DataStore;
use codec::{Decode, Encode};
use depin_compute_primitives::content::{ContentId, CHUNK_LEN};
use sc_network::{
	config::{IncomingRequest, OutgoingResponse},
	ProtocolName,
};
use sp_core::H256;
use std::{sync::Arc, time::Duration};

const LOG_TARGET: &str = "compute::data";

/// Largest request on the wire: a content id and an index.
pub const MAX_REQUEST: u64 = 128;
/// Largest answer: a chunk, its proof, and framing.
pub const MAX_RESPONSE: u64 = CHUNK_LEN + 16 * 1024;
/// How long a peer has to answer one chunk.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Requests queued for the handler before the network refuses more (a full queue means
/// an overloaded node).
pub const INBOUND_QUEUE: usize = 64;

/// The protocol's name on the wire, which is the chain's: `/<genesis hash>/depin/data/1`.
pub fn protocol_name(genesis_hash: &[u8]) -> ProtocolName {
	let hex: String = genesis_hash.iter().map(|b| format!("{b:02x}")).collect();
	format!("/{hex}/depin/data/1").into()
}

/// One chunk of one content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ChunkRequest {
	/// The content.
	pub id: ContentId,
	/// The chunk.
	pub index: u32,
}

/// The answer to a [`ChunkRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum ChunkResponse {
	/// The chunk, with its Merkle proof.
	Chunk {
		/// The chunk's bytes.
		data: Vec<u8>,
		/// The chunk's proof (see `depin_compute_primitives::content`).
		proof: Vec<H256>,
	},
	/// This node does not hold the chunk.
	NotHere,
}

/// Answers other nodes' requests from `store` until the network closes `requests`. Each
/// answer reads one chunk from disk: memory per request is one chunk.
pub async fn serve(store: Arc<DataStore>, requests: async_channel::Receiver<IncomingRequest>) {
	while let Ok(request) = requests.recv().await {
		let result = match ChunkRequest::decode(&mut &request.payload[..]) {
			Ok(ChunkRequest { id, index }) => Ok(match store.chunk(&id, index) {
				Some((data, proof)) => ChunkResponse::Chunk { data, proof },
				None => ChunkResponse::NotHere,
			}
			.encode()),
			Err(e) => {
				log::debug!(target: LOG_TARGET, "undecodable request from {}: {e}", request.peer);
				Err(())
			},
		};
		let response = OutgoingResponse { result, reputation_changes: vec![], sent_feedback: None };
		let _ = request.pending_response.send(response);
	}
}
