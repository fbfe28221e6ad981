//! The node's store of content: verified chunks on disk, bounded in total.
//!
//! Each content lives in one file of its full length, written chunk by chunk at its offset
//! as chunks arrive (from a local upload or from peers), beside the Merkle proof of every
//! chunk it has. Only verified chunks are written, so whatever the store serves checks
//! out at the receiver. Complete content gets an index file (its proofs) and is found
//! again after a restart; a partial fetch is discarded then and fetched again.
//!
//! The store never holds more than its limit on disk: room for a new content is made by
//! dropping the least recently used complete content that nobody [pins](DataStore::pin)
//! and no live job uses, and a content that does not fit even so is refused.
//!
//! Content a job uses (its input, fetched or uploaded here; its output, computed here) is
//! [tied](DataStore::hold_for) to the job, persistently: kept while the job is on chain,
//! released ([`DataStore::tend`]) once it is cleared. An output is moreover *withheld*: not
//! served to peers until the chain agrees on it, so that no one reads a result before the
//! verdict (a co-replica copying it, a submitter taking it and walking away). Memory per content is its proofs
//! (at most 256 chunks × 9 hashes), never its bytes: chunks go from disk to the network one
//! at a time.

use codec::{Decode, Encode};
use depin_compute_primitives::{
	content::{self, ContentId, CHUNK_LEN, MAX_CONTENT_LEN},
	JobId,
};
use parking_lot::Mutex;
use sp_core::H256;
use std::{
	collections::HashMap,
	fs::{self, File, OpenOptions},
	io::{self, Read},
	os::unix::fs::FileExt,
	path::{Path, PathBuf},
};

/// Why the store refused something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
	/// The content is longer than [`MAX_CONTENT_LEN`].
	TooLarge,
	/// There is no room: everything stored is pinned or being fetched.
	Full,
	/// The chunk does not belong to the content (wrong bytes, length or proof).
	Invalid,
	/// No such upload, or a write that does not continue it.
	BadUpload,
	/// The disk failed.
	Io(String),
}

impl From<io::Error> for StoreError {
	fn from(e: io::Error) -> Self {
		StoreError::Io(e.to_string())
	}
}

impl core::fmt::Display for StoreError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			StoreError::TooLarge => write!(f, "content is limited to {MAX_CONTENT_LEN} bytes"),
			StoreError::Full => write!(f, "the node's data store is full"),
			StoreError::Invalid => write!(f, "the chunk does not match the content's root"),
			StoreError::BadUpload => write!(f, "no such upload, or a write out of order"),
			StoreError::Io(e) => write!(f, "disk: {e}"),
		}
	}
}

/// How much of a content the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub struct Holding {
	/// Chunks held.
	pub have: u32,
	/// Chunks in all.
	pub chunks: u32,
}

impl Holding {
	/// Whether every chunk is held.
	pub fn complete(&self) -> bool {
		self.have == self.chunks
	}
}

struct Entry {
	/// The proof of each chunk held.
	proofs: Vec<Option<Vec<H256>>>,
	have: u32,
	last_used: u64,
	/// In-memory holds (a fetch or upload under way, a reader).
	pins: u32,
	/// Jobs on chain that use the content, and whether it is an output not agreed on yet
	/// (kept in the content's `.jobs` file).
	ties: Ties,
}

impl Entry {
	/// Whether the store may drop it to make room.
	fn droppable(&self, chunks: u32) -> bool {
		self.pins == 0 && self.ties.jobs.is_empty() && self.have == chunks
	}
}

/// What ties a content to jobs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct Ties {
	/// The jobs that use it (as input or output), while they are on chain.
	pub jobs: Vec<JobId>,
	/// An output of this node's whose result the chain has not agreed on: not served.
	pub withheld: bool,
}

/// What the chain says of a job, for [`DataStore::tend`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobState {
	/// The job is on chain without an agreed output (queued, running, failed).
	Live,
	/// A quorum agreed on the output with this result hash, and the job is on chain.
	Agreed(H256),
	/// The job is not on chain (cleared, or never was).
	Gone,
}

/// What one [`DataStore::tend`] changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tended {
	/// Outputs the chain agreed on, now served.
	pub published: u32,
	/// Content no live job uses any more, removed from disk.
	pub released: u32,
	/// Bytes freed.
	pub freed: u64,
}

