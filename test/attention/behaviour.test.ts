import { describe, expect, it } from "vitest";
import { GeneralScore } from "../../src/attention/general.js";
import { MultiheadCrossAttention } from "../../src/attention/multiheadCross.js";
import { composeAttention, createAttention, createScore, SCORE_REGISTRY, scoreEntry } from "../../src/attention/registry.js";
import { matmul, sum } from "../../src/ops/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import {
  dimsFor,
  gaussian,
  lengthsFromMask,
  localPCentre,
  makeAttention,
  maskFromLengths,
  predictedPositions,
  runAttention,
  SCOPES,
  SCORE_KINDS,
} from "./helpers.js";

const S = 7;
const LENGTHS = [7, 4, 1];
const B = LENGTHS.length;

/** Weight row b as plain numbers. */
function row(weights: Tensor, b: number): number[] {
  const n = weights.shape[1]!;
  return Array.from(weights.data.subarray(b * n, b * n + n));
}

/** Positions of row b with a nonzero weight. */
function support(weights: Tensor, b: number): number[] {
  return row(weights, b).flatMap((w, s) => (w !== 0 ? [s] : []));
}

describe("Attention weights", () => {
  for (const kind of SCORE_KINDS) {
    for (const scope of SCOPES) {
      it(`${kind}, ${scope}: padding gets exactly 0, rows sum to 1, padded keys get no gradient`, () => {
        const { dq, dk } = dimsFor(kind);
        const attn = makeAttention(kind, scope, dq, dk, 2, { window: 2 });
        const rng = new Rng(9);
        const query = gaussian([B, dq], rng, 3);
        const keys = gaussian([B, S, dk], rng, 3);
        keys.requiresGrad = true;
        for (const step of [0, 3, 6, 9]) {
          const { weights, context } = runAttention(attn, query, keys, LENGTHS, step);
          expect(weights.shape).toEqual([B, S]);
          expect(context.shape).toEqual([B, dk]);
          LENGTHS.forEach((len, b) => {
            const w = row(weights, b);
            for (let s = len; s < S; s++) expect(w[s], `row ${b} pad ${s} at step ${step}`).toBe(0);
            expect(Math.abs(w.reduce((a, x) => a + x, 0) - 1), `row ${b} sum at step ${step}`).toBeLessThanOrEqual(1e-6);
            expect(w.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
          });
          if (step === 0) {
            sum(context).backward();
            LENGTHS.forEach((len, b) => {
              for (let s = len; s < S; s++) {
                for (let d = 0; d < dk; d++) expect(keys.grad![(b * S + s) * dk + d], `d_keys at pad (${b}, ${s})`).toBe(0);
              }
            });
            expect(Array.from(keys.grad!).every(Number.isFinite)).toBe(true);
            keys.grad = null;
          }
        }
      });
    }
  }

  it("global: the context is the weighted sum of the keys", () => {
    const attn = makeAttention("general", "global", 3, 4, 1);
    const rng = new Rng(2);
    const keys = gaussian([B, S, 4], rng);
    const { weights, context } = runAttention(attn, gaussian([B, 3], rng), keys, LENGTHS, 0);
    for (let b = 0; b < B; b++) {
      for (let d = 0; d < 4; d++) {
        let c = 0;
        for (let s = 0; s < S; s++) c += weights.data[b * S + s]! * keys.data[(b * S + s) * 4 + d]!;
        expect(context.data[b * 4 + d]).toBeCloseTo(c, 5);
      }
    }
  });
});

describe("local-m", () => {
  it("gives zero weight outside [t − D, t + D], clipped at each sentence's end", () => {
    for (const D of [0, 1, 2]) {
      const attn = makeAttention("additive", "local-m", 3, 4, 5, { window: D });
      const rng = new Rng(6);
      const query = gaussian([B, 3], rng);
      const keys = gaussian([B, S, 4], rng);
      for (let t = 0; t < S + 3; t++) {
        const { weights } = runAttention(attn, query, keys, LENGTHS, t);
        LENGTHS.forEach((len, b) => {
          // Beyond the sentence, the window is centred at its last real position.
          const c = Math.min(t, len - 1);
          const want: number[] = [];
          for (let s = Math.max(0, c - D); s <= Math.min(len - 1, c + D); s++) want.push(s);
          // Additive weights inside the window are strictly positive, so the support is the window.
          expect(support(weights, b), `D=${D} t=${t} row ${b}`).toEqual(want);
        });
      }
    }
  });

  it("inside the window, equals the global softmax renormalised over the window", () => {
    const D = 1;
    const local = makeAttention("dot", "local-m", 4, 4, 1, { window: D });
    const global = makeAttention("dot", "global", 4, 4, 1);
    const rng = new Rng(3);
    const query = gaussian([B, 4], rng);
    const keys = gaussian([B, S, 4], rng);
    const g = runAttention(global, query, keys, LENGTHS, 0).weights;
    const l = runAttention(local, query, keys, LENGTHS, 2).weights;
    LENGTHS.forEach((len, b) => {
      const c = Math.min(2, len - 1);
      let z = 0;
      for (let s = Math.max(0, c - D); s <= Math.min(len - 1, c + D); s++) z += g.data[b * S + s]!;
      for (let s = Math.max(0, c - D); s <= Math.min(len - 1, c + D); s++) {
        expect(l.data[b * S + s]).toBeCloseTo(g.data[b * S + s]! / z, 6);
      }
    });
  });
});

describe("local-p", () => {
  it("gives zero weight outside [round(p_t) − D, round(p_t) + D] and applies the Gaussian of σ = D/2", () => {
    const D = 2;
    const sigma = D / 2;
    for (const kind of SCORE_KINDS) {
      const { dq, dk } = dimsFor(kind);
      const attn = makeAttention(kind, "local-p", dq, dk, 8, { window: D });
      const rng = new Rng(10);
      for (let trial = 0; trial < 5; trial++) {
        const query = gaussian([B, dq], rng, 2);
        const keys = gaussian([B, S, dk], rng);
        const { weights } = runAttention(attn, query, keys, LENGTHS, 0);
        const p = predictedPositions(attn, query, LENGTHS);
        const energies = attn.score.energies(query, attn.score.prepareKeys(keys)).data;
        LENGTHS.forEach((len, b) => {
          expect(p[b]).toBeGreaterThanOrEqual(0);
          expect(p[b]).toBeLessThanOrEqual(len);
          const c = localPCentre(p[b]!, len);
          const lo = Math.max(0, c - D);
          const hi = Math.min(len - 1, c + D);
          // Reference: softmax over the window of e_s − (s − p_t)² / 2σ².
          const z: number[] = [];
          for (let s = lo; s <= hi; s++) z.push(energies[b * S + s]! - (s - p[b]!) ** 2 / (2 * sigma * sigma));
          const m = Math.max(...z);
          const ez = z.map((x) => Math.exp(x - m));
          const total = ez.reduce((a, x) => a + x, 0);
          const w = row(weights, b);
          for (let s = 0; s < S; s++) {
            if (s < lo || s > hi) expect(w[s], `${kind} row ${b} outside the window at ${s} (p=${p[b]})`).toBe(0);
            else expect(w[s]).toBeCloseTo(ez[s - lo]! / total, 5);
          }
        });
      }
    }
  });

  it("moves its predicted centre when the query changes", () => {
    const D = 1;
    const attn = makeAttention("dot", "local-p", 4, 4, 12, { window: D });
    const rng = new Rng(13);
    const keys = gaussian([1, S, 4], rng);
    // tanh is odd, so the predictor's pre-sigmoid value flips sign with the query and
    // p(−q) = S − p(q): a query whose p is far from S/2 and its negation have different centres.
    let q: Tensor | null = null;
    for (let tries = 0; tries < 100 && !q; tries++) {
      const cand = gaussian([1, 4], rng, 3);
      if (Math.abs(predictedPositions(attn, cand, [S])[0]! - S / 2) > 1) q = cand;
    }
    expect(q, "a query with p_t away from the middle").not.toBeNull();
    const negq = Tensor.from(Array.from(q!.data, (x) => -x), [1, 4]);
    const [p1] = predictedPositions(attn, q!, [S]);
    const [p2] = predictedPositions(attn, negq, [S]);
    expect(p1! + p2!).toBeCloseTo(S, 5);
    const c1 = localPCentre(p1!, S);
    const c2 = localPCentre(p2!, S);
    expect(c1).not.toBe(c2);
    const w1 = runAttention(attn, q!, keys, [S], 0).weights;
    const w2 = runAttention(attn, negq, keys, [S], 0).weights;
    const inWindow = (c: number): number[] => [c - 1, c, c + 1].filter((s) => s >= 0 && s < S);
    expect(support(w1, 0)).toEqual(inWindow(c1));
    expect(support(w2, 0)).toEqual(inWindow(c2));
    // The step does not move local-p's window; only the query does.
    expect(support(runAttention(attn, q!, keys, [S], 5).weights, 0)).toEqual(inWindow(c1));
  });

  it("needs a window of at least 1", () => {
    expect(() => makeAttention("dot", "local-p", 4, 4, 1, { window: 0 })).toThrow(/local-p needs a window of at least 1/);
  });
});

describe("sentences of length 1", () => {
  for (const kind of SCORE_KINDS) {
    for (const scope of SCOPES) {
      it(`${kind}, ${scope}: all weight on the only word, context = its key, backward runs`, () => {
        const { dq, dk } = dimsFor(kind);
        const attn = makeAttention(kind, scope, dq, dk, 4, { window: 1 });
        const rng = new Rng(5);
        // A batch mixing a length-1 sentence with a longer one, and a batch of one word alone.
        for (const [lengths, width] of [[[1, 3], 3], [[1], 1]] as const) {
          const query = gaussian([lengths.length, dq], rng);
          query.requiresGrad = true;
          const keys = gaussian([lengths.length, width, dk], rng);
          for (const step of [0, 2]) {
            const { weights, context } = runAttention(attn, query, keys, lengths, step);
            expect(row(weights, 0)).toEqual([1, ...new Array<number>(width - 1).fill(0)]);
            expect(Array.from(context.data.subarray(0, dk))).toEqual(Array.from(keys.data.subarray(0, dk)));
          }
          const { context } = runAttention(attn, query, keys, lengths, 0);
          sum(context).backward();
          expect(Array.from(query.grad!).every(Number.isFinite)).toBe(true);
        }
      });
    }
  }
});

describe("scores", () => {
  it("scaled-dot is the dot score divided by √d", () => {
    const rng = new Rng(1);
    const dot = createScore("dot", 4, 4, { size: 1, rank: 1 }, rng);
    const scaled = createScore("scaled-dot", 4, 4, { size: 1, rank: 1 }, rng);
    const query = gaussian([2, 4], rng);
    const keys = gaussian([2, 5, 4], rng);
    const e = dot.energies(query, dot.prepareKeys(keys)).data;
    const es = scaled.energies(query, scaled.prepareKeys(keys)).data;
    for (let i = 0; i < e.length; i++) expect(es[i]).toBeCloseTo(e[i]! / 2, 6);
  });

  it("bilinear equals the general score with W = U Vᵀ", () => {
    const rng = new Rng(2);
    const bilinear = createScore("bilinear", 3, 4, { size: 1, rank: 2 }, rng);
    const general = new GeneralScore(3, 4, rng);
    const named = new Map(bilinear.namedParameters());
    const W = matmul(named.get("U")!, named.get("V")!, { transB: true });
    general.loadStateDict({ W });
    const query = gaussian([2, 3], rng);
    const keys = gaussian([2, 5, 4], rng);
    const e = general.energies(query, general.prepareKeys(keys)).data;
    const eb = bilinear.energies(query, bilinear.prepareKeys(keys)).data;
    for (let i = 0; i < e.length; i++) expect(eb[i]).toBeCloseTo(e[i]!, 5);
  });
});

describe("registry", () => {
  it("every entry builds its decoder attention: composed scores a module of their kind, multihead a whole attention", () => {
    for (const kind of Object.keys(SCORE_REGISTRY)) {
      const entry = scoreEntry(kind);
      const { dq, dk } = entry.score ? dimsFor(kind) : { dq: 4, dk: 6 };
      const spec = { score: kind, scope: "global", window: 1, size: 3, rank: 2, normalizer: "softmax" };
      const attn = createAttention({ queryDim: dq, keyDim: dk, spec, heads: 2, dropout: 0, rng: new Rng(1) });
      expect(attn.contextSize, kind).toBe(entry.contextSize(dq, dk));
      if (entry.score) {
        expect(createScore(kind, dq, dk, { size: 3, rank: 2 }, new Rng(1)).kind).toBe(kind);
        expect(SCORE_KINDS).toContain(kind);
      } else {
        expect(attn).toBeInstanceOf(MultiheadCrossAttention);
        expect(() => createScore(kind, dq, dk, { size: 3, rank: 2 }, new Rng(1))).toThrow(/a whole attention/);
      }
    }
  });

  it("rejects an unknown name, listing the valid ones", () => {
    let message = "";
    try {
      createScore("multiplicative", 4, 4, { size: 3, rank: 2 }, new Rng(1));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/unknown attention score "multiplicative"/);
    for (const kind of SCORE_KINDS) expect(message).toContain(kind);
  });

  it("dot and scaled-dot reject unequal query and key sizes", () => {
    for (const kind of ["dot", "scaled-dot"]) {
      expect(() => createScore(kind, 3, 4, { size: 3, rank: 2 }, new Rng(1))).toThrow(new RegExp(`"${kind}" needs equal query and key sizes; got 3 and 4`));
    }
  });
});

describe("parameter names", () => {
  const SCORE_PARAMS: Record<string, Record<string, number[]>> = {
    additive: { "score.query_proj.weight": [5, 3], "score.key_proj.weight": [5, 4], "score.v": [5] },
    dot: {},
    "scaled-dot": {},
    general: { "score.W": [3, 4] },
    bilinear: { "score.U": [3, 2], "score.V": [4, 2] },
    concat: { "score.W": [5, 7], "score.v": [5] },
  };
  for (const kind of SCORE_KINDS) {
    it(`${kind}: names and shapes, with the local-p predictor only under local-p`, () => {
      // Unequal sizes except where the score forbids them.
      const dq = kind === "dot" || kind === "scaled-dot" ? 4 : 3;
      for (const scope of SCOPES) {
        const attn = makeAttention(kind, scope, dq, 4, 1, { size: 5, rank: 2 });
        const want: Record<string, number[]> = { ...SCORE_PARAMS[kind] };
        if (scope === "local-p") {
          want["position_proj.weight"] = [5, dq];
          want.position_v = [5, 1];
        }
        const got = Object.fromEntries(attn.namedParameters().map(([n, t]) => [n, [...t.shape]]));
        expect(got, `${kind} ${scope}`).toEqual(want);
        // A state dict round-trips through the names.
        attn.loadStateDict(attn.stateDict());
      }
    });
  }
});

describe("Attention.prepare", () => {
  it("rejects a mask or lengths that do not fit the keys", () => {
    const attn = composeAttention(createScore("dot", 4, 4, { size: 1, rank: 1 }, new Rng(1)), { queryDim: 4, keyDim: 4, spec: { scope: "global", window: 0, size: 1, normalizer: "softmax" }, rng: new Rng(2) });
    const keys = Tensor.zeros([2, 3, 4]);
    expect(() => attn.prepare(keys, new Uint8Array(5), new Int32Array(2))).toThrow(/Attention.prepare/);
    expect(() => attn.prepare(keys, new Uint8Array(6), new Int32Array(3))).toThrow(/Attention.prepare/);
  });

  it("mask helpers agree: lengths from a right-padded mask", () => {
    const mask = maskFromLengths([3, 1, 2], 3);
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 1]);
    expect(Array.from(lengthsFromMask(mask, 3, 3))).toEqual([3, 1, 2]);
  });
});
