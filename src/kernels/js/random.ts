/**
 * The dropout mask drawn from xoshiro128** state words (the reference for c/random.c): the same
 * arithmetic as Rng.nextUint32 and Rng.next in src/tensor/rng.ts, on a state passed in and out.
 */
export function dropoutMask(state: Uint32Array, mask: Uint8Array, n: number, p: number): void {
  let s0 = state[0]!, s1 = state[1]!, s2 = state[2]!, s3 = state[3]!;
  const nextUint32 = (): number => {
    const x = Math.imul(s1, 5) >>> 0;
    const result = Math.imul(((x << 7) | (x >>> 25)) >>> 0, 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = ((s3 << 11) | (s3 >>> 21)) >>> 0;
    return result;
  };
  for (let i = 0; i < n; i++) {
    const hi = nextUint32() >>> 5;
    const lo = nextUint32() >>> 6;
    const u = (hi * 67108864 + lo) / 9007199254740992;
    mask[i] = u < p ? 1 : 0;
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}