struct Upload {
	file: File,
	path: PathBuf,
	len: u64,
	written: u64,
}

struct Inner {
	entries: HashMap<ContentId, Entry>,
	uploads: HashMap<u64, Upload>,
	/// Bytes reserved on disk by entries and uploads.
	used: u64,
	clock: u64,
	next_upload: u64,
}

/// Verified content on disk, bounded in total.
pub struct DataStore {
	dir: PathBuf,
	limit: u64,
	inner: Mutex<Inner>,
}

fn name(id: &ContentId) -> String {
	format!("{}-{}", hex(id.root.as_bytes()), id.len)
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl DataStore {
	/// Opens the store in `dir` (created if missing) holding at most `limit` bytes: complete
	/// content found there is kept (up to the limit), anything else removed.
	pub fn open(dir: &Path, limit: u64) -> Result<Self, StoreError> {
		fs::create_dir_all(dir)?;
		let mut inner = Inner {
			entries: HashMap::new(),
			uploads: HashMap::new(),
			used: 0,
			clock: 0,
			next_upload: 0,
		};
		let mut stale = vec![];
		for item in fs::read_dir(dir)? {
			let path = item?.path();
			let index = path.with_extension("index");
			let kept = path.extension().is_none()
				&& fs::read(&index)
					.ok()
					.and_then(|bytes| <(ContentId, Vec<Vec<H256>>)>::decode(&mut &bytes[..]).ok())
					.filter(|(id, proofs)| {
						path.file_name() == Some(name(id).as_ref())
							&& proofs.len() == id.chunks() as usize
							&& inner.used.saturating_add(id.len) <= limit
					})
					.map(|(id, proofs)| {
						inner.used += id.len;
						let have = proofs.len() as u32;
						let proofs = proofs.into_iter().map(Some).collect();
						let ties = fs::read(path.with_extension("jobs"))
							.ok()
							.and_then(|bytes| Ties::decode(&mut &bytes[..]).ok())
							.unwrap_or_default();
						let entry = Entry { proofs, have, last_used: 0, pins: 0, ties };
						inner.entries.insert(id, entry);
					})
					.is_some();
			if !kept && path.extension().is_none_or(|e| e != "index" && e != "jobs") {
				stale.push(path);
			}
		}
		for path in stale {
			remove_files(&path);
		}
		Ok(Self { dir: dir.into(), limit, inner: Mutex::new(inner) })
	}

	fn path(&self, id: &ContentId) -> PathBuf {
		self.dir.join(name(id))
	}

	/// Removes `id` and its files, freeing its room.
	fn remove(&self, inner: &mut Inner, id: &ContentId) {
		if inner.entries.remove(id).is_some() {
			inner.used -= id.len;
			remove_files(&self.path(id));
		}
	}

	fn write_ties(&self, id: &ContentId, ties: &Ties) -> Result<(), StoreError> {
		let path = self.path(id).with_extension("jobs");
		if ties == &Ties::default() {
			match fs::remove_file(path) {
				Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
				_ => return Ok(()),
			}
		}
		Ok(fs::write(path, ties.encode())?)
	}

	/// Ties `id` to `job`: kept while the job is on chain (until a [`DataStore::tend`]
	/// finds it gone). Returns whether the store holds `id`.
	pub fn hold_for(&self, id: &ContentId, job: JobId) -> Result<bool, StoreError> {
		let mut inner = self.inner.lock();
		let Some(entry) = inner.entries.get_mut(id) else { return Ok(false) };
		if !entry.ties.jobs.contains(&job) {
			entry.ties.jobs.push(job);
			let ties = entry.ties.clone();
			self.write_ties(id, &ties)?;
		}
		Ok(true)
	}

	/// Keeps `bytes`, computed here as `job`'s output: tied to the job, and withheld from
	/// peers until the chain agrees on it. Returns its id.
	pub fn keep_output(&self, job: JobId, bytes: &[u8]) -> Result<ContentId, StoreError> {
		let handle = self.begin_upload(bytes.len() as u64)?;
		self.write_upload(handle, 0, bytes)
			.and_then(|()| self.finish_upload(handle))
			.inspect_err(|_| self.cancel_upload(handle))
			.and_then(|id| {
				let mut inner = self.inner.lock();
				let entry = inner.entries.get_mut(&id).ok_or(StoreError::Invalid)?;
				entry.pins = entry.pins.saturating_sub(1);
				// Content a live job uses already and that is served (the same bytes as
				// another job's input, or an output agreed on) stays served.
				if entry.ties.jobs.is_empty() {
					entry.ties.withheld = true;
				}
				if !entry.ties.jobs.contains(&job) {
					entry.ties.jobs.push(job);
				}
				let ties = entry.ties.clone();
				self.write_ties(&id, &ties)?;
				Ok(id)
			})
	}

	/// What ties `id` to jobs, if held.
	pub fn ties(&self, id: &ContentId) -> Option<Ties> {
		self.inner.lock().entries.get(id).map(|e| e.ties.clone())
	}

	/// Brings the ties up to date with the chain: a withheld output whose job the chain
	/// agreed on with its root is served from now on; a job that is gone no longer holds
	/// its content, and content no job holds any more (nor anyone in memory) is removed.
	/// `state` is asked once per tied job, outside the store's lock.
	pub fn tend(&self, state: impl Fn(JobId) -> JobState) -> Tended {
		let tied: Vec<(ContentId, Ties)> = {
			let inner = self.inner.lock();
			inner
				.entries
				.iter()
				.filter(|(_, e)| !e.ties.jobs.is_empty())
				.map(|(id, e)| (*id, e.ties.clone()))
				.collect()
		};
		let mut states = std::collections::BTreeMap::new();
		for (_, ties) in &tied {
			for job in &ties.jobs {
				states.entry(*job).or_insert_with(|| state(*job));
			}
		}
		let mut tended = Tended::default();
		let mut inner = self.inner.lock();
		for (id, _) in tied {
			let Some(entry) = inner.entries.get_mut(&id) else { continue };
			let state_of = |job: &JobId| states.get(job).copied().unwrap_or(JobState::Live);
			let mut ties = entry.ties.clone();
			if ties.withheld && ties.jobs.iter().any(|j| state_of(j) == JobState::Agreed(id.root)) {
				ties.withheld = false;
				tended.published += 1;
			}
			ties.jobs.retain(|j| state_of(j) != JobState::Gone);
			if ties.jobs.is_empty() {
				ties.withheld = false;
			}
			if ties.jobs.is_empty() && entry.pins == 0 {
				self.remove(&mut inner, &id);
				tended.released += 1;
				tended.freed += id.len;
			} else if ties != entry.ties {
				entry.ties = ties.clone();
				if let Err(e) = self.write_ties(&id, &ties) {
					log::warn!(target: "compute::data", "cannot record the jobs of {}: {e}", name(&id));
				}
			}
		}
		tended
	}

	/// How much of `id` the store holds, if any.
	pub fn holding(&self, id: &ContentId) -> Option<Holding> {
		let inner = self.inner.lock();
		inner.entries.get(id).map(|e| Holding { have: e.have, chunks: id.chunks() })
	}

	/// Keeps `id` from being dropped to make room until as many [`DataStore::unpin`]s.
	pub fn pin(&self, id: &ContentId) -> bool {
		let mut inner = self.inner.lock();
		inner.entries.get_mut(id).map(|e| e.pins += 1).is_some()
	}

	/// Undoes one [`DataStore::pin`].
	pub fn unpin(&self, id: &ContentId) {
		if let Some(e) = self.inner.lock().entries.get_mut(id) {
			e.pins = e.pins.saturating_sub(1);
		}
	}

	/// Makes room for `len` more bytes by dropping unpinned complete content, least
	/// recently used first; drops nothing when even that would not make room.
	fn make_room(&self, inner: &mut Inner, len: u64) -> Result<(), StoreError> {
		let droppable: u64 = inner
			.entries
			.iter()
			.filter(|(id, e)| e.droppable(id.chunks()))
			.map(|(id, _)| id.len)
			.sum();
		if inner.used.saturating_sub(droppable).saturating_add(len) > self.limit {
			return Err(StoreError::Full);
		}
		while inner.used.saturating_add(len) > self.limit {
			let victim = inner
				.entries
				.iter()
				.filter(|(id, e)| e.droppable(id.chunks()))
				.min_by_key(|(_, e)| e.last_used)
				.map(|(id, _)| *id)
				.ok_or(StoreError::Full)?;
			self.remove(inner, &victim);
		}
		Ok(())
	}

	/// Starts holding `id` (room reserved, no chunk yet), pinned once for the caller, who
	/// fetches it. Holding it already, pins it.
	pub fn reserve(&self, id: &ContentId) -> Result<Holding, StoreError> {
		if id.len > MAX_CONTENT_LEN {
			return Err(StoreError::TooLarge);
		}
		let mut inner = self.inner.lock();
		if let Some(e) = inner.entries.get_mut(id) {
			e.pins += 1;
			return Ok(Holding { have: e.have, chunks: id.chunks() });
		}
		self.make_room(&mut inner, id.len)?;
		let file = File::create(self.path(id))?;
		file.set_len(id.len)?;
		inner.used += id.len;
		inner.clock += 1;
		let entry = Entry {
			proofs: vec![None; id.chunks() as usize],
			have: 0,
			last_used: inner.clock,
			pins: 1,
			ties: Ties::default(),
		};
		inner.entries.insert(*id, entry);
		Ok(Holding { have: 0, chunks: id.chunks() })
	}

	/// Undoes one pin of a fetch that failed: content left unpinned and incomplete is
	/// dropped, its room freed.
	pub fn abandon(&self, id: &ContentId) {
		let mut inner = self.inner.lock();
		let Some(entry) = inner.entries.get_mut(id) else { return };
		entry.pins = entry.pins.saturating_sub(1);
		if entry.pins == 0 && entry.have < id.chunks() {
			self.remove(&mut inner, id);
		}
	}

	/// The chunks of `id` not held yet.
	pub fn missing(&self, id: &ContentId) -> Vec<u32> {
		let inner = self.inner.lock();
		inner.entries.get(id).map_or_else(Vec::new, |e| {
			(0..id.chunks()).filter(|i| e.proofs[*i as usize].is_none()).collect()
		})
	}

	/// Writes chunk `index` of reserved content `id` after checking it against the root.
	/// Returns what the store then holds.
	pub fn put_chunk(
		&self,
		id: &ContentId,
		index: u32,
		chunk: &[u8],
		proof: Vec<H256>,
	) -> Result<Holding, StoreError> {
		if !id.verify(index, chunk, &proof) {
			return Err(StoreError::Invalid);
		}
		if !self.inner.lock().entries.contains_key(id) {
			return Err(StoreError::Invalid);
		}
		// Written outside the lock: other chunks and other content go on meanwhile.
		let file = OpenOptions::new().write(true).open(self.path(id))?;
		file.write_all_at(chunk, u64::from(index) * CHUNK_LEN)?;
		let mut inner = self.inner.lock();
		let entry = inner.entries.get_mut(id).ok_or(StoreError::Invalid)?;
		if entry.proofs[index as usize].is_none() {
			entry.have += 1;
		}
		entry.proofs[index as usize] = Some(proof);
		let holding = Holding { have: entry.have, chunks: id.chunks() };
		if holding.complete() {
			file.sync_data()?;
			let proofs: Vec<Vec<H256>> = entry.proofs.iter().flatten().cloned().collect();
			fs::write(self.path(id).with_extension("index"), (id, proofs).encode())?;
		}
		Ok(holding)
	}

	/// Chunk `index` of `id` and its proof, if held and not withheld: what peers are
	/// served.
	pub fn chunk(&self, id: &ContentId, index: u32) -> Option<(Vec<u8>, Vec<H256>)> {
		let proof = {
			let mut inner = self.inner.lock();
			inner.clock += 1;
			let clock = inner.clock;
			let entry = inner.entries.get_mut(id).filter(|e| !e.ties.withheld)?;
			entry.last_used = clock;
			entry.proofs.get(index as usize)?.clone()?
		};
		let mut chunk = vec![0u8; id.chunk_len(index)? as usize];
		let file = File::open(self.path(id)).ok()?;
		file.read_exact_at(&mut chunk, u64::from(index) * CHUNK_LEN).ok()?;
		Some((chunk, proof))
	}

	/// Bytes `offset..offset + len` of complete content `id` (clamped to its end).
	pub fn read(&self, id: &ContentId, offset: u64, len: u64) -> Option<Vec<u8>> {
		if !self.holding(id)?.complete() {
			return None;
		}
		let end = offset.saturating_add(len).min(id.len);
		let mut out = vec![0u8; end.saturating_sub(offset) as usize];
		File::open(self.path(id)).ok()?.read_exact_at(&mut out, offset).ok()?;
		Some(out)
	}

	/// Starts a local upload of `len` bytes (room reserved); returns its handle.
	pub fn begin_upload(&self, len: u64) -> Result<u64, StoreError> {
		if len > MAX_CONTENT_LEN {
			return Err(StoreError::TooLarge);
		}
		let mut inner = self.inner.lock();
		self.make_room(&mut inner, len)?;
		let handle = inner.next_upload;
		inner.next_upload += 1;
		let path = self.dir.join(format!("upload-{handle}.part"));
		let file = File::create(&path)?;
		inner.used += len;
		inner.uploads.insert(handle, Upload { file, path, len, written: 0 });
		Ok(handle)
	}

	/// Appends `bytes` to an upload at `offset`, which must be where it stands.
	pub fn write_upload(&self, handle: u64, offset: u64, bytes: &[u8]) -> Result<(), StoreError> {
		let mut inner = self.inner.lock();
		let upload = inner.uploads.get_mut(&handle).ok_or(StoreError::BadUpload)?;
		let end = offset.checked_add(bytes.len() as u64).ok_or(StoreError::BadUpload)?;
		if offset != upload.written || end > upload.len {
			return Err(StoreError::BadUpload);
		}
		upload.file.write_all_at(bytes, offset)?;
		upload.written = end;
		Ok(())
	}

	/// Drops an upload that will not be finished.
	pub fn cancel_upload(&self, handle: u64) {
		let mut inner = self.inner.lock();
		if let Some(upload) = inner.uploads.remove(&handle) {
			inner.used -= upload.len;
			let _ = fs::remove_file(&upload.path);
		}
	}

	/// Ends a complete upload: computes its content id and keeps it, pinned once for the
	/// uploader (until [`DataStore::unpin`], or a restart). Returns the id.
	pub fn finish_upload(&self, handle: u64) -> Result<ContentId, StoreError> {
		let upload = {
			let mut inner = self.inner.lock();
			let upload = inner.uploads.remove(&handle).ok_or(StoreError::BadUpload)?;
			inner.used -= upload.len;
			upload
		};
		let result = self.adopt(&upload);
		let _ = fs::remove_file(&upload.path);
		result
	}

	fn adopt(&self, upload: &Upload) -> Result<ContentId, StoreError> {
		if upload.written != upload.len {
			return Err(StoreError::BadUpload);
		}
		// The leaves, one chunk in memory at a time.
		let mut file = File::open(&upload.path)?;
		let mut leaves = Vec::with_capacity(content::chunk_count(upload.len) as usize);
		let mut chunk = vec![0u8; CHUNK_LEN as usize];
		let mut left = upload.len;
		loop {
			let n = left.min(CHUNK_LEN) as usize;
			file.read_exact(&mut chunk[..n])?;
			leaves.push(content::leaf(&chunk[..n]));
			left -= n as u64;
			if left == 0 {
				break;
			}
		}
		let id = ContentId { root: content::root_of(&leaves, upload.len), len: upload.len };
		let mut inner = self.inner.lock();
		let mut pins = 1;
		let mut ties = Ties::default();
		if let Some(entry) = inner.entries.get_mut(&id) {
			entry.pins += 1;
			if entry.have == id.chunks() {
				return Ok(id);
			}
			// A fetch of the same content was under way: the upload completes it (the
			// fetch's later writes are the same verified bytes).
			pins = entry.pins;
			ties = entry.ties.clone();
			inner.used -= id.len;
			inner.entries.remove(&id);
		}
		self.make_room(&mut inner, id.len)?;
		fs::rename(&upload.path, self.path(&id))?;
		let proofs: Vec<Vec<H256>> =
			(0..leaves.len() as u32).map(|i| content::proof(&leaves, i)).collect();
		fs::write(self.path(&id).with_extension("index"), (id, &proofs).encode())?;
		inner.used += id.len;
		inner.clock += 1;
		let entry = Entry {
			have: proofs.len() as u32,
			proofs: proofs.into_iter().map(Some).collect(),
			last_used: inner.clock,
			pins,
			ties,
		};
		inner.entries.insert(id, entry);
		Ok(id)
	}

	/// Bytes the store has reserved on disk.
	pub fn used(&self) -> u64 {
		self.inner.lock().used
	}
}

/// Removes a content's file and its index and ties files.
fn remove_files(path: &Path) {
	let _ = fs::remove_file(path.with_extension("index"));
	let _ = fs::remove_file(path.with_extension("jobs"));
	let _ = fs::remove_file(path);
}
