import { describe, expect, it } from "vitest";
import { add, div, mul, sub } from "../../src/ops/index.js";
import { broadcastIndexMap, broadcastPlan, broadcastShapes } from "../../src/ops/broadcast.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { randAwayFromZero, randn } from "../helpers/tensors.js";

/**
 * The binary ops route the common broadcasts (same shape, a suffix such as a bias, one value per
 * row such as [B, 1], scalars) to the kernels' layouts and everything else to index maps; both
 * must give what a per-element reference over broadcastIndexMap gives.
 */
describe("broadcastPlan", () => {
  it("classifies the fast broadcasts", () => {
    expect(broadcastPlan([2, 3], [2, 3], [2, 3])).toEqual({ rows: 1, cols: 6, a: "full", b: "full" });
    expect(broadcastPlan([4, 2, 3], [3], [4, 2, 3])).toEqual({ rows: 8, cols: 3, a: "full", b: "row" });
    expect(broadcastPlan([1, 3], [4, 3], [4, 3])).toEqual({ rows: 4, cols: 3, a: "row", b: "full" });
    expect(broadcastPlan([4, 3], [4, 1], [4, 3])).toEqual({ rows: 4, cols: 3, a: "full", b: "col" });
    expect(broadcastPlan([2, 5, 3], [2, 5, 1], [2, 5, 3])).toEqual({ rows: 10, cols: 3, a: "full", b: "col" });
    expect(broadcastPlan([2, 5, 3], [2, 1, 1], [2, 5, 3])).toEqual({ rows: 2, cols: 15, a: "full", b: "col" });
    expect(broadcastPlan([], [2, 3], [2, 3])).toEqual({ rows: 1, cols: 6, a: "col", b: "full" });
    expect(broadcastPlan([1, 3], [2, 1], [2, 3])).toEqual({ rows: 2, cols: 3, a: "row", b: "col" });
    expect(broadcastPlan([2, 1], [1, 2, 3], [1, 2, 3])).toEqual({ rows: 2, cols: 3, a: "col", b: "full" });
  });

  it("leaves other broadcasts to the index maps", () => {
    expect(broadcastPlan([4, 1, 3], [4, 5, 1], [4, 5, 3])).toBeNull();
    expect(broadcastPlan([2, 3, 4], [3, 1], [2, 3, 4])).toBeNull();
    expect(broadcastPlan([3, 4, 5], [4, 1], [3, 4, 5])).toBeNull();
  });

  it("pairs a repeated row with a per-row value (an outer sum)", () => {
    expect(broadcastPlan([3, 1], [1, 4], [3, 4])).toEqual({ rows: 3, cols: 4, a: "col", b: "row" });
    expect(broadcastPlan([4], [2, 1], [2, 4])).toEqual({ rows: 2, cols: 4, a: "row", b: "col" });
  });
});

const PAIRS: [number[], number[]][] = [
  [[2, 3], [2, 3]], [[2, 3], [3]], [[3], [2, 3]], [[2, 3], [2, 1]], [[2, 1], [2, 3]], [[2, 3], []], [[], [2, 3]],
  [[1, 3], [2, 1]], [[2, 1], [1, 3]], [[4, 1, 3], [4, 5, 1]], [[2, 3, 4], [3, 1]], [[2, 3, 4], [1, 1, 4]],
  [[2, 3, 4], [2, 3, 1]], [[2, 3, 4], [2, 1, 1]], [[1, 2, 3], [2, 1]], [[0, 3], [3]], [[5, 1], [1]], [[3, 1], [1, 4]],
  [[7, 9], [9]], [[6, 17], [6, 1]],
];

/** Per-element reference in float64, rounded to float32 at the end. */
function reference(kind: "add" | "sub" | "mul" | "div", a: Tensor, b: Tensor) {
  const out = broadcastShapes(kind, a.shape, b.shape);
  const n = out.reduce((p, d) => p * d, 1);
  const ma = broadcastIndexMap(a.shape, out);
  const mb = broadcastIndexMap(b.shape, out);
  const y = new Float64Array(n);
  const ga = new Float64Array(a.size);
  const gb = new Float64Array(b.size);
  for (let i = 0; i < n; i++) {
    const ia = ma ? ma[i]! : i;
    const ib = mb ? mb[i]! : i;
    const av = a.data[ia]!, bv = b.data[ib]!;
    const g = 1 + (i % 5) / 4; // the upstream gradient used below
    switch (kind) {
      case "add": y[i] = av + bv; ga[ia]! += g; gb[ib]! += g; break;
      case "sub": y[i] = av - bv; ga[ia]! += g; gb[ib]! -= g; break;
      case "mul": y[i] = av * bv; ga[ia]! += g * bv; gb[ib]! += g * av; break;
      case "div": y[i] = av / bv; ga[ia]! += g / bv; gb[ib]! -= (g * av) / (bv * bv); break;
    }
  }
  return { y, ga, gb, n };
}

describe("binary ops over every broadcast path", () => {
  for (const kind of ["add", "sub", "mul", "div"] as const) {
    it(`${kind}: values and gradients match a per-element reference`, () => {
      const op = { add, sub, mul, div }[kind];
      const rng = new Rng(3);
      for (const [sa, sb] of PAIRS) {
        const a = randn(sa, rng);
        const b = kind === "div" ? randAwayFromZero(sb, rng, 0.5, 2) : randn(sb, rng);
        a.requiresGrad = true;
        b.requiresGrad = true;
        const ref = reference(kind, a, b);
        const y = op(a, b);
        // The forward is one IEEE float32 operation per element: exact.
        expect(Array.from(y.data), `${kind} [${sa}] [${sb}]`).toEqual(Array.from(ref.y, (v) => Math.fround(v)));
        const g = new Float32Array(ref.n);
        for (let i = 0; i < ref.n; i++) g[i] = 1 + (i % 5) / 4;
        y.backward(g);
        const close = (got: ArrayLike<number> | null, want: Float64Array, what: string) => {
          for (let i = 0; i < want.length; i++) {
            const gv = got ? got[i]! : 0;
            expect(Math.abs(gv - want[i]!), `${kind} [${sa}] [${sb}] ${what}[${i}]`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want[i]!)));
          }
        };
        close(a.grad, ref.ga, "da");
        close(b.grad, ref.gb, "db");
      }
    });
  }

  it("a ∘ a accumulates both operands' gradients into the one tensor", () => {
    const x = Tensor.from([1, 2, 3], [3], true);
    mul(x, x).backward(Float32Array.from([1, 1, 1]));
    expect(Array.from(x.grad!)).toEqual([2, 4, 6]);
    const z = Tensor.from([1, 2, 3], [3], true);
    sub(z, z).backward(Float32Array.from([1, 1, 1]));
    expect(Array.from(z.grad!)).toEqual([0, 0, 0]);
  });
});
