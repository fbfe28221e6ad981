//! The data store on a real disk: uploads become content, fetched chunks are checked
//! before they are written, the bound holds (pinned content stays, the least recently used
//! goes), and complete content survives a restart while partial content does not.

use depin_compute_data::store::{DataStore, Holding, StoreError};
use depin_compute_primitives::content::{content_id, ContentId, CHUNK_LEN, MAX_CONTENT_LEN};

const MIB: u64 = 1 << 20;

fn data(len: u64, seed: u8) -> Vec<u8> {
	// Every chunk differs from every other, of this content and of another seed.
	(0..len)
		.map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 ^ (i >> 20) as u8 ^ seed)
		.collect()
}

fn upload(store: &DataStore, bytes: &[u8]) -> Result<ContentId, StoreError> {
	let handle = store.begin_upload(bytes.len() as u64)?;
	// In pieces that do not line up with chunks.
	let mut offset = 0;
	for piece in bytes.chunks(700_000) {
		store.write_upload(handle, offset, piece)?;
		offset += piece.len() as u64;
	}
	store.finish_upload(handle)
}

#[test]
fn an_upload_is_served_and_fetched_chunk_by_chunk_checked() {
	let dir = tempfile::tempdir().unwrap();
	let (a, b) = (
		DataStore::open(&dir.path().join("a"), 64 * MIB).unwrap(),
		DataStore::open(&dir.path().join("b"), 64 * MIB).unwrap(),
	);
	let bytes = data(5 * CHUNK_LEN + 12_345, 1);
	let id = upload(&a, &bytes).unwrap();
	assert_eq!(id, content_id(&bytes), "the node computes the id a client computes");
	assert_eq!(a.holding(&id), Some(Holding { have: 6, chunks: 6 }));
	// B fetches from A, chunk by chunk, out of order; a wrong chunk is refused.
	assert_eq!(b.reserve(&id).unwrap(), Holding { have: 0, chunks: 6 });
	let (first, proof) = a.chunk(&id, 0).unwrap();
	let mut forged = first.clone();
	forged[9] ^= 1;
	assert_eq!(b.put_chunk(&id, 0, &forged, proof.clone()), Err(StoreError::Invalid));
	assert_eq!(
		b.put_chunk(&id, 1, &first, proof),
		Err(StoreError::Invalid),
		"another chunk's bytes"
	);
	for index in [5, 0, 3, 1, 4, 2] {
		let (chunk, proof) = a.chunk(&id, index).unwrap();
		let holding = b.put_chunk(&id, index, &chunk, proof).unwrap();
		assert_eq!(holding.complete(), index == 2);
	}
	assert_eq!(b.read(&id, 0, u64::MAX).unwrap(), bytes);
	assert_eq!(b.read(&id, CHUNK_LEN - 3, 10).unwrap(), bytes[CHUNK_LEN as usize - 3..][..10]);
	assert_eq!(a.chunk(&id, 6), None, "past the end");
	// Out-of-order and overlong upload writes are refused.
	let handle = a.begin_upload(10).unwrap();
	assert_eq!(a.write_upload(handle, 1, &[0]), Err(StoreError::BadUpload));
	assert_eq!(a.write_upload(handle, 0, &[0; 11]), Err(StoreError::BadUpload));
	assert_eq!(a.finish_upload(handle), Err(StoreError::BadUpload), "incomplete");
	assert_eq!(a.begin_upload(MAX_CONTENT_LEN + 1), Err(StoreError::TooLarge));
}

#[test]
fn the_store_keeps_its_bound_dropping_the_least_recently_used_unpinned() {
	let dir = tempfile::tempdir().unwrap();
	let store = DataStore::open(dir.path(), 10 * MIB).unwrap();
	let one = upload(&store, &data(4 * MIB, 1)).unwrap();
	let two = upload(&store, &data(4 * MIB, 2)).unwrap();
	assert_eq!(store.used(), 8 * MIB);
	// Both pinned by their uploads: no room for 4 MiB more.
	assert_eq!(upload(&store, &data(4 * MIB, 3)), Err(StoreError::Full));
	store.unpin(&one);
	store.unpin(&two);
	store.chunk(&one, 0).unwrap(); // `one` used last
	let three = upload(&store, &data(4 * MIB, 3)).unwrap();
	assert_eq!(store.holding(&two), None, "the least recently used went");
	assert!(store.holding(&one).is_some() && store.holding(&three).is_some());
	assert!(store.used() <= 10 * MIB);
	// A fetch makes room the same way (`one` is now the least recently used) ...
	let remote = content_id(&data(4 * MIB, 4));
	store.unpin(&three);
	store.reserve(&remote).unwrap();
	assert_eq!(store.holding(&one), None);
	assert!(store.holding(&three).is_some());
	// ... and a partial fetch is never dropped, nor anything when room cannot be made.
	store.unpin(&remote);
	assert_eq!(store.reserve(&content_id(&data(7 * MIB, 5))), Err(StoreError::Full));
	assert!(store.holding(&three).is_some(), "nothing dropped for a refused reservation");
	assert_eq!(store.missing(&remote).len(), 4);
	let files = std::fs::read_dir(dir.path()).unwrap().count();
	assert_eq!(files, 3, "one content with its index, one partial file");
	// A fetch that fails gives its room back.
	store.pin(&remote);
	store.abandon(&remote);
	assert_eq!(store.holding(&remote), None);
	assert_eq!(store.used(), 4 * MIB);
	assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn complete_content_survives_a_restart_and_partial_content_does_not() {
	let dir = tempfile::tempdir().unwrap();
	let bytes = data(3 * MIB + 1, 7);
	let (id, partial) = {
		let store = DataStore::open(dir.path(), 64 * MIB).unwrap();
		let id = upload(&store, &bytes).unwrap();
		let other = data(2 * MIB, 8);
		let partial = content_id(&other);
		store.reserve(&partial).unwrap();
		let (chunk, proof) = {
			let source = DataStore::open(&dir.path().join("source"), 64 * MIB).unwrap();
			let other_id = upload(&source, &other).unwrap();
			source.chunk(&other_id, 0).unwrap()
		};
		store.put_chunk(&partial, 0, &chunk, proof).unwrap();
		(id, partial)
	};
	let store = DataStore::open(dir.path(), 64 * MIB).unwrap();
	assert_eq!(store.holding(&id), Some(Holding { have: 4, chunks: 4 }));
	assert_eq!(store.read(&id, 0, u64::MAX).unwrap(), bytes);
	assert_eq!(store.holding(&partial), None, "a partial fetch starts again");
	assert_eq!(store.used(), id.len);
}
