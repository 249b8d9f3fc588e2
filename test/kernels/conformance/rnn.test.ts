/**
 * Conformance of the fused GRU and LSTM cell kernels (gruCellForward/Backward,
 * lstmCellForward/Backward): every fast kernel set against the js reference within float32
 * tolerance on edge shapes (hidden = 1, odd, not a multiple of 4), with absent gradient sinks and
 * pre-activations of ±1000; bitwise identical whether the arrays live in kernel memory or on the
 * JS heap, bitwise reproducible, and independent of where a batch row sits.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { randomArray, seeded, worstRelErr } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const sets = fastKernelSets();
const js = reference.kernels;
const arena = new Arena();
afterEach(() => arena.reset());

const HIDDEN = [1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 64, 129];
const BATCH = [1, 3, 6];

const f32 = (n: number, rand: () => number, lo = -1, hi = 1) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;
const bits = (a: Float32Array | null) => (a ? Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (u, i) => (Number.isNaN(a[i]) ? 0x7fc00000 : u)) : null);
const heap = (a: Float32Array) => a.slice();
const mem = (a: Float32Array) => inKernelMemory(arena, a);

interface Case {
  B: number; H: number;
  gi: Float32Array; gh: Float32Array; h: Float32Array; dh: Float32Array; // GRU
  gates: Float32Array; c: Float32Array; dhc: Float32Array; // LSTM
  d3: Float32Array; d4: Float32Array; d1: Float32Array; // initial gradient contents (accumulation)
}

function makeCase(B: number, H: number, seed: number, scale = 3): Case {
  const rand = seeded(seed);
  return {
    B, H,
    gi: f32(B * 3 * H, rand, -scale, scale), gh: f32(B * 3 * H, rand, -scale, scale), h: f32(B * H, rand), dh: f32(B * H, rand),
    gates: f32(B * 4 * H, rand, -scale, scale), c: f32(B * H, rand, -2, 2), dhc: f32(B * 2 * H, rand),
    d3: f32(B * 3 * H, rand, -0.1, 0.1), d4: f32(B * 4 * H, rand, -0.1, 0.1), d1: f32(B * H, rand, -0.1, 0.1),
  };
}

type Sinks = { a: boolean; b: boolean; c: boolean };
const ALL: Sinks = { a: true, b: true, c: true };

function run(k: Kernels, x: Case, place: (a: Float32Array) => Float32Array, sinks: Sinks = ALL) {
  const { B, H } = x;
  const gi = place(x.gi), gh = place(x.gh), h = place(x.h), dh = place(x.dh);
  const hOut = place(new Float32Array(B * H).fill(NaN)), gCache = place(new Float32Array(B * 3 * H).fill(NaN));
  k.gruCellForward(gi, gh, h, hOut, gCache, B, H);
  const dgi = sinks.a ? place(x.d3) : null, dgh = sinks.b ? place(x.d3) : null, dhPrev = sinks.c ? place(x.d1) : null;
  k.gruCellBackward(dh, gCache, gh, h, dgi, dgh, dhPrev, B, H);
  const gates = place(x.gates), c = place(x.c), dhc = place(x.dhc);
  const hc = place(new Float32Array(B * 2 * H).fill(NaN)), lCache = place(new Float32Array(B * 5 * H).fill(NaN));
  k.lstmCellForward(gates, c, hc, lCache, B, H);
  const dgates = sinks.a ? place(x.d4) : null, dc = sinks.b ? place(x.d1) : null;
  k.lstmCellBackward(dhc, lCache, c, dgates, dc, B, H);
  return { hOut, gCache, dgi, dgh, dhPrev, hc, lCache, dgates, dc };
}
type Out = ReturnType<typeof run>;
const KEYS = ["hOut", "gCache", "dgi", "dgh", "dhPrev", "hc", "lCache", "dgates", "dc"] as const;

function expectClose(got: Out, want: Out, what: string, atol = 1e-6, rtol = 1e-5): void {
  for (const key of KEYS) {
    const g = got[key], w = want[key];
    if (w === null) {
      expect(g, `${key} ${what}`).toBeNull();
      continue;
    }
    expect(worstRelErr(g!, w, atol, rtol), `${key} ${what}`).toBeLessThanOrEqual(1);
  }
}

describe.each(sets)("recurrent cell kernels: $name", ({ kernels: k }) => {
  it("match the js reference on edge shapes", () => {
    let seed = 1;
    for (const H of HIDDEN) {
      for (const B of BATCH) {
        const x = makeCase(B, H, seed++);
        expectClose(run(k, x, heap), run(js, x, heap), `B=${B} H=${H}`);
      }
    }
  });

  it("leave absent gradient sinks alone and fill the present ones", () => {
    const x = makeCase(3, 7, 77);
    for (const sinks of [{ a: false, b: true, c: false }, { a: true, b: false, c: true }, { a: false, b: false, c: false }]) {
      expectClose(run(k, x, heap, sinks), run(js, x, heap, sinks), JSON.stringify(sinks));
    }
  });

  it("stay finite and match for pre-activations of ±1000", () => {
    const x = makeCase(2, 11, 5);
    for (const a of [x.gi, x.gh, x.gates]) for (let i = 0; i < a.length; i++) a[i] = i % 3 === 0 ? 1000 : i % 3 === 1 ? -1000 : a[i]!;
    const got = run(k, x, heap);
    for (const key of KEYS) expect(got[key]!.every(Number.isFinite), key).toBe(true);
    expectClose(got, run(js, x, heap), "±1000");
  });

  it("accept an empty batch", () => {
    const z = new Float32Array(0);
    k.gruCellForward(z, z, z, z, z, 0, 4);
    k.gruCellBackward(z, z, z, z, z, z, z, 0, 4);
    k.lstmCellForward(z, z, z, z, 0, 4);
    k.lstmCellBackward(z, z, z, z, z, 0, 4);
  });

  it("give the same bits in kernel memory and on the JS heap, run after run", () => {
    for (const [B, H] of [[3, 13], [2, 64], [5, 1]] as const) {
      const x = makeCase(B, H, B * H);
      const a = run(k, x, heap), b = run(k, x, mem), again = run(k, x, mem);
      for (const key of KEYS) {
        expect(bits(b[key]), key).toEqual(bits(a[key]));
        expect(bits(again[key]), key).toEqual(bits(a[key]));
      }
    }
  });

  it("give a batch row alone the bits it has inside the batch", () => {
    for (const H of [1, 5, 8, 13]) {
      const B = 5;
      const x = makeCase(B, H, 200 + H);
      const batch = run(k, x, heap);
      for (let b = 0; b < B; b++) {
        const row = (a: Float32Array, w: number) => a.slice(b * w * H, (b + 1) * w * H);
        const one = run(k, {
          B: 1, H, gi: row(x.gi, 3), gh: row(x.gh, 3), h: row(x.h, 1), dh: row(x.dh, 1),
          gates: row(x.gates, 4), c: row(x.c, 1), dhc: row(x.dhc, 2), d3: row(x.d3, 3), d4: row(x.d4, 4), d1: row(x.d1, 1),
        }, heap);
        const width: Record<(typeof KEYS)[number], number> = { hOut: 1, gCache: 3, dgi: 3, dgh: 3, dhPrev: 1, hc: 2, lCache: 5, dgates: 4, dc: 1 };
        for (const key of KEYS) expect(bits(one[key]), `${key} row ${b}`).toEqual(bits(row(batch[key]!, width[key])));
      }
    }
  });
});
