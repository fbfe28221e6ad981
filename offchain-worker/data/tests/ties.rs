//! Content a job uses lives as long as the job: an output is withheld from peers until the
//! chain agrees on it, content is kept while a job that uses it is on chain (whatever room
//! other content needs), and it is released once the last such job is cleared; all of it
//! across restarts.

use depin_compute_data::store::{DataStore, JobState, StoreError, Tended, Ties};
use depin_compute_primitives::content::{content_id, ContentId};
use sp_core::H256;

const MIB: u64 = 1 << 20;

fn upload(store: &DataStore, bytes: &[u8]) -> Result<ContentId, StoreError> {
	let handle = store.begin_upload(bytes.len() as u64)?;
	store.write_upload(handle, 0, bytes)?;
	store.finish_upload(handle)
}

#[test]
fn an_output_is_withheld_from_peers_until_the_chain_agrees_on_it() {
	let dir = tempfile::tempdir().unwrap();
	let store = DataStore::open(dir.path(), 64 * MIB).unwrap();
	let output = vec![9u8; (MIB + 5) as usize];
	let id = store.keep_output(7, &output).unwrap();
	assert_eq!(id, content_id(&output));
	assert_eq!(store.ties(&id), Some(Ties { jobs: vec![7], withheld: true }));
	assert_eq!(store.chunk(&id, 0), None, "not served before the verdict");
	// The operator's own node reads it.
	assert_eq!(store.read(&id, 0, id.len).unwrap(), output);

	// Running, or agreed on another output: still withheld.
	assert_eq!(store.tend(|_| JobState::Live), Tended::default());
	assert_eq!(store.tend(|_| JobState::Agreed(H256::repeat_byte(1))), Tended::default());
	assert_eq!(store.chunk(&id, 1), None);

	let tended =
		store.tend(|job| if job == 7 { JobState::Agreed(id.root) } else { JobState::Gone });
	assert_eq!(tended, Tended { published: 1, released: 0, freed: 0 });
	let (chunk, proof) = store.chunk(&id, 1).unwrap();
	assert!(id.verify(1, &chunk, &proof));
	assert_eq!(store.ties(&id), Some(Ties { jobs: vec![7], withheld: false }));
}

#[test]
fn content_is_released_when_the_last_job_using_it_is_cleared() {
	let dir = tempfile::tempdir().unwrap();
	let store = DataStore::open(dir.path(), 64 * MIB).unwrap();
	let id = upload(&store, &vec![3u8; (2 * MIB) as usize]).unwrap();
	assert!(store.hold_for(&id, 1).unwrap());
	assert!(store.hold_for(&id, 2).unwrap());
	assert!(store.hold_for(&id, 2).unwrap(), "tying twice is tying once");
	store.unpin(&id); // the upload's own hold
	assert!(!store.hold_for(&content_id(b"absent"), 1).unwrap());

	let tended = store.tend(|job| if job == 1 { JobState::Gone } else { JobState::Live });
	assert_eq!(tended, Tended::default());
	assert_eq!(store.ties(&id).unwrap().jobs, vec![2]);
	assert!(store.chunk(&id, 0).is_some(), "an input is served while it is used");

	let tended = store.tend(|_| JobState::Gone);
	assert_eq!(tended, Tended { published: 0, released: 1, freed: 2 * MIB });
	assert_eq!(store.holding(&id), None);
	assert_eq!(store.used(), 0);
	assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file left behind");

	// Someone holding it in memory (a fetch or an upload) keeps it past its last job.
	let id = upload(&store, b"pinned").unwrap();
	store.hold_for(&id, 3).unwrap();
	assert_eq!(store.tend(|_| JobState::Gone), Tended::default());
	assert_eq!(store.ties(&id), Some(Ties::default()));
}

#[test]
fn content_a_live_job_uses_is_never_dropped_for_room() {
	let dir = tempfile::tempdir().unwrap();
	let store = DataStore::open(dir.path(), 3 * MIB).unwrap();
	let output = store.keep_output(1, &vec![1u8; (2 * MIB) as usize]).unwrap();
	assert_eq!(upload(&store, &vec![2u8; (2 * MIB) as usize]), Err(StoreError::Full));
	assert!(store.holding(&output).unwrap().complete(), "the refusal dropped nothing");
	store.tend(|_| JobState::Gone);
	let other = upload(&store, &vec![2u8; (2 * MIB) as usize]).unwrap();
	assert!(store.holding(&other).unwrap().complete());
}

#[test]
fn ties_survive_a_restart() {
	let dir = tempfile::tempdir().unwrap();
	let (output, input) = {
		let store = DataStore::open(dir.path(), 16 * MIB).unwrap();
		let output = store.keep_output(4, b"an output").unwrap();
		let input = upload(&store, b"an input").unwrap();
		store.hold_for(&input, 5).unwrap();
		(output, input)
	};
	let store = DataStore::open(dir.path(), 16 * MIB).unwrap();
	assert_eq!(store.ties(&output), Some(Ties { jobs: vec![4], withheld: true }));
	assert_eq!(store.chunk(&output, 0), None);
	assert_eq!(store.ties(&input), Some(Ties { jobs: vec![5], withheld: false }));
	// The upload's in-memory hold is gone with the restart: the job's tie alone keeps it.
	assert_eq!(store.tend(|_| JobState::Gone).released, 2);
	assert_eq!(store.used(), 0);
}
