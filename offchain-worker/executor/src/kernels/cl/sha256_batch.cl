// SHA-256 (FIPS 180-4) of each block_len-byte block of the input; block i's 32-byte digest
// goes to output[32 i].
//
// Work-item g hashes the LANES blocks LANES g .. LANES g + LANES - 1 at once, one in each
// lane of a uint8: all blocks have the same length, so every lane runs the same rounds, and
// a CPU device computes eight hashes with each vector instruction. (A loop over chunks
// inside the kernel keeps PoCL from vectorizing across work-items itself.) Lanes past the
// last block repeat it and write nothing. On a GPU each work-item carries eight
// independent hashes.
//
// The message is read a 32-bit word at a time (when block_len is a multiple of four, so
// that every block starts on a word), byte-swapped to SHA-256's big-endian order; only the
// last one or two 64-byte chunks, which carry the padding, are assembled byte by byte.
// The message schedule is a rolling window of 16 words and the rounds are unrolled, so
// that the state stays in registers.

#define LANES 8
typedef uint8 lanes;

__constant uint K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR(x, n) rotate((x), (lanes)(32u - (n)))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))
// Ch(e, f, g) = (e & f) ^ (~e & g); Maj(a, b, c): b where a and c differ, else a.
#define CH(e, f, g) bitselect((g), (f), (e))
#define MAJ(a, b, c) bitselect((a), (b), (a) ^ (c))

// Round i with schedule word w.
#define ROUND(a, b, c, d, e, f, g, h, i, w)                                               \
	{                                                                                     \
		lanes t1 = (h) + BSIG1(e) + CH(e, f, g) + K256[i] + (w);                           \
		(d) += t1;                                                                        \
		(h) = t1 + BSIG0(a) + MAJ(a, b, c);                                               \
	}
// Schedule word i >= 16, computed in place in the 16-word window.
#define SCHEDULE(w, i)                                                                    \
	(w[(i) & 15] += SSIG1(w[((i) - 2) & 15]) + w[((i) - 7) & 15] + SSIG0(w[((i) - 15) & 15]))

// One 64-byte chunk into the state.
inline void compress(lanes *state, lanes *w) {
	lanes a = state[0], b = state[1], c = state[2], d = state[3];
	lanes e = state[4], f = state[5], g = state[6], h = state[7];
#pragma unroll
	for (uint i = 0; i < 16; i += 8) {
		ROUND(a, b, c, d, e, f, g, h, i + 0, w[i + 0]);
		ROUND(h, a, b, c, d, e, f, g, i + 1, w[i + 1]);
		ROUND(g, h, a, b, c, d, e, f, i + 2, w[i + 2]);
		ROUND(f, g, h, a, b, c, d, e, i + 3, w[i + 3]);
		ROUND(e, f, g, h, a, b, c, d, i + 4, w[i + 4]);
		ROUND(d, e, f, g, h, a, b, c, i + 5, w[i + 5]);
		ROUND(c, d, e, f, g, h, a, b, i + 6, w[i + 6]);
		ROUND(b, c, d, e, f, g, h, a, i + 7, w[i + 7]);
	}
#pragma unroll
	for (uint i = 16; i < 64; i += 8) {
		ROUND(a, b, c, d, e, f, g, h, i + 0, SCHEDULE(w, i + 0));
		ROUND(h, a, b, c, d, e, f, g, i + 1, SCHEDULE(w, i + 1));
		ROUND(g, h, a, b, c, d, e, f, i + 2, SCHEDULE(w, i + 2));
		ROUND(f, g, h, a, b, c, d, e, i + 3, SCHEDULE(w, i + 3));
		ROUND(e, f, g, h, a, b, c, d, i + 4, SCHEDULE(w, i + 4));
		ROUND(d, e, f, g, h, a, b, c, i + 5, SCHEDULE(w, i + 5));
		ROUND(c, d, e, f, g, h, a, b, i + 6, SCHEDULE(w, i + 6));
		ROUND(b, c, d, e, f, g, h, a, i + 7, SCHEDULE(w, i + 7));
	}
	state[0] += a; state[1] += b; state[2] += c; state[3] += d;
	state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

// Byte `at` of the padded message: the message, 0x80, zeros, then its length in bits
// (big-endian) in the last eight bytes of the last chunk.
inline uint padded_byte(__global const uchar *msg, ulong len, ulong padded_len, ulong at) {
	if (at < len) {
		return msg[at];
	}
	if (at == len) {
		return 0x80;
	}
	if (at >= padded_len - 8UL) {
		return (uint)(((len * 8UL) >> ((padded_len - 1UL - at) * 8UL)) & 0xffUL);
	}
	return 0;
}

__kernel void sha256_batch(__global const uchar *input, uint input_len, __global uchar *output,
                           uint output_len, ulong block_len, ulong p1, ulong p2) {
	ulong blocks = (ulong)input_len / block_len;
	ulong first = get_global_id(0) * LANES;
	// Each lane's block, and its message.
	__global const uchar *msg[LANES];
	for (uint j = 0; j < LANES; j++) {
		msg[j] = input + min(first + j, blocks - 1UL) * block_len;
	}
	lanes state[8] = {(lanes)0x6a09e667, (lanes)0xbb67ae85, (lanes)0x3c6ef372, (lanes)0xa54ff53a,
	                  (lanes)0x510e527f, (lanes)0x9b05688c, (lanes)0x1f83d9ab, (lanes)0x5be0cd19};
	lanes w[16];
	uint lane[LANES];
	ulong padded_len = (block_len + 9UL + 63UL) / 64UL * 64UL;
	// Chunks that hold only message bytes, read as words when they can be.
	ulong whole = (block_len % 4UL == 0UL) ? block_len / 64UL : 0UL;
	for (ulong c = 0; c < whole; c++) {
#pragma unroll
		for (uint i = 0; i < 16; i++) {
			for (uint j = 0; j < LANES; j++) {
				lane[j] = ((__global const uint *)msg[j])[c * 16UL + i];
			}
			lanes x = vload8(0, lane);
			w[i] = rotate(x & (lanes)0x00ff00ffu, (lanes)24u) | rotate(x & (lanes)0xff00ff00u, (lanes)8u);
		}
		compress(state, w);
	}
	// The rest, with the padding: one or two chunks, or every chunk of an unaligned length.
	for (ulong at = whole * 64UL; at < padded_len; at += 64UL) {
		for (uint i = 0; i < 16; i++) {
			ulong b = at + 4UL * i;
			for (uint j = 0; j < LANES; j++) {
				lane[j] = (padded_byte(msg[j], block_len, padded_len, b) << 24) |
				          (padded_byte(msg[j], block_len, padded_len, b + 1UL) << 16) |
				          (padded_byte(msg[j], block_len, padded_len, b + 2UL) << 8) |
				          padded_byte(msg[j], block_len, padded_len, b + 3UL);
			}
			w[i] = vload8(0, lane);
		}
		compress(state, w);
	}
	for (uint i = 0; i < 8; i++) {
		vstore8(state[i], 0, lane);
		for (uint j = 0; j < LANES && first + j < blocks; j++) {
			__global uchar *digest = output + (first + j) * 32UL + 4UL * i;
			digest[0] = (uchar)(lane[j] >> 24);
			digest[1] = (uchar)(lane[j] >> 16);
			digest[2] = (uchar)(lane[j] >> 8);
			digest[3] = (uchar)lane[j];
		}
	}
}
