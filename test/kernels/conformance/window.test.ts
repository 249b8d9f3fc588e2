/**
 * Conformance of the sliding-window attention kernels (windowAttentionForward/Backward,
 * Longformer banded layout): every fast kernel set against the js reference within float32
 * tolerance on edge shapes (one key, odd head dimensions, w = 0, global rows, causal,
 * queryStart > 0, masked keys, fully masked sentences, empty), bitwise identical in kernel
 * memory and on the JS heap, reproducible, and a sentence's bits independent of the batch:
 * alone, or with padding keys and queries after it.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { type WindowGeometry, windowLayout } from "../../../src/kernels/js/windowAttention.js";
import { randomArray, seeded, worstRelErr } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const sets = fastKernelSets();
const js = reference.kernels;
const arena = new Arena();
afterEach(() => arena.reset());

const f32 = (n: number, rand: () => number, lo = -1, hi = 1) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const heap = (a: Float32Array) => a.slice();

interface Case {
  geo: WindowGeometry;
  q: Float32Array; k: Float32Array; v: Float32Array; g: Float32Array;
  dq0: Float32Array; dk0: Float32Array; dv0: Float32Array; mask: Uint8Array | null;
}

function geometry(B: number, heads: number, T: number, S: number, d: number, dv: number, window: number, global: number, causal: boolean, queryStart = 0): WindowGeometry {
  return { N: B * heads, T, S, d, dv, window, global, causal, queryStart, heads, scale: 1 / Math.sqrt(Math.max(d, 1)) };
}

/** maskKind: none; "some" (random padded keys); "sentence" (the last sentence fully masked). */
function makeCase(geo: WindowGeometry, seed: number, maskKind: "none" | "some" | "sentence"): Case {
  const rand = seeded(seed);
  const { N, T, S, d, dv, heads } = geo;
  const B = N / heads;
  let mask: Uint8Array | null = null;
  if (maskKind !== "none") {
    mask = new Uint8Array(B * S);
    for (let i = 0; i < mask.length; i++) mask[i] = rand() < 0.3 ? 1 : 0;
    if (maskKind === "sentence") mask.fill(1, (B - 1) * S);
  }
  return {
    geo, mask,
    q: f32(N * T * d, rand, -2, 2), k: f32(N * S * d, rand, -2, 2), v: f32(N * S * dv, rand), g: f32(N * T * dv, rand),
    dq0: f32(N * T * d, rand, -0.1, 0.1), dk0: f32(N * S * d, rand, -0.1, 0.1), dv0: f32(N * S * dv, rand, -0.1, 0.1),
  };
}

function run(kern: Kernels, c: Case, place: (a: Float32Array) => Float32Array, sinks = { dq: true, dk: true, dv: true }) {
  const { geo } = c;
  const { rowSize, band } = windowLayout(geo);
  const probs = place(new Float32Array(geo.N * rowSize).fill(7)), out = place(new Float32Array(geo.N * geo.T * geo.dv).fill(7));
  const q = place(c.q), k = place(c.k), v = place(c.v);
  kern.windowAttentionForward(q, k, v, c.mask, probs, out, geo);
  const dq = sinks.dq ? place(c.dq0) : null, dk = sinks.dk ? place(c.dk0) : null, dv = sinks.dv ? place(c.dv0) : null;
  kern.windowAttentionBackward(place(c.g), q, k, v, probs, dq, dk, dv, new Float64Array(Math.max(band, geo.S)), geo);
  return { probs, out, dq, dk, dv };
}

// [B, heads, T, S, d, dv, w, g, causal, queryStart]
const SHAPES: [number, number, number, number, number, number, number, number, boolean, number][] = [
  [1, 1, 1, 1, 1, 1, 0, 0, false, 0],
  [1, 1, 1, 1, 4, 4, 2, 0, true, 0],
  [1, 2, 5, 5, 3, 5, 1, 0, false, 0],
  [2, 1, 7, 7, 7, 3, 2, 1, false, 0],
  [1, 3, 9, 9, 8, 8, 3, 2, true, 0],
  [2, 2, 13, 13, 16, 16, 4, 0, false, 0],
  [1, 1, 6, 6, 5, 9, 0, 3, false, 0],
  [1, 2, 4, 4, 12, 12, 2, 6, true, 0], // every query global
  [2, 1, 1, 10, 9, 4, 3, 2, true, 9], // one decoding step
  [2, 2, 3, 11, 8, 8, 2, 4, true, 8], // a few steps after the global rows
  [1, 1, 3, 9, 6, 6, 2, 4, false, 2], // queryStart inside the global rows
  [3, 2, 40, 40, 16, 16, 6, 2, false, 0],
  [2, 4, 33, 33, 17, 15, 5, 0, true, 0],
  [1, 1, 70, 70, 64, 64, 32, 1, false, 0],
];

