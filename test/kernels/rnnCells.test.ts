import { describe, expect, it } from "vitest";
import { jsKernels } from "../../src/kernels/index.js";
import { numericGrad, randomArray, seeded, worstRelErr } from "./helpers.js";

const K = jsKernels;
const sig = (x: number) => 1 / (1 + Math.exp(-x));

const B = 3, H = 5;

describe("gruCellForward", () => {
  it("matches the PyTorch GRU formulas (float32 and float64)", () => {
    const rand = seeded(1);
    for (const ctor of [Float32Array, Float64Array] as const) {
      const gi = randomArray(ctor, B * 3 * H, rand, -2, 2);
      const gh = randomArray(ctor, B * 3 * H, rand, -2, 2);
      const h = randomArray(ctor, B * H, rand);
      const hOut = new ctor(B * H);
      const cache = new ctor(B * 3 * H);
      K.gruCellForward(gi, gh, h, hOut, cache, B, H);
      const tol = ctor === Float32Array ? 1e-6 : 1e-14;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const g = b * 3 * H;
          const r = sig(gi[g + j]! + gh[g + j]!);
          const z = sig(gi[g + H + j]! + gh[g + H + j]!);
          const n = Math.tanh(gi[g + 2 * H + j]! + r * gh[g + 2 * H + j]!);
          const hp = (1 - z) * n + z * h[b * H + j]!;
          expect(Math.abs(hOut[b * H + j]! - hp)).toBeLessThan(tol);
          expect(Math.abs(cache[g + j]! - r)).toBeLessThan(tol);
          expect(Math.abs(cache[g + H + j]! - z)).toBeLessThan(tol);
          expect(Math.abs(cache[g + 2 * H + j]! - n)).toBeLessThan(tol);
        }
      }
    }
  });

  it("stays finite for pre-activations of ±1000", () => {
    const gi = new Float32Array(3 * H).map((_, i) => (i % 2 ? 1000 : -1000));
    const gh = new Float32Array(3 * H).map((_, i) => (i % 3 ? -1000 : 1000));
    const h = new Float32Array(H).fill(0.5);
    const hOut = new Float32Array(H);
    const cache = new Float32Array(3 * H);
    K.gruCellForward(gi, gh, h, hOut, cache, 1, H);
    expect(hOut.every(Number.isFinite)).toBe(true);
    expect(cache.every(Number.isFinite)).toBe(true);
    const dgi = new Float32Array(3 * H), dgh = new Float32Array(3 * H), dh = new Float32Array(H);
    K.gruCellBackward(new Float32Array(H).fill(1), cache, gh, h, dgi, dgh, dh, 1, H);
    expect([...dgi, ...dgh, ...dh].every(Number.isFinite)).toBe(true);
  });
});

