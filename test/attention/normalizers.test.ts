/**
 * The sparse normalisers (src/ops/entmax.ts, src/kernels/js/entmax.ts) against the papers:
 * reference values of the issue, the optimality conditions that define α-entmax (Peters et al.
 * 2019, eq. 6–9: a float64 reference written from the equations), masks and fully masked rows,
 * agreement of sort-based and bisection entmax, and finite-difference checks of the closed-form
 * gradients, ∂/∂α included (Correia et al. 2019, appendix A).
 */
import { describe, expect, it } from "vitest";
import { EntmaxNormalizer, preAlphaFor } from "../../src/attention/normalizers/entmax.js";
import { createNormalizer, NORMALIZER_REGISTRY } from "../../src/attention/registry.js";
import { noGrad } from "../../src/autograd/tape.js";
import { entmax15, entmaxBisect, reshape, sparsemax, sum } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectGradOk, gradCase, randMask, randn } from "../helpers/tensors.js";
import { NORMALIZERS } from "./helpers.js";

const X = [-2, 0, 0.5];

/** Row r of a [rows, cols] tensor. */
const rowOf = (t: Tensor, r: number, cols: number): number[] => Array.from(t.data.subarray(r * cols, r * cols + cols));

/**
 * α-entmax is the maximiser of pᵀz + H^T_α(p) over the simplex (Peters et al. 2019, eq. 6–8), whose
 * optimality conditions are p_i = [(α−1)z_i − τ]_+^{1/(α−1)} with one τ for the row (eq. 9): on
 * the support (α−1)z_i − p_i^{α−1} is the same τ, off it (α−1)z_i ≤ τ. Returns the largest
 * violation (0 for an exact solution), masked entries excluded and required to be exactly 0.
 */
function kktViolation(z: readonly number[], p: readonly number[], alpha: number, masked: readonly boolean[] = []): number {
  let tau = NaN;
  let worst = 0;
  z.forEach((zi, i) => {
    if (masked[i]) {
      if (p[i] !== 0) worst = Infinity;
    } else if (p[i]! > 0) {
      const t = (alpha - 1) * zi - Math.pow(p[i]!, alpha - 1);
      if (Number.isNaN(tau)) tau = t;
      worst = Math.max(worst, Math.abs(t - tau));
    }
  });
  z.forEach((zi, i) => {
    if (!masked[i] && p[i] === 0) worst = Math.max(worst, (alpha - 1) * zi - tau);
  });
  const total = p.reduce((a, b) => a + b, 0);
  return Math.max(worst, Math.abs(total - 1));
}

/** The three sparse normalisers as functions of (x, mask), with their α. */
const SPARSE: [string, number, (x: Tensor, m: Uint8Array | null) => Tensor][] = [
  ["sparsemax", 2, (x, m) => sparsemax(x, m)],
  ["entmax15", 1.5, (x, m) => entmax15(x, m)],
  ["entmax bisection, α = 1.3", 1.3, (x, m) => entmaxBisect(x, new Tensor(Float64Array.of(1.3), [1]), m)],
  ["entmax bisection, α = 3", 3, (x, m) => entmaxBisect(x, new Tensor(Float64Array.of(3), [1]), m)],
  // The threshold search takes Newton steps for α ≤ 2 and bisects above: both sides of the switch
  // and an α so close to 1 that the weights are [z − τ]^20.
  ["entmax bisection, α = 1.05", 1.05, (x, m) => entmaxBisect(x, new Tensor(Float64Array.of(1.05), [1]), m)],
  ["entmax bisection, α = 2", 2, (x, m) => entmaxBisect(x, new Tensor(Float64Array.of(2), [1]), m)],
  ["entmax bisection, α = 2.01", 2.01, (x, m) => entmaxBisect(x, new Tensor(Float64Array.of(2.01), [1]), m)],
];

