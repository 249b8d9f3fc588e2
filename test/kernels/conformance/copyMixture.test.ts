/**
 * Conformance of the pointer-generator mixture kernels (copyMixtureForward/Backward, C in
 * c/copymix.c, float64 per row like the reference): every fast set against the js reference
 * within float32 rounding on edge shapes (vocab 1, odd sizes, extended words, padding ids, gates
 * far from 0, words no row can produce), −∞ exactly where the reference has it, bitwise the same
 * in kernel memory and on the JS heap and run to run, and a row's bits independent of the batch.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { randomArray, seeded, worstRelErr } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const arena = new Arena();
afterEach(() => arena.reset());

const f32 = (n: number, rand: () => number, lo: number, hi: number) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

interface Case { rows: number; vocab: number; srcLen: number; extended: number; logits: Float32Array; gate: Float32Array; weights: Float32Array; ids: Int32Array; rowSentence: Int32Array; dOut: Float32Array; dl0: Float32Array; dg0: Float32Array; dw0: Float32Array }

function makeCase(sentences: number, perSentence: number, vocab: number, srcLen: number, extra: number, seed: number, gateScale = 2): Case {
  const rand = seeded(seed);
  const rows = sentences * perSentence, extended = vocab + extra;
  const ids = new Int32Array(sentences * srcLen);
  for (let i = 0; i < ids.length; i++) ids[i] = rand() < 0.15 ? -1 : Math.floor(rand() * (extended + 0.999)) % extended;
  const rowSentence = Int32Array.from({ length: rows }, (_, r) => Math.floor(r / perSentence));
  const dOut = f32(rows * extended, rand, -1, 1);
  return {
    rows, vocab, srcLen, extended, ids, rowSentence, dOut,
    logits: f32(rows * vocab, rand, -4, 4), gate: f32(rows, rand, -gateScale, gateScale), weights: f32(rows * srcLen, rand, 0, 0.5),
    dl0: f32(rows * vocab, rand, -0.1, 0.1), dg0: f32(rows, rand, -0.1, 0.1), dw0: f32(rows * srcLen, rand, -0.1, 0.1),
  };
}

function run(k: Kernels, c: Case, place: (a: Float32Array) => Float32Array) {
  const { rows, vocab, srcLen, extended } = c;
  const logits = place(c.logits), gate = place(c.gate), weights = place(c.weights);
  const out = place(new Float32Array(rows * extended).fill(7));
  k.copyMixtureForward(logits, gate, weights, c.ids, c.rowSentence, out, rows, vocab, srcLen, extended);
  // −∞ outputs get no gradient from the loss; keep dOut finite there as a loss would.
  const dl = place(c.dl0), dg = place(c.dg0), dw = place(c.dw0);
  k.copyMixtureBackward(logits, gate, weights, c.ids, c.rowSentence, place(c.dOut), dl, dg, dw, rows, vocab, srcLen, extended);
  return { out, dl, dg, dw };
}

const SHAPES: [number, number, number, number, number][] = [
  // sentences, rows per sentence, vocab, srcLen, extra words
  [1, 1, 1, 1, 0], [1, 1, 1, 2, 1], [1, 2, 3, 3, 2], [2, 3, 7, 5, 3], [3, 1, 16, 9, 4], [2, 2, 33, 17, 5], [1, 4, 257, 12, 7], [2, 3, 1000, 31, 6],
];

describe.each(fastKernelSets())("copy-mixture kernels: $name", ({ kernels: k }) => {
  it("run the C kernels", () => {
    expect(k.copyMixtureForward).not.toBe(reference.kernels.copyMixtureForward);
    expect(k.copyMixtureBackward).not.toBe(reference.kernels.copyMixtureBackward);
  });

  it.each([2, 30])("match the js reference within float32 rounding on edge shapes (gate scale %d)", (gateScale) => {
    let seed = 1;
    for (const [B, G, V, S, X] of SHAPES) {
      const c = makeCase(B, G, V, S, X, seed++, gateScale);
      const want = run(reference.kernels, c, (a) => a.slice());
      const got = run(k, c, (a) => a.slice());
      const what = `B=${B} G=${G} V=${V} S=${S} extra=${X}`;
      for (let i = 0; i < want.out.length; i++) if (want.out[i] === -Infinity) expect(got.out[i], `−∞ at ${i} ${what}`).toBe(-Infinity);
      const finite = (a: Float32Array, ref: Float32Array) => Float32Array.from(a, (v, i) => (ref[i] === -Infinity ? 0 : v));
      expect(worstRelErr(finite(got.out, want.out), finite(want.out, want.out), 1e-6, 1e-6), `out ${what}`).toBeLessThanOrEqual(1);
      expect(worstRelErr(got.dl, want.dl, 1e-6, 1e-5), `dlogits ${what}`).toBeLessThanOrEqual(1);
      expect(worstRelErr(got.dg, want.dg, 1e-5, 1e-5), `dgate ${what}`).toBeLessThanOrEqual(1);
      expect(worstRelErr(got.dw, want.dw, 1e-6, 1e-5), `dweights ${what}`).toBeLessThanOrEqual(1);
    }
  });

  it("is bitwise reproducible, the same in kernel memory and on the heap, and a row's bits do not depend on the batch", () => {
    const c = makeCase(3, 2, 50, 11, 4, 77);
    const a = run(k, c, (x) => x.slice()), b = run(k, c, (x) => x.slice()), m = run(k, c, (x) => inKernelMemory(arena, x));
    for (const key of ["out", "dl", "dg", "dw"] as const) {
      expect(bits(b[key]), key).toEqual(bits(a[key]));
      expect(bits(m[key]), key).toEqual(bits(a[key]));
    }
    // Row 3 (sentence 1) alone: the same bits as inside the batch.
    const r = 3, { vocab: V, srcLen: S, extended: E } = c;
    const one: typeof c = {
      ...c, rows: 1, logits: c.logits.slice(r * V, (r + 1) * V), gate: c.gate.slice(r, r + 1), weights: c.weights.slice(r * S, (r + 1) * S),
      ids: c.ids.slice(S, 2 * S), rowSentence: Int32Array.of(0), dOut: c.dOut.slice(r * E, (r + 1) * E),
      dl0: c.dl0.slice(r * V, (r + 1) * V), dg0: c.dg0.slice(r, r + 1), dw0: c.dw0.slice(r * S, (r + 1) * S),
    };
    const alone = run(k, one, (x) => x.slice());
    expect(bits(alone.out)).toEqual(bits(a.out.subarray(r * E, (r + 1) * E)));
    expect(bits(alone.dl)).toEqual(bits(a.dl.subarray(r * V, (r + 1) * V)));
    expect(bits(alone.dw)).toEqual(bits(a.dw.subarray(r * S, (r + 1) * S)));
    expect(bits(alone.dg)).toEqual(bits(a.dg.subarray(r, r + 1)));
  });
});
