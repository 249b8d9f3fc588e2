import { describe, expect, it } from "vitest";
import { withKernels } from "../../src/kernels/index.js";
import { fastKernelSets, reference } from "../kernels/sets.js";
import { add, crossEntropy, matmul, outputLayerLoss, reshape, type CrossEntropyOptions } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { Arena } from "../../src/tensor/storage.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { expectClose } from "../helpers/fixtures.js";
import { expectGradOk, gradCase, randn } from "../helpers/tensors.js";

/**
 * The fused output layer against the ops it replaces, crossEntropy(h · Wᵀ + b): the same loss and
 * gradients (float32, on every kernel set, against a float64 evaluation of the composed ops, which
 * is what the PyTorch fixtures pin crossEntropy and matmul to), with padding rows, label
 * smoothing and both reductions; plus float64 gradient checks on the reference path.
 */

const PAD = 0;

interface Problem { h: number[]; w: number[]; b: number[]; hShape: number[]; V: number; D: number; targets: Int32Array }

/** Hidden states [B, T, D] with trailing padding per sentence (target 0), a projection [V, D] and bias [V]. */
function problem(B: number, T: number, D: number, V: number, seed: number): Problem {
  const rng = new Rng(seed);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const len = 1 + Math.floor(rng.next() * T);
    for (let t = 0; t < T; t++) targets[b * T + t] = t < len ? 1 + Math.floor(rng.next() * (V - 1)) : PAD;
  }
  const arr = (n: number, s: number) => Array.from({ length: n }, () => rng.normal() * s);
  return { h: arr(B * T * D, 1), w: arr(V * D, 1 / Math.sqrt(D)), b: arr(V, 0.5), hShape: [B, T, D], V, D, targets };
}

interface Result { loss: number; dh: ArrayLike<number>; dw: ArrayLike<number>; db: ArrayLike<number> }

function evaluate(p: Problem, opts: CrossEntropyOptions, fused: boolean): Result {
  const h = Tensor.from(p.h, p.hShape, true);
  const w = Tensor.from(p.w, [p.V, p.D], true);
  const b = Tensor.from(p.b, [p.V], true);
  const loss = fused
    ? outputLayerLoss(h, w, b, p.targets, opts)
    : crossEntropy(add(matmul(reshape(h, [p.targets.length, p.D]), w, { transB: true }), b), p.targets, opts);
  loss.backward();
  return { loss: loss.item(), dh: h.grad!, dw: w.grad!, db: b.grad! };
}

const OPTIONS: Array<[string, CrossEntropyOptions]> = [
  ["mean", { ignoreIndex: PAD }],
  ["sum", { ignoreIndex: PAD, reduction: "sum" }],
  ["mean, label smoothing 0.1", { ignoreIndex: PAD, labelSmoothing: 0.1 }],
  ["sum, label smoothing 0.2", { ignoreIndex: PAD, labelSmoothing: 0.2, reduction: "sum" }],
  ["mean, no padding index", { labelSmoothing: 0.1 }],
];

