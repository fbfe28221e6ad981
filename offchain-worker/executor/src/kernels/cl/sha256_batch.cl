// SHA-256 (FIPS 180-4) of each block_len-byte block of the input; work-item i hashes
// block i and writes its 32-byte digest at output[32 i].

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

inline uint rotr32(uint x, uint n) { return rotate(x, 32u - n); }

__kernel void sha256_batch(__global const uchar *input, uint input_len, __global uchar *output,
                           uint output_len, ulong block_len, ulong p1, ulong p2) {
	ulong block = get_global_id(0);
	__global const uchar *msg = input + block * block_len;
	uint h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	ulong chunks = (block_len + 9UL + 63UL) / 64UL;
	ulong bits = block_len * 8UL;
	uint w[64];
	for (ulong c = 0; c < chunks; c++) {
		for (uint i = 0; i < 16; i++) {
			uint word = 0;
			for (uint b = 0; b < 4; b++) {
				ulong at = c * 64UL + i * 4UL + b;
				uint byte;
				if (at < block_len) {
					byte = msg[at];
				} else if (at == block_len) {
					byte = 0x80;
				} else if (at >= chunks * 64UL - 8UL) {
					byte = (uint)((bits >> ((chunks * 64UL - 1UL - at) * 8UL)) & 0xffUL);
				} else {
					byte = 0;
				}
				word = (word << 8) | byte;
			}
			w[i] = word;
		}
		for (uint i = 16; i < 64; i++) {
			uint s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
			uint s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		uint a = h[0], b = h[1], cc = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
		for (uint i = 0; i < 64; i++) {
			uint s1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
			uint ch = (e & f) ^ (~e & g);
			uint t1 = hh + s1 + ch + K256[i] + w[i];
			uint s0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
			uint maj = (a & b) ^ (a & cc) ^ (b & cc);
			uint t2 = s0 + maj;
			hh = g; g = f; f = e; e = d + t1; d = cc; cc = b; b = a; a = t1 + t2;
		}
		h[0] += a; h[1] += b; h[2] += cc; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
	}
	__global uchar *digest = output + block * 32UL;
	for (uint i = 0; i < 8; i++) {
		digest[4 * i] = (uchar)(h[i] >> 24);
		digest[4 * i + 1] = (uchar)(h[i] >> 16);
		digest[4 * i + 2] = (uchar)(h[i] >> 8);
		digest[4 * i + 3] = (uchar)h[i];
	}
}
