// Job data too large for a transaction, from the client's side: compute its content id
// (the Merkle root over 1 MiB chunks that the chain stores; see
// `depin_compute_primitives::content`), upload it to a node of your own, have a node fetch
// it from its peers, and read it back checked against the root. The node's `compute_data*`
// methods are unsafe: they answer on the node's local RPC.

import { blake2AsU8a } from '@polkadot/util-crypto';
import { u8aConcat, u8aToHex } from '@polkadot/util';

/** Bytes per chunk. */
export const CHUNK_LEN = 1 << 20;
/** Bytes one upload or read call carries. */
const PIECE = 4 << 20;

const leaf = (chunk) => blake2AsU8a(u8aConcat([0], chunk), 256);
const node = (left, right) => blake2AsU8a(u8aConcat([1], left, right), 256);

/** The content id `{ root, len }` of `bytes`, as the chain and the nodes compute it. */
export function contentId(bytes) {
  let level = [];
  for (let at = 0; at < bytes.length || level.length === 0; at += CHUNK_LEN) {
    level.push(leaf(bytes.subarray(at, at + CHUNK_LEN)));
  }
  while (level.length > 1) {
    const up = [];
    for (let i = 0; i < level.length; i += 2) up.push(i + 1 < level.length ? node(level[i], level[i + 1]) : level[i]);
    level = up;
  }
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(bytes.length), true);
  return { root: u8aToHex(blake2AsU8a(u8aConcat([2], level[0], len), 256)), len: bytes.length };
}

async function call(url, method, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
    signal: AbortSignal.timeout(600_000),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Uploads `bytes` to the node at `url` (HTTP JSON-RPC); returns the content id it reports, checked. */
export async function uploadData(url, bytes) {
  const handle = await call(url, 'compute_dataBegin', [bytes.length]);
  for (let at = 0; at < bytes.length; at += PIECE) {
    await call(url, 'compute_dataWrite', [
      handle,
      at,
      `0x${Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.min(PIECE, bytes.length - at)).toString('hex')}`,
    ]);
  }
  const id = await call(url, 'compute_dataFinish', [handle]);
  const expected = contentId(bytes);
  if (id.root !== expected.root || id.len !== expected.len) throw new Error('the node computed another content id');
  return id;
}

/** Has the node at `url` fetch `content` from its peers; resolves when it holds all of it. */
export const fetchData = (url, content) => call(url, 'compute_dataFetch', [content]);

/**
 * Ties `content` on the node at `url` to `job`, which uses it: the node keeps it while the job
 * is on chain and releases it once the job is cleared (ending the upload's own hold).
 */
export const holdData = (url, content, job) => call(url, 'compute_dataHold', [content, job]);

/** How much of `content` the node at `url` holds (`{ have, chunks }`), or null. */
export const dataStatus = (url, content) => call(url, 'compute_dataStatus', [content]);

/** Reads `content` whole from the node at `url`, checked against its root. */
export async function readData(url, content) {
  const bytes = new Uint8Array(content.len);
  for (let at = 0; at < content.len; at += PIECE) {
    const piece = Buffer.from((await call(url, 'compute_dataRead', [content, at, PIECE])).slice(2), 'hex');
    bytes.set(piece, at);
  }
  if (contentId(bytes).root !== content.root) throw new Error('the data read does not match its root');
  return bytes;
}