describe("outputLayerLoss", () => {
  for (const [label, opts] of OPTIONS) {
    it(`matches crossEntropy(h·Wᵀ + b) on every kernel set: ${label}`, () => {
      const p = problem(3, 7, 19, 37, 1);
      const want = withFloat64(() => evaluate(p, opts, false));
      for (const { name, kernels: k } of [reference, ...fastKernelSets()]) {
        const fused = withKernels(k, () => evaluate(p, opts, true));
        const composed = withKernels(k, () => evaluate(p, opts, false));
        for (const got of [fused, composed]) {
          const what = `${name} ${got === fused ? "fused" : "composed"}`;
          expectClose([got.loss], [want.loss], `${what} loss`);
          expectClose(got.dh, want.dh, `${what} dh`);
          expectClose(got.dw, want.dw, `${what} dW`);
          expectClose(got.db, want.db, `${what} db`);
        }
      }
    });
  }

  it("matches at a realistic shape ([96, 64] × [64, 517], a third padding)", () => {
    const p = problem(8, 12, 64, 517, 2);
    const opts: CrossEntropyOptions = { ignoreIndex: PAD, labelSmoothing: 0.1 };
    const want = withFloat64(() => evaluate(p, opts, false));
    const got = evaluate(p, opts, true);
    expectClose([got.loss], [want.loss], "loss");
    expectClose(got.dh, want.dh, "dh");
    expectClose(got.dw, want.dw, "dW");
    expectClose(got.db, want.db, "db");
  });

  it("is bitwise reproducible, in kernel memory (a step arena) and on the JS heap alike", () => {
    const p = problem(4, 6, 24, 53, 6);
    const opts: CrossEntropyOptions = { ignoreIndex: PAD, labelSmoothing: 0.1 };
    const bits = (r: Result) => [r.loss, ...Array.from(r.dh), ...Array.from(r.dw), ...Array.from(r.db)];
    const arena = new Arena();
    for (const { name, kernels: k } of [reference, ...fastKernelSets()]) {
      withKernels(k, () => {
        const heap = bits(evaluate(p, opts, true));
        expect(bits(evaluate(p, opts, true)), name).toEqual(heap);
        const inArena = arena.run(() => bits(evaluate(p, opts, true)));
        arena.reset();
        expect(inArena, name).toEqual(heap);
      });
    }
  });

  it("never looks at padding rows: NaN there changes nothing and gets zero gradient", () => {
    const p = problem(2, 5, 6, 11, 3);
    const opts: CrossEntropyOptions = { ignoreIndex: PAD, labelSmoothing: 0.1 };
    const clean = evaluate(p, opts, true);
    const dirty = { ...p, h: p.h.slice() };
    for (let i = 0; i < p.targets.length; i++) if (p.targets[i] === PAD) dirty.h.fill(NaN, i * p.D, (i + 1) * p.D);
    const got = evaluate(dirty, opts, true);
    expect(got.loss).toBe(clean.loss);
    expect(Array.from(got.dw)).toEqual(Array.from(clean.dw));
    expect(Array.from(got.db)).toEqual(Array.from(clean.db));
    for (let i = 0; i < p.targets.length; i++) {
      const row = Array.from(got.dh).slice(i * p.D, (i + 1) * p.D);
      if (p.targets[i] === PAD) expect(row.every((v) => v === 0)).toBe(true);
      else expect(row).toEqual(Array.from(clean.dh).slice(i * p.D, (i + 1) * p.D));
    }
  });

  it("returns 0 with zero gradients when every target is ignored", () => {
    for (const reduction of ["mean", "sum"] as const) {
      const h = Tensor.from([1, 2, 3, 4], [2, 2], true);
      const w = Tensor.from([1, 0, 0, 1, 1, 1], [3, 2], true);
      const b = Tensor.from([0, 1, 2], [3], true);
      const loss = outputLayerLoss(h, w, b, Int32Array.from([-100, -100]), { reduction, labelSmoothing: 0.1 });
      expect(loss.item()).toBe(0);
      loss.backward();
      for (const t of [h, w, b]) expect(Array.from(t.grad ?? []).every((v) => v === 0)).toBe(true);
    }
  });

  it("accumulates into existing gradients (a tied weight also used elsewhere)", () => {
    const p = problem(2, 4, 5, 9, 4);
    const once = evaluate(p, {}, true);
    const h = Tensor.from(p.h, p.hShape, true);
    const w = Tensor.from(p.w, [p.V, p.D], true);
    const b = Tensor.from(p.b, [p.V], true);
    w.ensureGrad().fill(1);
    outputLayerLoss(h, w, b, p.targets).backward();
    expectClose(w.grad!, Array.from(once.dw, (v) => v + 1), "dW + 1", 1e-6, 1e-6);
  });

  it("is stable for hidden states that make logits of ±1000", () => {
    const h = Tensor.from([1000, -1000, 0, -1000, 1000, 0], [2, 3], true);
    const w = Tensor.from([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3], true);
    const loss = outputLayerLoss(h, w, null, Int32Array.from([0, 0]));
    expect(loss.item()).toBeCloseTo(1000, 3);
    loss.backward();
    expect(Array.from(h.grad!).every(Number.isFinite) && Array.from(w.grad!).every(Number.isFinite)).toBe(true);
  });

  it("rejects bad shapes and targets", () => {
    const w = Tensor.zeros([5, 3]);
    expect(() => outputLayerLoss(Tensor.zeros([2, 4]), w, null, Int32Array.from([0, 0]))).toThrow(/^outputLayerLoss: hidden must be \[\.\.\., 3\]/);
    expect(() => outputLayerLoss(Tensor.zeros([2, 3]), w, Tensor.zeros([4]), Int32Array.from([0, 0]))).toThrow(/bias must be \[5\]/);
    expect(() => outputLayerLoss(Tensor.zeros([2, 3]), w, null, Int32Array.from([0]))).toThrow(/1 targets for 2 rows/);
    expect(() => outputLayerLoss(Tensor.zeros([2, 3]), w, null, Int32Array.from([0, 5]))).toThrow(/target 5 at row 1 is out of range \[0, 5\)/);
    expect(() => outputLayerLoss(Tensor.zeros([2, 3]), w, null, Int32Array.from([0, 1]), { labelSmoothing: -1 })).toThrow(/labelSmoothing/);
  });

  const gradCases: Array<[string, CrossEntropyOptions, boolean]> = [
    ["mean with padding", { ignoreIndex: PAD }, true],
    ["sum with padding and label smoothing", { ignoreIndex: PAD, labelSmoothing: 0.3, reduction: "sum" }, true],
    ["mean with label smoothing, no bias", { ignoreIndex: PAD, labelSmoothing: 0.1 }, false],
    ["mean, nothing ignored", {}, true],
  ];
  for (const [label, opts, withBias] of gradCases) {
    it(`passes a float64 gradient check: ${label}`, () => {
      gradCase(5, (rng) => {
        const h = randn([2, 3, 4], rng);
        const w = randn([6, 4], rng, 0.7);
        const b = randn([6], rng, 0.5);
        const t = Int32Array.from([3, 5, 0, 1, 0, 0]);
        expectGradOk(() => outputLayerLoss(h, w, withBias ? b : null, t, opts), withBias ? [h, w, b] : [h, w]);
      });
    });
  }
});