describe.each(sets)("window attention kernels: $name", ({ kernels: kern }) => {
  it.each(["none", "some", "sentence"] as const)("matches the js reference on edge shapes (mask: %s)", (maskKind) => {
    let seed = 1;
    for (const [B, heads, T, S, d, dv, w, g, causal, qs] of SHAPES) {
      const c = makeCase(geometry(B, heads, T, S, d, dv, w, g, causal, qs), seed++, maskKind);
      const want = run(js, c, heap);
      const got = run(kern, c, heap);
      const what = `B=${B} h=${heads} T=${T} S=${S} d=${d} dv=${dv} w=${w} g=${g} causal=${causal} qs=${qs}`;
      expect(worstRelErr(got.probs, want.probs, 1e-6, 2e-5), `probs ${what}`).toBeLessThanOrEqual(1);
      expect(worstRelErr(got.out, want.out, 2e-6, 2e-5), `out ${what}`).toBeLessThanOrEqual(1);
      expect(worstRelErr(got.dq!, want.dq!, 2e-5, 1e-4), `dq ${what}`).toBeLessThanOrEqual(1);
      expect(worstRelErr(got.dk!, want.dk!, 2e-5, 1e-4), `dk ${what}`).toBeLessThanOrEqual(1);
      expect(worstRelErr(got.dv!, want.dv!, 2e-6, 2e-5), `dv ${what}`).toBeLessThanOrEqual(1);
      if (maskKind === "sentence") {
        // The fully masked sentence: zero weights, zero output, gradients untouched.
        const { rowSize } = windowLayout(c.geo);
        const n0 = (B - 1) * heads;
        expect(Array.from(got.probs.subarray(n0 * rowSize)).every((x) => x === 0)).toBe(true);
        expect(Array.from(got.out.subarray(n0 * T * dv)).every((x) => x === 0)).toBe(true);
        expect(bits(got.dk!.subarray(n0 * S * d))).toEqual(bits(c.dk0.subarray(n0 * S * d)));
      }
    }
  });

  it("is bitwise reproducible and the same in kernel memory and on the JS heap; absent sinks stay absent", () => {
    const c = makeCase(geometry(2, 2, 37, 37, 16, 16, 5, 2, false), 77, "some");
    const a = run(kern, c, heap), b = run(kern, c, heap);
    const m = run(kern, c, (x) => inKernelMemory(arena, x));
    for (const key of ["probs", "out", "dq", "dk", "dv"] as const) {
      expect(bits(b[key]!), key).toEqual(bits(a[key]!));
      expect(bits(m[key]!), key).toEqual(bits(a[key]!));
    }
    const only = run(kern, c, heap, { dq: false, dk: true, dv: false });
    expect(only.dq).toBeNull();
    expect(bits(only.dk!)).toEqual(bits(a.dk!));
  });

  it.each([false, true])("gives a sentence the same bits alone and padded in a batch (causal: %s)", (causal) => {
    const [T0, d, dv, w, g, heads] = [23, 12, 12, 4, 2, 2];
    const alone = makeCase(geometry(1, heads, T0, T0, d, dv, w, g, causal), 5, "none");
    const aloneR = run(kern, alone, heap);
    // The same sentence first in a batch of two, padded to T = S = T0 + 6; the padding keys masked.
    const P = T0 + 6;
    const big = makeCase(geometry(2, heads, P, P, d, dv, w, g, causal), 6, "some");
    const mask = big.mask!;
    mask.fill(0, 0, T0);
    mask.fill(1, T0, P);
    for (let n = 0; n < heads; n++) {
      big.q.set(alone.q.subarray(n * T0 * d, (n + 1) * T0 * d), n * P * d);
      big.k.set(alone.k.subarray(n * T0 * d, (n + 1) * T0 * d), n * P * d);
      big.v.set(alone.v.subarray(n * T0 * dv, (n + 1) * T0 * dv), n * P * dv);
      big.g.set(alone.g.subarray(n * T0 * dv, (n + 1) * T0 * dv), n * P * dv);
      big.g.fill(0, n * P * dv + T0 * dv, (n + 1) * P * dv); // padding queries get no gradient
      big.dq0.set(alone.dq0.subarray(n * T0 * d, (n + 1) * T0 * d), n * P * d);
      big.dk0.set(alone.dk0.subarray(n * T0 * d, (n + 1) * T0 * d), n * P * d);
      big.dv0.set(alone.dv0.subarray(n * T0 * dv, (n + 1) * T0 * dv), n * P * dv);
    }
    const bigR = run(kern, big, heap);
    for (let n = 0; n < heads; n++) {
      expect(bits(bigR.out.subarray(n * P * dv, n * P * dv + T0 * dv))).toEqual(bits(aloneR.out.subarray(n * T0 * dv, (n + 1) * T0 * dv)));
      expect(bits(bigR.dq!.subarray(n * P * d, n * P * d + T0 * d))).toEqual(bits(aloneR.dq!.subarray(n * T0 * d, (n + 1) * T0 * d)));
      expect(bits(bigR.dk!.subarray(n * P * d, n * P * d + T0 * d))).toEqual(bits(aloneR.dk!.subarray(n * T0 * d, (n + 1) * T0 * d)));
      expect(bits(bigR.dv!.subarray(n * P * dv, n * P * dv + T0 * dv))).toEqual(bits(aloneR.dv!.subarray(n * T0 * dv, (n + 1) * T0 * dv)));
    }
  });

  it("handles empty shapes", () => {
    const z = new Float32Array(0);
    kern.windowAttentionForward(z, z, z, null, z, z, geometry(0, 1, 3, 3, 4, 4, 1, 0, false));
    kern.windowAttentionForward(z, z, z, null, z, z, geometry(1, 1, 0, 0, 4, 4, 1, 0, false));
    kern.windowAttentionBackward(z, z, z, z, z, z, z, z, new Float64Array(4), geometry(1, 1, 0, 0, 4, 4, 1, 0, false));
  });
});
