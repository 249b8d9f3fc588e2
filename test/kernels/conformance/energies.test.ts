/**
 * Conformance of the additive-attention energy kernels (additiveEnergiesForward/Backward): every
 * fast kernel set against the js reference within float32 tolerance on edge shapes, bitwise
 * identical in kernel memory and on the JS heap, reproducible, and independent of where a
 * (b, s) row sits: an energy computed with B = S = 1 has the same bits as inside [B, S].
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { randomArray, seeded, worstRelErr } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const sets = fastKernelSets();
const js = reference.kernels;
const arena = new Arena();
afterEach(() => arena.reset());

const f32 = (n: number, rand: () => number, lo = -1, hi = 1) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (u, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : u));
const heap = (a: Float32Array) => a.slice();

interface Case {
  K: Float32Array; Q: Float32Array; v: Float32Array; de: Float32Array;
  dk0: Float32Array; dq0: Float32Array; dv0: Float32Array; B: number; S: number; A: number;
}

function makeCase(B: number, S: number, A: number, seed: number): Case {
  const rand = seeded(seed);
  const de = f32(B * S, rand);
  for (let i = 0; i < de.length; i++) if (rand() < 0.2) de[i] = 0; // masked positions
  return {
    K: f32(B * S * A, rand, -3, 3), Q: f32(B * A, rand, -2, 2), v: f32(A, rand), de,
    dk0: f32(B * S * A, rand, -0.1, 0.1), dq0: f32(B * A, rand, -0.1, 0.1), dv0: f32(A, rand, -0.1, 0.1), B, S, A,
  };
}

function run(k: Kernels, c: Case, place: (a: Float32Array) => Float32Array, sinks = { dk: true, dq: true, dv: true }) {
  const { B, S, A } = c;
  const K = place(c.K), Q = place(c.Q), v = place(c.v), de = place(c.de);
  const e = place(new Float32Array(B * S)), T = place(new Float32Array(B * S * A));
  k.additiveEnergiesForward(K, Q, v, e, T, B, S, A);
  const dk = sinks.dk ? place(c.dk0) : null, dq = sinks.dq ? place(c.dq0) : null, dv = sinks.dv ? place(c.dv0) : null;
  k.additiveEnergiesBackward(de, T, v, dk, dq, dv, B, S, A);
  return { e, T, dk, dq, dv };
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 1, 3], [1, 2, 4], [2, 3, 5], [3, 1, 7], [1, 5, 8], [2, 2, 9], [4, 3, 12], [2, 7, 13], [3, 4, 31], [2, 3, 256], [5, 6, 33],
];

describe.each(sets)("additive energy kernels: $name", ({ kernels: k }) => {
  it("matches the js reference on edge shapes (forward with tanh cache, backward accumulating)", () => {
    let seed = 1;
    for (const [B, S, A] of SHAPES) {
      const c = makeCase(B, S, A, seed++);
      const want = run(js, c, heap);
      const got = run(k, c, heap);
      const what = `B=${B} S=${S} A=${A}`;
      expect(worstRelErr(got.T, want.T, 1e-6, 4e-6), `tanh ${what}`).toBeLessThanOrEqual(1);
      // e is a sum of A terms |v·t| ≤ 1: allow a few ulps of the terms.
      expect(worstRelErr(got.e, want.e, 2e-6 * Math.sqrt(A) + 1e-6, 1e-5), `e ${what}`).toBeLessThanOrEqual(1);
      expect(worstRelErr(got.dk!, want.dk!, 1e-6, 1e-5), `dk ${what}`).toBeLessThanOrEqual(1);
      expect(worstRelErr(got.dq!, want.dq!, 1e-6 * S, 1e-5), `dq ${what}`).toBeLessThanOrEqual(1);
      expect(worstRelErr(got.dv!, want.dv!, 1e-6 * B * S, 1e-5), `dv ${what}`).toBeLessThanOrEqual(1);
    }
  });

  it("handles large arguments (tanh saturates to ±1) and empty shapes", () => {
    const c = makeCase(2, 3, 11, 99);
    for (let i = 0; i < c.K.length; i++) c.K[i] = (i % 3 - 1) * 50;
    const want = run(js, c, heap);
    const got = run(k, c, heap);
    expect(worstRelErr(got.T, want.T, 1e-7, 1e-6)).toBeLessThanOrEqual(1);
    expect(worstRelErr(got.e, want.e, 1e-5, 1e-5)).toBeLessThanOrEqual(1);
    const z = new Float32Array(0);
    k.additiveEnergiesForward(z, z, new Float32Array(4), z, z, 0, 3, 4);
    k.additiveEnergiesForward(z, new Float32Array(8), new Float32Array(4), z, z, 2, 0, 4);
    k.additiveEnergiesBackward(z, z, new Float32Array(4), z, new Float32Array(8), new Float32Array(4), 2, 0, 4);
  });

  it("leaves absent gradient sinks alone", () => {
    const c = makeCase(3, 4, 13, 7);
    const all = run(k, c, heap);
    const onlyK = run(k, c, heap, { dk: true, dq: false, dv: false });
    const onlyV = run(k, c, heap, { dk: false, dq: false, dv: true });
    expect(onlyK.dq).toBeNull();
    expect(bits(onlyK.dk!)).toEqual(bits(all.dk!));
    expect(bits(onlyV.dv!)).toEqual(bits(all.dv!));
  });

  it("is bitwise identical in kernel memory and on the JS heap, and run to run", () => {
    for (const [B, S, A] of [[2, 3, 5], [4, 5, 64], [3, 2, 257]] as const) {
      const c = makeCase(B, S, A, 1000 + A);
      const a = run(k, c, heap);
      const b = run(k, c, (x) => inKernelMemory(arena, x));
      const again = run(k, c, heap);
      for (const key of ["e", "T", "dk", "dq", "dv"] as const) {
        expect(bits(b[key]!), `${key} A=${A}`).toEqual(bits(a[key]!));
        expect(bits(again[key]!), `${key} A=${A}`).toEqual(bits(a[key]!));
      }
    }
  });

  it("an energy (and its dkeys, dquery) does not depend on b, s, B or S", () => {
    for (const A of [3, 8, 13, 256]) {
      const B = 4, S = 5;
      const c = makeCase(B, S, A, 2000 + A);
      c.de.fill(0.75);
      const big = run(k, c, heap, { dk: true, dq: true, dv: false });
      for (const [b, s] of [[0, 0], [1, 3], [3, 4]] as const) {
        const row = b * S + s;
        const one: Case = {
          ...c, K: c.K.slice(row * A, (row + 1) * A), Q: c.Q.slice(b * A, (b + 1) * A), de: Float32Array.of(c.de[row]!),
          dk0: c.dk0.slice(row * A, (row + 1) * A), dq0: c.dq0.slice(b * A, (b + 1) * A), B: 1, S: 1,
        };
        const alone = run(k, one, (x) => inKernelMemory(arena, x), { dk: true, dq: false, dv: false });
        expect(bits(alone.e), `e b=${b} s=${s} A=${A}`).toEqual([bits(big.e)[row]]);
        expect(bits(alone.T)).toEqual(bits(big.T.slice(row * A, (row + 1) * A)));
        expect(bits(alone.dk!)).toEqual(bits(big.dk!.slice(row * A, (row + 1) * A)));
      }
      // dquery[b] sums its own S rows in order: sentence b alone (B = 1) gives the same bits.
      for (const b of [0, 2, 3]) {
        const one: Case = {
          ...c, K: c.K.slice(b * S * A, (b + 1) * S * A), Q: c.Q.slice(b * A, (b + 1) * A), de: c.de.slice(b * S, (b + 1) * S),
          dk0: c.dk0.slice(b * S * A, (b + 1) * S * A), dq0: c.dq0.slice(b * A, (b + 1) * A), B: 1,
        };
        const alone = run(k, one, heap, { dk: false, dq: true, dv: false });
        expect(bits(alone.dq!), `dq b=${b} A=${A}`).toEqual(bits(big.dq!.slice(b * A, (b + 1) * A)));
      }
    }
  });

  it("falls back to the js reference for Float64Array storage", () => {
    const rand = seeded(5);
    const B = 2, S = 3, A = 5;
    const K = randomArray(Float64Array, B * S * A, rand), Q = randomArray(Float64Array, B * A, rand), v = randomArray(Float64Array, A, rand);
    const e1 = new Float64Array(B * S), e2 = new Float64Array(B * S);
    k.additiveEnergiesForward(K, Q, v, e1, new Float64Array(B * S * A), B, S, A);
    js.additiveEnergiesForward(K, Q, v, e2, new Float64Array(B * S * A), B, S, A);
    expect(Array.from(e1)).toEqual(Array.from(e2));
  });
});
