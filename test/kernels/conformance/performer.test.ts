/**
 * Conformance of the causal Performer prefix-sum kernels (performerCausalForward/Backward, C in
 * c/performer.c): the float64 state and every sum follow the reference's operations in its
 * order, so every fast set must give the js reference's bits — on edge shapes (one key, odd
 * value widths, S > T as when decoding, rows whose denominator is 0), in kernel memory and on
 * the JS heap, with absent gradient sinks, and for empty inputs.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { randomArray, seeded } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const arena = new Arena();
afterEach(() => arena.reset());

const f32 = (n: number, rand: () => number, lo: number, hi: number) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

interface Case { N: number; T: number; S: number; m: number; dv: number; fq: Float32Array; fk: Float32Array; v: Float32Array; g: Float32Array; dq0: Float32Array; dk0: Float32Array; dv0: Float32Array }

function makeCase(N: number, T: number, S: number, m: number, dv: number, seed: number, zeroRows = false): Case {
  const rand = seeded(seed);
  const fq = f32(N * T * m, rand, 0, 1); // feature maps are positive
  if (zeroRows) fq.fill(0, 0, m); // query 0 of row 0: denominator 0, zero output
  return {
    N, T, S, m, dv, fq, fk: f32(N * S * m, rand, 0, 1), v: f32(N * S * dv, rand, -1, 1), g: f32(N * T * dv, rand, -1, 1),
    dq0: f32(N * T * m, rand, -0.1, 0.1), dk0: f32(N * S * m, rand, -0.1, 0.1), dv0: f32(N * S * dv, rand, -0.1, 0.1),
  };
}

function run(k: Kernels, c: Case, place: (a: Float32Array) => Float32Array, sinks = { dq: true, dk: true, dv: true }) {
  const { N, T, S, m, dv } = c;
  const fq = place(c.fq), fk = place(c.fk), v = place(c.v);
  const out = place(new Float32Array(N * T * dv).fill(7)), den = new Float64Array(N * T).fill(7);
  k.performerCausalForward(fq, fk, v, out, den, N, T, S, m, dv, new Float64Array(m * dv + m));
  const dq = sinks.dq ? place(c.dq0) : null, dk = sinks.dk ? place(c.dk0) : null, dV = sinks.dv ? place(c.dv0) : null;
  k.performerCausalBackward(place(c.g), fq, fk, v, out, den, dq, dk, dV, N, T, S, m, dv, new Float64Array(m * dv + m), new Float64Array(dv + 1));
  return { out, den: Array.from(den), dq, dk, dv: dV };
}

// [N, T, S, m, dv]
const SHAPES: [number, number, number, number, number][] = [
  [1, 1, 1, 1, 1], [1, 1, 1, 3, 2], [2, 3, 3, 4, 3], [1, 5, 5, 7, 5], [3, 4, 4, 8, 8], [2, 9, 9, 16, 16],
  [1, 1, 6, 5, 9], [2, 2, 7, 6, 17], [1, 12, 12, 64, 16], [2, 7, 7, 3, 10],
];

describe.each(fastKernelSets())("performer prefix-sum kernels: $name", ({ kernels: k }) => {
  it("run the C kernels", () => {
    expect(k.performerCausalForward).not.toBe(reference.kernels.performerCausalForward);
    expect(k.performerCausalBackward).not.toBe(reference.kernels.performerCausalBackward);
  });

  it("give the js reference's bits on edge shapes, in kernel memory and on the heap", () => {
    let seed = 1;
    for (const [N, T, S, m, dv] of SHAPES) {
      const c = makeCase(N, T, S, m, dv, seed++, seed % 2 === 0);
      const want = run(reference.kernels, c, (a) => a.slice());
      const what = `N=${N} T=${T} S=${S} m=${m} dv=${dv}`;
      for (const got of [run(k, c, (a) => a.slice()), run(k, c, (a) => inKernelMemory(arena, a))]) {
        expect(bits(got.out), `out ${what}`).toEqual(bits(want.out));
        expect(got.den, `den ${what}`).toEqual(want.den);
        expect(bits(got.dq!), `dq ${what}`).toEqual(bits(want.dq!));
        expect(bits(got.dk!), `dk ${what}`).toEqual(bits(want.dk!));
        expect(bits(got.dv!), `dv ${what}`).toEqual(bits(want.dv!));
      }
    }
  });

  it("leaves absent sinks absent and handles empty inputs", () => {
    const c = makeCase(2, 5, 5, 6, 7, 42);
    const all = run(k, c, (a) => a.slice());
    const some = run(k, c, (a) => a.slice(), { dq: false, dk: true, dv: false });
    expect(some.dq).toBeNull();
    expect(bits(some.dk!)).toEqual(bits(all.dk!));
    const z = new Float32Array(0);
    k.performerCausalForward(z, z, z, z, new Float64Array(0), 0, 3, 3, 4, 4, new Float64Array(20));
    k.performerCausalBackward(z, z, z, z, z, new Float64Array(0), z, z, z, 1, 0, 0, 4, 4, new Float64Array(20), new Float64Array(5));
  });
});
