//! The executor's source of input content gives up at its limit, whatever the peers do: a
//! submitter who trickles or withholds the data gets the agreed error in time, not a
//! provider that misses its commit deadline; and a node that cannot hold the content fails
//! locally, without blaming the submitter.

use depin_compute_data::{source::PeerSource, store::DataStore};
use depin_compute_executor::{DataError, DataSource};
use depin_compute_primitives::content::content_id;
use sc_network::{
	request_responses::{IfDisconnected, RequestFailure},
	service::traits::NetworkRequest,
	PeerId, ProtocolName,
};
use std::{sync::Arc, time::Duration};

/// A peer that takes every request and never answers.
struct Silent;

#[async_trait::async_trait]
impl NetworkRequest for Silent {
	async fn request(
		&self,
		_: PeerId,
		_: ProtocolName,
		_: Vec<u8>,
		_: Option<(Vec<u8>, ProtocolName)>,
		_: IfDisconnected,
	) -> Result<(Vec<u8>, ProtocolName), RequestFailure> {
		futures::future::pending().await
	}

	fn start_request(
		&self,
		_: PeerId,
		_: ProtocolName,
		_: Vec<u8>,
		_: Option<(Vec<u8>, ProtocolName)>,
		_: futures::channel::oneshot::Sender<Result<(Vec<u8>, ProtocolName), RequestFailure>>,
		_: IfDisconnected,
	) {
	}
}

#[test]
fn a_peer_that_never_answers_is_given_up_on_at_the_limit() {
	let dir = tempfile::tempdir().unwrap();
	let store = Arc::new(DataStore::open(dir.path(), 16 << 20).unwrap());
	let source = PeerSource {
		store: store.clone(),
		network: Arc::new(Silent),
		protocol: "/test/depin/data/1".into(),
		peers: Arc::new(|| Box::pin(async { vec![PeerId::random()] })),
	};
	let id = content_id(&[7u8; 3 << 20]);
	let Err(DataError::Unavailable(why)) = source.content(1, &id, Duration::from_millis(300))
	else {
		panic!("a silent peer is data unavailable");
	};
	assert!(why.contains("did not arrive within 300 ms"), "{why}");
	// Content already held is served at once, without asking anyone.
	let held = {
		let handle = store.begin_upload(5).unwrap();
		store.write_upload(handle, 0, b"hello").unwrap();
		store.finish_upload(handle).unwrap()
	};
	assert_eq!(source.content(2, &held, Duration::from_millis(300)).unwrap(), b"hello");
	// ...and kept for the job from then on.
	assert_eq!(store.ties(&held).unwrap().jobs, vec![2]);

	// A store with no room for the content is this node's failure, not the submitter's.
	let small = DataStore::open(&dir.path().join("small"), 1 << 20).unwrap();
	let source = PeerSource { store: Arc::new(small), ..source };
	let Err(DataError::Local(why)) = source.content(3, &id, Duration::from_millis(300)) else {
		panic!("a full store is a local failure");
	};
	assert!(why.contains("full") || why.contains("limited"), "{why}");
}