describe("reference values (issue 10)", () => {
  it("x = [−2, 0, 0.5]: sparsemax = [0, 0.25, 0.75], entmax15 ≈ [0, 0.3260, 0.6740]", () => {
    withFloat64(() => {
      const x = Tensor.from(X, [1, 3]);
      expect(Array.from(sparsemax(x).data)).toEqual([0, 0.25, 0.75]);
      const e = Array.from(entmax15(x).data);
      expect(e[0]).toBe(0);
      expect(e[1]).toBeCloseTo(0.326, 4);
      expect(e[2]).toBeCloseTo(0.674, 4);
    });
  });

  it("bisection at α = 2 is sparsemax and at α = 1.5 agrees with sort-based entmax15 to 1e-6, on random rows too", () => {
    gradCase(3, (rng) => {
      const x = Tensor.from(X, [1, 3]);
      rowOf(entmaxBisect(x, Tensor.from([2], [1])), 0, 3).forEach((v, i) => expect(Math.abs(v - [0, 0.25, 0.75][i]!)).toBeLessThan(1e-12));
      const many = randn([40, 9], rng, 3);
      const sorted = entmax15(many).data;
      const bisect = entmaxBisect(many, Tensor.from([1.5], [1])).data;
      for (let i = 0; i < sorted.length; i++) expect(Math.abs(sorted[i]! - bisect[i]!)).toBeLessThan(1e-6);
      const sp = sparsemax(many).data;
      const b2 = entmaxBisect(many, Tensor.from([2], [1])).data;
      for (let i = 0; i < sp.length; i++) expect(Math.abs(sp[i]! - b2[i]!)).toBeLessThan(1e-6);
    });
  });

  it("α close to 1 approaches softmax", () => {
    withFloat64(() => {
      const p = entmaxBisect(Tensor.from(X, [1, 3]), Tensor.from([1.0001], [1])).data;
      const e = X.map(Math.exp);
      const z = e.reduce((a, b) => a + b, 0);
      e.forEach((v, i) => expect(Math.abs(p[i]! - v / z)).toBeLessThan(1e-3));
    });
  });
});

describe("α-entmax solves its defining equations (float64 reference from Peters et al. 2019)", () => {
  for (const [name, alpha, f] of SPARSE) {
    it(`${name}: rows with masks satisfy the optimality conditions, masked entries are exactly 0, fully masked rows are zeros`, () => {
      gradCase(11, (rng) => {
        const rows = 30;
        const cols = 7;
        const x = randn([rows, cols], rng, 2);
        const mask = randMask(rows * cols, rng, 0.3);
        mask.fill(1, 0, cols); // row 0 fully masked
        const p = f(x, mask);
        expect(rowOf(p, 0, cols)).toEqual(new Array(cols).fill(0));
        for (let r = 1; r < rows; r++) {
          const masked = Array.from(mask.subarray(r * cols, r * cols + cols), (m) => m === 1);
          if (masked.every(Boolean)) {
            expect(rowOf(p, r, cols)).toEqual(new Array(cols).fill(0));
            continue;
          }
          expect(kktViolation(rowOf(x, r, cols), rowOf(p, r, cols), alpha, masked), `row ${r}`).toBeLessThan(1e-9);
        }
        // Sparsity is real: some unmasked entries get exactly 0 (near α = 1 these logits leave
        // every weight positive, as softmax would).
        let zeros = 0;
        for (let i = 0; i < p.size; i++) if (!mask[i] && p.data[i] === 0) zeros++;
        if (alpha >= 1.3) expect(zeros).toBeGreaterThan(0);
        else expect(zeros).toBe(0);
      });
    });
  }

  it("float32: weights below the float32 normal range are exact zeros, rows sum to 1 within 1e-6, no NaN on ±1000 logits", () => {
    const x = Tensor.from([1000, -1000, 999.99, 0, -3, 0.5, 0.49, 0.2, 1e-3, 0, 0, 0], [4, 3]);
    for (const [name, , f] of SPARSE) {
      const p = f(x, null);
      for (let r = 0; r < 4; r++) {
        const row = rowOf(p, r, 3);
        expect(row.every((v) => v === 0 || v >= 1.1754943508222875e-38), name).toBe(true);
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1), name).toBeLessThan(1e-6);
      }
    }
  });

  it("a row's weights do not depend on its batch or on masked padding appended to it", () => {
    const rng = new Rng(4);
    const x = randn([5, 6], rng, 2);
    const padded = Tensor.zeros([5, 9]);
    const mask = new Uint8Array(45);
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 9; c++) {
        padded.data[r * 9 + c] = c < 6 ? x.data[r * 6 + c]! : 50;
        mask[r * 9 + c] = c < 6 ? 0 : 1;
      }
    }
    for (const [name, , f] of SPARSE) {
      const whole = f(x, null);
      const pad = f(padded, mask);
      const alone = f(reshape(Tensor.from(rowOf(x, 3, 6), [1, 6]), [1, 6]), null);
      for (let c = 0; c < 6; c++) {
        expect(pad.data[3 * 9 + c], name).toBe(whole.data[3 * 6 + c]);
        expect(alone.data[c], name).toBe(whole.data[3 * 6 + c]);
      }
    }
  });
});

/**
 * True when some unmasked entry of x lies within 0.05 of its row's support boundary
 * ((α−1)x_i = τ) under α-entmax with α = alphaOfRow(r): central differences would straddle a kink.
 */
