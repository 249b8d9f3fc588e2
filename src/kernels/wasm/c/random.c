#include "attn.h"

/*
 * Dropout mask from the project's generator, xoshiro128** (Blackman & Vigna 2018), exactly as
 * src/tensor/rng.ts draws it: u = ((next() >> 5)·2^26 + (next() >> 6)) / 2^53, dropped when
 * u < p. Integer steps and one exact double division, so the mask has the same bits as the JS
 * reference on any kernel set. `state` (four uint32 words) is advanced in place.
 */
static inline unsigned rotl(unsigned x, int k) { return (x << k) | (x >> (32 - k)); }

EXPORT(dropout_mask) void dropout_mask(unsigned* state, unsigned char* mask, int n, double p) {
  unsigned s0 = state[0], s1 = state[1], s2 = state[2], s3 = state[3];
  for (int i = 0; i < n; i++) {
    unsigned draws[2];
    for (int d = 0; d < 2; d++) {
      draws[d] = rotl(s1 * 5u, 7) * 9u;
      unsigned t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
    }
    double u = ((double)(draws[0] >> 5) * 67108864.0 + (double)(draws[1] >> 6)) / 9007199254740992.0;
    mask[i] = u < p ? 1 : 0;
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}
