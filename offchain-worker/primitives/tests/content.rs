//! Content addressing: every chunk of content of any shape proves itself against the root,
//! and nothing else does.

use depin_compute_primitives::content::{self, content_id, ContentId, CHUNK_LEN};

fn data(len: usize) -> Vec<u8> {
	(0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn leaves(bytes: &[u8]) -> Vec<sp_core::H256> {
	if bytes.is_empty() {
		vec![content::leaf(&[])]
	} else {
		bytes.chunks(CHUNK_LEN as usize).map(content::leaf).collect()
	}
}

#[test]
fn every_chunk_proves_itself_and_nothing_else_does() {
	let chunk = CHUNK_LEN as usize;
	for len in [0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk, 5 * chunk + 17, 8 * chunk] {
		let bytes = data(len);
		let id = content_id(&bytes);
		assert_eq!(id.len, len as u64);
		let leaves = leaves(&bytes);
		assert_eq!(id.chunks() as usize, leaves.len());
		for (i, piece) in bytes.chunks(chunk).enumerate().chain((len == 0).then_some((0, &[][..])))
		{
			let i = i as u32;
			let proof = content::proof(&leaves, i);
			assert!(id.verify(i, piece, &proof), "len {len}, chunk {i}");
			// A changed byte, a proof for another chunk, a shorter proof, the wrong index.
			if !piece.is_empty() {
				let mut changed = piece.to_vec();
				changed[piece.len() / 2] ^= 1;
				assert!(!id.verify(i, &changed, &proof));
			}
			if leaves.len() > 1 {
				let other = (i + 1) % leaves.len() as u32;
				assert!(!id.verify(i, piece, &content::proof(&leaves, other)));
				assert!(!id.verify(i, piece, &proof[..proof.len() - 1]));
				assert!(!id.verify(other, piece, &proof));
			}
			let mut longer = proof.clone();
			longer.push(Default::default());
			assert!(!id.verify(i, piece, &longer));
		}
		assert!(!id.verify(id.chunks(), &[], &[]), "past the end");
		// The same bytes under another length are another content.
		let other = ContentId { len: id.len + 1, ..id };
		assert!(!other.verify(0, &bytes[..bytes.len().min(chunk)], &content::proof(&leaves, 0)));
	}
}

#[test]
fn the_root_is_a_merkle_tree_computed_by_hand() {
	use sp_crypto_hashing::blake2_256;
	let node = |l: &[u8; 32], r: &[u8; 32]| blake2_256(&[&[1u8][..], l, r].concat());
	let leaf = |c: &[u8]| blake2_256(&[&[0u8][..], c].concat());
	let bytes = data(2 * CHUNK_LEN as usize + 5);
	let (a, b, c) = (
		leaf(&bytes[..CHUNK_LEN as usize]),
		leaf(&bytes[CHUNK_LEN as usize..2 * CHUNK_LEN as usize]),
		leaf(&bytes[2 * CHUNK_LEN as usize..]),
	);
	let bind =
		|top: &[u8; 32], len: u64| blake2_256(&[&[2u8][..], top, &len.to_le_bytes()].concat());
	// Three leaves: (a, b) paired, c carried up, then paired with their node; the length bound.
	let len = bytes.len() as u64;
	assert_eq!(content_id(&bytes).root.0, bind(&node(&node(&a, &b), &c), len));
	assert_eq!(content_id(&[]).root.0, bind(&leaf(&[]), 0));
}
