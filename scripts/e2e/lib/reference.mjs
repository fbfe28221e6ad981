// Independent JavaScript references of built-in kernels, to check what provider nodes
// computed without trusting the Rust code that computed it.

import { createHash } from 'node:crypto';

const MASK64 = (1n << 64n) - 1n;

/** The kernels' counter-based RNG (SplitMix64 finaliser). */
export function mix64(seed, counter) {
  let z = (seed + (counter + 1n) * 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** SHA-256 of each `blockLen`-byte block, concatenated. */
export function sha256Batch(input, blockLen) {
  const out = new Uint8Array((input.length / blockLen) * 32);
  for (let i = 0; i * blockLen < input.length; i++) {
    out.set(
      createHash('sha256')
        .update(input.subarray(i * blockLen, (i + 1) * blockLen))
        .digest(),
      i * 32,
    );
  }
  return out;
}

/** C = A x B (wrapping i32) for A, B drawn from the RNG with `seed`. */
export function matmulGenerated(n, seed) {
  const values = new Int32Array(2 * n * n);
  for (let i = 0; i < values.length; i++) values[i] = Number(mix64(seed, BigInt(i)) >> 32n) | 0;
  const a = values.subarray(0, n * n);
  const b = values.subarray(n * n);
  const c = new Int32Array(n * n);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc = (acc + Math.imul(a[row * n + k], b[k * n + col])) | 0;
      c[row * n + col] = acc;
    }
  }
  return new Uint8Array(c.buffer);
}
