//! Where finished tasks are kept: the node's persistent off-chain storage, so that results
//! survive a restart and the node's RPC can serve them.

use codec::{Decode, Encode};
use depin_compute_primitives::{JobId, TaskStatus};
use sp_core::offchain::{OffchainStorage, STORAGE_PREFIX};
use std::sync::Mutex;

/// Key of a job's output in the persistent off-chain storage.
pub fn output_key(job: JobId) -> Vec<u8> {
	(b"depin::compute::output", job).encode()
}

/// Key of a job's final status (with the task fingerprint it belongs to).
pub fn status_key(job: JobId) -> Vec<u8> {
	(b"depin::compute::status", job).encode()
}

/// Key of the compiler's or driver's message of a job that failed.
pub fn log_key(job: JobId) -> Vec<u8> {
	(b"depin::compute::log", job).encode()
}

/// Longest message kept, in bytes (compiler logs can be long; the start says most).
pub const MAX_LOG: usize = 64 * 1024;

/// Longest output the off-chain database keeps when the node's data store holds it (longer
/// ones are served from the data store alone): what the off-chain worker reveals on chain
/// is far shorter.
pub const MAX_KEPT_OUTPUT: usize = 64 * 1024;

/// Key of the list of jobs whose results are kept, oldest first.
pub const INDEX_KEY: &[u8] = b"depin::compute::kept";

/// A key-value store for outputs.
pub trait OutputStore: Send + Sync {
	/// The value under `key`.
	fn get(&self, key: &[u8]) -> Option<Vec<u8>>;
	/// Stores `value` under `key`.
	fn set(&self, key: &[u8], value: &[u8]);
	/// Removes `key`.
	fn remove(&self, key: &[u8]);

	/// The recorded final status of `job` and the fingerprint of its task.
	fn status(&self, job: JobId) -> Option<([u8; 32], TaskStatus)> {
		self.get(&status_key(job)).and_then(|v| Decode::decode(&mut &v[..]).ok())
	}

	/// The output of `job`.
	fn output(&self, job: JobId) -> Option<Vec<u8>> {
		self.get(&output_key(job))
	}

	/// The compiler's or driver's message of `job`'s failure.
	fn log(&self, job: JobId) -> Option<String> {
		self.get(&log_key(job))
			.map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
	}
}

/// The persistent part of a node's off-chain storage (what off-chain workers see as
/// `StorageKind::PERSISTENT`).
pub struct OffchainStore<S>(Mutex<S>);

impl<S: OffchainStorage> OffchainStore<S> {
	/// Wraps the node's off-chain storage.
	pub fn new(storage: S) -> Self {
		Self(Mutex::new(storage))
	}
}

impl<S: OffchainStorage> OutputStore for OffchainStore<S> {
	fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
		self.0.lock().ok()?.get(STORAGE_PREFIX, key)
	}
	fn set(&self, key: &[u8], value: &[u8]) {
		if let Ok(mut s) = self.0.lock() {
			s.set(STORAGE_PREFIX, key, value)
		}
	}
	fn remove(&self, key: &[u8]) {
		if let Ok(mut s) = self.0.lock() {
			s.remove(STORAGE_PREFIX, key)
		}
	}
}

/// A store in memory, shared by its clones: for nodes and tests without a database.
#[derive(Clone, Default)]
pub struct MemoryStore(std::sync::Arc<Mutex<std::collections::HashMap<Vec<u8>, Vec<u8>>>>);

impl OutputStore for MemoryStore {
	fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
		self.0.lock().ok()?.get(key).cloned()
	}
	fn set(&self, key: &[u8], value: &[u8]) {
		if let Ok(mut m) = self.0.lock() {
			m.insert(key.to_vec(), value.to_vec());
		}
	}
	fn remove(&self, key: &[u8]) {
		if let Ok(mut m) = self.0.lock() {
			m.remove(key);
		}
	}
}

/// The results of the last `keep` jobs in a store.
pub struct Results {
	store: Box<dyn OutputStore>,
	keep: usize,
}

impl Results {
	/// Keeps at most `keep` jobs' results in `store`.
	pub fn new(store: Box<dyn OutputStore>, keep: usize) -> Self {
		Self { store, keep: keep.max(1) }
	}

	/// Records a finished task: its status, and its output (`None`: kept in the data store
	/// only) or the message of its failure. Forgets the oldest job beyond the limit.
	pub fn record(
		&self,
		job: JobId,
		fingerprint: [u8; 32],
		status: TaskStatus,
		output: Result<Option<&[u8]>, &str>,
	) {
		let mut kept: Vec<JobId> = self
			.store
			.get(INDEX_KEY)
			.and_then(|v| Decode::decode(&mut &v[..]).ok())
			.unwrap_or_default();
		kept.retain(|j| *j != job);
		kept.push(job);
		while kept.len() > self.keep {
			let old = kept.remove(0);
			self.store.remove(&output_key(old));
			self.store.remove(&status_key(old));
			self.store.remove(&log_key(old));
		}
		match output {
			Ok(bytes) => {
				match bytes {
					Some(bytes) => self.store.set(&output_key(job), bytes),
					None => self.store.remove(&output_key(job)),
				}
				self.store.remove(&log_key(job));
			},
			Err(log) => {
				self.store.remove(&output_key(job));
				let mut end = log.len().min(MAX_LOG);
				while !log.is_char_boundary(end) {
					end -= 1;
				}
				self.store.set(&log_key(job), &log.as_bytes()[..end]);
			},
		}
		self.store.set(&status_key(job), &(fingerprint, status).encode());
		self.store.set(INDEX_KEY, &kept.encode());
	}

	/// What is kept: the status, output and failure message of each job (see
	/// [`OutputStore`]'s readers).
	pub fn kept(&self) -> &dyn OutputStore {
		&*self.store
	}
}