function nearBoundary(x: Tensor, alphaOfRow: (r: number) => number, mask: Uint8Array | null): boolean {
  const [rows, cols] = x.shape as [number, number];
  for (let r = 0; r < rows; r++) {
    const alpha = alphaOfRow(r);
    const xs = rowOf(x, r, cols);
    const rowMask = mask ? mask.subarray(r * cols, r * cols + cols) : null;
    const ps = Array.from(noGrad(() => entmaxBisect(Tensor.from(xs, [1, cols]), Tensor.from([alpha], [1]), rowMask)).data);
    const on = ps.findIndex((v) => v > 0);
    if (on < 0) continue;
    const tau = (alpha - 1) * xs[on]! - Math.pow(ps[on]!, alpha - 1);
    if (xs.some((v, i) => !rowMask?.[i] && Math.abs((alpha - 1) * v - tau) < 0.05)) return true;
  }
  return false;
}

/** Random [rows, cols] inputs on one smooth piece of the normaliser (redrawn until nearBoundary is false). */
function smoothInput(rng: Rng, rows: number, cols: number, alphaOfRow: (r: number) => number, mask: Uint8Array | null): Tensor {
  for (let tries = 0; tries < 500; tries++) {
    const x = randn([rows, cols], rng, 1.5);
    if (!nearBoundary(x, alphaOfRow, mask)) return x;
  }
  throw new Error("no input away from the support boundary");
}

describe("gradient checks (float64, closed-form backward vs central differences)", () => {
  it("sparsemax and entmax15, with a mask and a fully masked row", () => {
    gradCase(21, (rng) => {
      const mask = randMask(4 * 6, rng, 0.25);
      mask.fill(1, 18, 24);
      const a = smoothInput(rng, 4, 6, () => 2, mask);
      expectGradOk(() => sparsemax(a, mask), [a]);
      const b = smoothInput(rng, 4, 6, () => 1.5, mask);
      expectGradOk(() => entmax15(b, mask), [b]);
    });
  });

  it("entmax bisection: ∂/∂x and ∂/∂α, one α per head (rows grouped [batch·heads, rowsPerHead, S])", () => {
    gradCase(22, (rng) => {
      // 2 sentences × 3 heads × 2 rows per head, 5 keys; α per head.
      const alphas = [1.3, 1.7, 2.4];
      const alpha = Tensor.from(alphas, [3]);
      const mask = randMask(12 * 5, rng, 0.2);
      const x = smoothInput(rng, 12, 5, (r) => alphas[Math.floor(r / 2) % 3]!, mask);
      alpha.requiresGrad = true;
      expectGradOk(() => entmaxBisect(x, alpha, mask, 2), [x, alpha], { atol: 1e-6, rtol: 1e-4 });
    });
  });

  it("the learned α of EntmaxNormalizer: gradients reach pre_alpha through α = 1.01 + softplus(a)", () => {
    gradCase(23, (rng) => {
      const norm = new EntmaxNormalizer(1.6, true, 2, null);
      const x = smoothInput(rng, 4, 5, () => 1.6, null);
      const params = norm.parameters();
      expect(norm.namedParameters().map(([n]) => n)).toEqual(["pre_alpha"]);
      expectGradOk(() => norm.weights(x, null, 1), [x, ...params], { atol: 1e-6, rtol: 1e-4 });
      const a = Array.from(norm.alpha().data);
      a.forEach((v) => expect(v).toBeCloseTo(1.6, 12));
      expect(preAlphaFor(1.01 + Math.log1p(Math.exp(0.3)))).toBeCloseTo(0.3, 12);
    });
  });
});

describe("every registered normaliser (registry-derived)", () => {
  it("lists exactly the registry's entries", () => {
    expect([...NORMALIZERS]).toEqual(Object.keys(NORMALIZER_REGISTRY));
  });

  for (const name of NORMALIZERS) {
    it(`${name}: a distribution over the unmasked positions, zeros elsewhere, a fully masked row gives zeros, backward is finite`, () => {
      const rng = new Rng(31);
      const norm = createNormalizer({ normalizer: name }, 1);
      expect(norm.kind).toBe(name);
      const x = randn([6, 5], rng, 2);
      x.requiresGrad = true;
      const mask = randMask(30, rng, 0.3);
      mask.fill(1, 25, 30);
      const w = norm.weights(x, mask);
      for (let r = 0; r < 6; r++) {
        const row = rowOf(w, r, 5);
        row.forEach((v, c) => (mask[r * 5 + c] ? expect(v).toBe(0) : expect(v).toBeGreaterThanOrEqual(0)));
        const total = row.reduce((a, b) => a + b, 0);
        if (r === 5) expect(total).toBe(0);
        else if (Array.from(mask.subarray(r * 5, r * 5 + 5)).some((m) => m === 0)) expect(Math.abs(total - 1)).toBeLessThan(1e-6);
      }
      sum(w).backward();
      expect(Array.from(x.grad!).every(Number.isFinite)).toBe(true);
      for (let i = 0; i < 30; i++) if (mask[i]) expect(x.grad![i]).toBe(0);
    });
  }
});