describe("gruCellBackward vs finite differences (float64)", () => {
  const rand = seeded(2);
  const gi = randomArray(Float64Array, B * 3 * H, rand, -2, 2) as Float64Array;
  const gh = randomArray(Float64Array, B * 3 * H, rand, -2, 2) as Float64Array;
  const h = randomArray(Float64Array, B * H, rand) as Float64Array;
  const w = randomArray(Float64Array, B * H, rand) as Float64Array; // dL/dh'
  const hOut = new Float64Array(B * H);
  const cache = new Float64Array(B * 3 * H);
  const loss = () => {
    K.gruCellForward(gi, gh, h, hOut, cache, B, H);
    let s = 0;
    for (let i = 0; i < hOut.length; i++) s += w[i]! * hOut[i]!;
    return s;
  };
  const nGi = numericGrad(gi, loss);
  const nGh = numericGrad(gh, loss);
  const nH = numericGrad(h, loss);

  it("accumulates dgi, dgh, dh onto existing values", () => {
    loss();
    const s1 = randomArray(Float64Array, B * 3 * H, rand), s2 = randomArray(Float64Array, B * 3 * H, rand), s3 = randomArray(Float64Array, B * H, rand);
    const dgi = s1.slice(), dgh = s2.slice(), dh = s3.slice();
    K.gruCellBackward(w, cache, gh, h, dgi, dgh, dh, B, H);
    expect(worstRelErr(dgi.map((v, i) => v - s1[i]!), nGi, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
    expect(worstRelErr(dgh.map((v, i) => v - s2[i]!), nGh, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
    expect(worstRelErr(dh.map((v, i) => v - s3[i]!), nH, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
  });

  it("accepts null for any gradient it need not compute", () => {
    loss();
    for (const pick of [[true, false, false], [false, true, false], [false, false, true]]) {
      const dgi = pick[0] ? new Float64Array(B * 3 * H) : null;
      const dgh = pick[1] ? new Float64Array(B * 3 * H) : null;
      const dh = pick[2] ? new Float64Array(B * H) : null;
      K.gruCellBackward(w, cache, gh, h, dgi, dgh, dh, B, H);
      if (dgi) expect(worstRelErr(dgi, nGi, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
      if (dgh) expect(worstRelErr(dgh, nGh, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
      if (dh) expect(worstRelErr(dh, nH, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
    }
  });
});

describe("lstmCellForward", () => {
  it("matches the PyTorch LSTM formulas (float32 and float64)", () => {
    const rand = seeded(3);
    for (const ctor of [Float32Array, Float64Array] as const) {
      const gates = randomArray(ctor, B * 4 * H, rand, -2, 2);
      const c = randomArray(ctor, B * H, rand);
      const hc = new ctor(B * 2 * H);
      const cache = new ctor(B * 5 * H);
      K.lstmCellForward(gates, c, hc, cache, B, H);
      const tol = ctor === Float32Array ? 1e-6 : 1e-14;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const g = b * 4 * H;
          const ig = sig(gates[g + j]!), fg = sig(gates[g + H + j]!);
          const gg = Math.tanh(gates[g + 2 * H + j]!), og = sig(gates[g + 3 * H + j]!);
          const cNew = fg * c[b * H + j]! + ig * gg;
          const hNew = og * Math.tanh(cNew);
          expect(Math.abs(hc[b * 2 * H + j]! - hNew)).toBeLessThan(tol);
          expect(Math.abs(hc[b * 2 * H + H + j]! - cNew)).toBeLessThan(tol);
          const k = b * 5 * H;
          const want = [ig, fg, gg, og, Math.tanh(cNew)];
          for (let q = 0; q < 5; q++) expect(Math.abs(cache[k + q * H + j]! - want[q]!)).toBeLessThan(tol);
        }
      }
    }
  });

  it("stays finite for pre-activations of ±1000", () => {
    const gates = new Float32Array(4 * H).map((_, i) => (i % 2 ? 1000 : -1000));
    const c = new Float32Array(H).fill(3);
    const hc = new Float32Array(2 * H);
    const cache = new Float32Array(5 * H);
    K.lstmCellForward(gates, c, hc, cache, 1, H);
    expect(hc.every(Number.isFinite)).toBe(true);
    const dgates = new Float32Array(4 * H), dc = new Float32Array(H);
    K.lstmCellBackward(new Float32Array(2 * H).fill(1), cache, c, dgates, dc, 1, H);
    expect([...dgates, ...dc].every(Number.isFinite)).toBe(true);
  });
});

describe("lstmCellBackward vs finite differences (float64)", () => {
  const rand = seeded(4);
  const gates = randomArray(Float64Array, B * 4 * H, rand, -2, 2) as Float64Array;
  const c = randomArray(Float64Array, B * H, rand) as Float64Array;
  const w = randomArray(Float64Array, B * 2 * H, rand) as Float64Array; // dL/d(h', c')
  const hc = new Float64Array(B * 2 * H);
  const cache = new Float64Array(B * 5 * H);
  const loss = () => {
    K.lstmCellForward(gates, c, hc, cache, B, H);
    let s = 0;
    for (let i = 0; i < hc.length; i++) s += w[i]! * hc[i]!;
    return s;
  };
  const nGates = numericGrad(gates, loss);
  const nC = numericGrad(c, loss);

  it("accumulates dgates and dc onto existing values", () => {
    loss();
    const s1 = randomArray(Float64Array, B * 4 * H, rand), s2 = randomArray(Float64Array, B * H, rand);
    const dgates = s1.slice(), dc = s2.slice();
    K.lstmCellBackward(w, cache, c, dgates, dc, B, H);
    expect(worstRelErr(dgates.map((v, i) => v - s1[i]!), nGates, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
    expect(worstRelErr(dc.map((v, i) => v - s2[i]!), nC, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
  });

  it("accepts null for either gradient", () => {
    loss();
    const dgates = new Float64Array(B * 4 * H);
    K.lstmCellBackward(w, cache, c, dgates, null, B, H);
    expect(worstRelErr(dgates, nGates, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
    const dc = new Float64Array(B * H);
    K.lstmCellBackward(w, cache, c, null, dc, B, H);
    expect(worstRelErr(dc, nC, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
  });
});
