//! Content addressing of job data too large for a transaction: the chain stores a
//! [`ContentId`] (a Merkle root over fixed-size chunks, and the length), never the bytes.
//! Nodes exchange the data chunk by chunk over the chain's peer-to-peer network; each
//! chunk travels with its Merkle proof, so a receiver checks it on arrival, whoever sent
//! it, and can fetch different chunks from different peers at once.
//!
//! The tree: leaf `i` is `blake2_256(0x00 ‖ chunk i)`; an inner node is
//! `blake2_256(0x01 ‖ left ‖ right)`; a level with an odd count carries its last node up
//! unchanged. The root binds the length: `blake2_256(0x02 ‖ top ‖ len as u64 LE)`, so one
//! tree under another length is another content. The prefixes keep a leaf from passing for
//! an inner node. An empty content has one empty chunk.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;

/// Bytes per chunk (1 MiB); the last chunk may be shorter.
pub const CHUNK_LEN: u64 = 1 << 20;

/// Largest content (256 MiB).
pub const MAX_CONTENT_LEN: u64 = 256 << 20;

/// Content the chain refers to by hash: its Merkle root and its length in bytes.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Hash,
)]
pub struct ContentId {
	/// Merkle root over the chunks.
	pub root: H256,
	/// Length in bytes; at most [`MAX_CONTENT_LEN`].
	pub len: u64,
}

impl ContentId {
	/// Number of chunks (at least one).
	pub fn chunks(&self) -> u32 {
		chunk_count(self.len)
	}

	/// Bytes of chunk `index` (the last may be short), or `None` past the end.
	pub fn chunk_len(&self, index: u32) -> Option<u64> {
		let start = u64::from(index).checked_mul(CHUNK_LEN)?;
		(index < self.chunks()).then(|| self.len.saturating_sub(start).min(CHUNK_LEN))
	}

	/// Whether `chunk` with `proof` is chunk `index` of this content.
	pub fn verify(&self, index: u32, chunk: &[u8], proof: &[H256]) -> bool {
		self.chunk_len(index) == Some(chunk.len() as u64)
			&& top_from_proof(leaf(chunk), index, self.chunks(), proof)
				.is_some_and(|top| bind_len(&top, self.len) == self.root)
	}
}

/// Chunks of content of `len` bytes.
pub fn chunk_count(len: u64) -> u32 {
	len.div_ceil(CHUNK_LEN).max(1) as u32
}

/// The leaf of a chunk.
pub fn leaf(chunk: &[u8]) -> H256 {
	let mut input = Vec::with_capacity(chunk.len() + 1);
	input.push(0u8);
	input.extend_from_slice(chunk);
	H256(sp_crypto_hashing::blake2_256(&input))
}

fn node(left: &H256, right: &H256) -> H256 {
	let mut input = [0u8; 65];
	input[0] = 1;
	input[1..33].copy_from_slice(left.as_bytes());
	input[33..].copy_from_slice(right.as_bytes());
	H256(sp_crypto_hashing::blake2_256(&input))
}

/// The next level up of a tree level.
fn parent_level(level: &[H256]) -> Vec<H256> {
	level
		.chunks(2)
		.map(|pair| match pair {
			[left, right] => node(left, right),
			[single] => *single,
			_ => H256::zero(),
		})
		.collect()
}

/// The root of a tree `top` over content of `len` bytes.
fn bind_len(top: &H256, len: u64) -> H256 {
	let mut input = [0u8; 41];
	input[0] = 2;
	input[1..33].copy_from_slice(top.as_bytes());
	input[33..].copy_from_slice(&len.to_le_bytes());
	H256(sp_crypto_hashing::blake2_256(&input))
}

/// The top of the tree over `leaves` (at least one), before the length is bound.
pub fn top(leaves: &[H256]) -> H256 {
	let mut level = leaves.to_vec();
	while level.len() > 1 {
		level = parent_level(&level);
	}
	level.first().copied().unwrap_or_else(|| leaf(&[]))
}

/// The root of content of `len` bytes whose chunks have `leaves`.
pub fn root_of(leaves: &[H256], len: u64) -> H256 {
	bind_len(&top(leaves), len)
}

/// The id of `data`.
pub fn content_id(data: &[u8]) -> ContentId {
	let leaves: Vec<H256> = if data.is_empty() {
		alloc::vec![leaf(&[])]
	} else {
		data.chunks(CHUNK_LEN as usize).map(leaf).collect()
	};
	let len = data.len() as u64;
	ContentId { root: root_of(&leaves, len), len }
}

/// The result hash of a job's output: its root as content. An output of any length is then
/// fetched as `ContentId { root: result hash, len: output length }` from any node that
/// holds it, each chunk checked against the hash the chain agreed on as it arrives.
pub fn output_hash(output: &[u8]) -> H256 {
	content_id(output).root
}

/// The proof of leaf `index` among `leaves`: the sibling at each level that has one,
/// bottom up.
pub fn proof(leaves: &[H256], index: u32) -> Vec<H256> {
	let mut proof = Vec::new();
	let mut level = leaves.to_vec();
	let mut i = index as usize;
	while level.len() > 1 {
		let sibling = i ^ 1;
		if let Some(hash) = level.get(sibling) {
			proof.push(*hash);
		}
		level = parent_level(&level);
		i /= 2;
	}
	proof
}

/// The top of the tree that `leaf` at `index` of `count` leaves and `proof` lead to, or `None` when
/// the proof has the wrong length.
pub fn top_from_proof(leaf: H256, index: u32, count: u32, proof: &[H256]) -> Option<H256> {
	if index >= count {
		return None;
	}
	let mut hash = leaf;
	let (mut i, mut width) = (index, count);
	let mut siblings = proof.iter();
	while width > 1 {
		let sibling = i ^ 1;
		if sibling < width {
			let other = siblings.next()?;
			hash = if i % 2 == 0 { node(&hash, other) } else { node(other, &hash) };
		}
		i /= 2;
		width = width.div_ceil(2);
	}
	siblings.next().is_none().then_some(hash)
}
