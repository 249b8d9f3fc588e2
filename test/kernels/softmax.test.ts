import { describe, expect, it } from "vitest";
import { jsKernels } from "../../src/kernels/index.js";
import { numericGrad, randomArray, seeded, worstRelErr } from "./helpers.js";

const K = jsKernels;

/** Float64 reference softmax of one row, ignoring masked entries (which get 0). */
function refSoftmax(x: ArrayLike<number>, mask: ArrayLike<number> | null): number[] {
  const live = Array.from(x, (_, j) => !(mask && mask[j]));
  const max = Math.max(...Array.from(x).filter((_, j) => live[j]));
  const e = Array.from(x, (v, j) => (live[j] ? Math.exp(v - max) : 0));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / s);
}

function randomMask(rows: number, cols: number, rand: () => number, p = 0.3): Uint8Array {
  const m = new Uint8Array(rows * cols);
  for (let i = 0; i < m.length; i++) m[i] = rand() < p ? 1 : 0;
  for (let r = 0; r < rows; r++) m[r * cols] = 0; // keep every row partly live
  return m;
}

type RowKernel = (x: Float32Array | Float64Array, out: Float32Array | Float64Array, rows: number, cols: number, mask: Uint8Array | null) => void;

/**
 * Run a row kernel on random input (float32 and float64) and hand each output row, with the
 * float64 reference softmax of that row and its mask, to `check`.
 */
function eachRow(
  kernel: RowKernel, seed: number, masked: boolean,
  check: (got: ArrayLike<number>, ref: number[], mask: ArrayLike<number> | null, f32: boolean) => void,
): void {
  const rand = seeded(seed);
  const rows = 5, cols = 13;
  for (const ctor of [Float32Array, Float64Array] as const) {
    const x = randomArray(ctor, rows * cols, rand, -6, 6);
    const mask = masked ? randomMask(rows, cols, rand) : null;
    const out = new ctor(rows * cols);
    kernel(x, out, rows, cols, mask);
    for (let r = 0; r < rows; r++) {
      const at = (v: { subarray(a: number, b: number): ArrayLike<number> }) => v.subarray(r * cols, (r + 1) * cols);
      const rowMask = mask ? at(mask) : null;
      check(at(out), refSoftmax(at(x), rowMask), rowMask, ctor === Float32Array);
    }
  }
}

describe("softmaxRows", () => {
  it("matches a float64 reference and rows sum to 1 (float32 and float64)", () => {
    eachRow(K.softmaxRows, 1, false, (got, ref, _mask, f32) => {
      expect(worstRelErr(got, ref, 1e-7, f32 ? 1e-6 : 1e-14)).toBeLessThanOrEqual(1);
      let sum = 0;
      for (let j = 0; j < got.length; j++) sum += got[j]!;
      expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
    });
  });

  it("gives masked positions exactly 0 weight and renormalises the rest", () => {
    const rand = seeded(2);
    const rows = 6, cols = 9;
    const x = randomArray(Float32Array, rows * cols, rand, -3, 3);
    const mask = randomMask(rows, cols, rand, 0.4);
    const out = new Float32Array(rows * cols).fill(NaN);
    K.softmaxRows(x, out, rows, cols, mask);
    for (let r = 0; r < rows; r++) {
      const ref = refSoftmax(x.subarray(r * cols, (r + 1) * cols), mask.subarray(r * cols, (r + 1) * cols));
      for (let j = 0; j < cols; j++) {
        const v = out[r * cols + j]!;
        if (mask[r * cols + j]) expect(Object.is(v, 0)).toBe(true);
        else expect(Math.abs(v - ref[j]!)).toBeLessThan(1e-6);
      }
    }
  });

  it("a masked huge logit does not leak into the row", () => {
    const x = new Float32Array([1000, 0, 0]);
    const out = new Float32Array(3);
    K.softmaxRows(x, out, 1, 3, new Uint8Array([1, 0, 0]));
    expect(Array.from(out)).toEqual([0, 0.5, 0.5]);
  });

  it("turns a fully masked row into zeros, not NaN, leaving other rows intact", () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6]);
    const out = new Float32Array(6).fill(NaN);
    K.softmaxRows(x, out, 2, 3, new Uint8Array([1, 1, 1, 0, 1, 0]));
    expect(Array.from(out.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(out[4]).toBe(0);
    expect(out[3]! + out[5]!).toBeCloseTo(1, 6);
    expect(out[5]! / out[3]!).toBeCloseTo(Math.exp(2), 5);
  });

  it("is stable for logits of ±1000", () => {
    const x = new Float32Array([1000, -1000, 0, 1000, 1000, 999, -1000, -1000, -1000]);
    const out = new Float32Array(9);
    K.softmaxRows(x, out, 3, 3, null);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(Array.from(out.subarray(0, 3))).toEqual([1, 0, 0]);
    const e = Math.exp(-1);
    expect(out[3]).toBeCloseTo(1 / (2 + e), 6);
    expect(out[5]).toBeCloseTo(e / (2 + e), 6);
    for (let j = 6; j < 9; j++) expect(out[j]).toBeCloseTo(1 / 3, 6);
  });
});

describe("logSoftmaxRows", () => {
  it("equals log of the reference softmax; masked entries are -Infinity", () => {
    eachRow(K.logSoftmaxRows, 3, true, (got, ref, mask, f32) => {
      for (let j = 0; j < got.length; j++) {
        if (mask![j]) expect(got[j]).toBe(-Infinity);
        else expect(Math.abs(got[j]! - Math.log(ref[j]!))).toBeLessThan(f32 ? 2e-6 : 1e-13);
      }
    });
  });

  it("fully masked row is all -Infinity (never NaN)", () => {
    const out = new Float32Array(3);
    K.logSoftmaxRows(new Float32Array([1, 2, 3]), out, 1, 3, new Uint8Array([1, 1, 1]));
    expect(Array.from(out)).toEqual([-Infinity, -Infinity, -Infinity]);
  });

  it("is stable for logits of ±1000", () => {
    const x = new Float32Array([1000, 999, -1000, -1000, -1000, 1000]);
    const out = new Float32Array(6);
    K.logSoftmaxRows(x, out, 2, 3, null);
    expect(out.every(Number.isFinite)).toBe(true);
    const lse = Math.log(1 + Math.exp(-1));
    expect(out[0]).toBeCloseTo(-lse, 5);
    expect(out[1]).toBeCloseTo(-1 - lse, 5);
    expect(out[2]).toBeCloseTo(-2000 - lse, 2);
    expect(out[5]).toBeCloseTo(0, 6);
    expect(out[3]).toBeCloseTo(-2000, 2);
  });
});

describe("softmax backward kernels vs finite differences (float64)", () => {
  const rows = 3, cols = 7;

  const pairs: [string, RowKernel, typeof K.softmaxBackwardRows][] = [
    ["softmaxBackwardRows", K.softmaxRows, K.softmaxBackwardRows],
    ["logSoftmaxBackwardRows", K.logSoftmaxRows, K.logSoftmaxBackwardRows],
  ];
  let seed = 10;
  for (const [name, forward, backward] of pairs) {
    for (const masked of [false, true]) {
      it(`${name}${masked ? " with a mask" : ""}`, () => {
        const rand = seeded(seed++);
        const x = randomArray(Float64Array, rows * cols, rand, -2, 2) as Float64Array;
        const w = randomArray(Float64Array, rows * cols, rand) as Float64Array; // dL/dy
        const mask = masked ? randomMask(rows, cols, rand, 0.4) : null;
        const y = new Float64Array(rows * cols);
        // L = Σ w ⊙ y over live entries (log-softmax gives -Infinity at masked ones).
        const loss = () => {
          forward(x, y, rows, cols, mask);
          let s = 0;
          for (let i = 0; i < y.length; i++) if (y[i] !== -Infinity) s += w[i]! * y[i]!;
          return s;
        };
        const num = numericGrad(x, loss);
        loss();
        // dy at masked positions must not matter, even if it is garbage.
        const dy = w.slice();
        if (mask) for (let i = 0; i < mask.length; i++) if (mask[i]) dy[i] = 1e6;
        const start = randomArray(Float64Array, rows * cols, rand) as Float64Array;
        const dx = start.slice();
        backward(y, dy, dx, rows, cols);
        const added = dx.map((v, i) => v - start[i]!);
        expect(worstRelErr(added, num, 1e-8, 1e-6)).toBeLessThanOrEqual(1);
        if (mask) for (let i = 0; i < mask.length; i++) if (mask[i]) expect(added[i]).toBe(0);
      });
    }
  }

  it("backward of a fully masked softmax row adds nothing and stays finite", () => {
    const y = new Float32Array(3);
    K.softmaxRows(new Float32Array([1, 2, 3]), y, 1, 3, new Uint8Array([1, 1, 1]));
    const dx = new Float32Array([0.5, 0.5, 0.5]);
    K.softmaxBackwardRows(y, new Float32Array([1, 2, 3]), dx, 1, 3);
    expect(Array.from(dx)).toEqual([0.5, 0.5, 0.5]);
    const ly = new Float32Array(3);
    K.logSoftmaxRows(new Float32Array([1, 2, 3]), ly, 1, 3, new Uint8Array([1, 1, 1]));
    K.logSoftmaxBackwardRows(ly, new Float32Array([1, 2, 3]), dx, 1, 3);
    expect(Array.from(dx)).toEqual([0.5, 0.5, 0.5]);
  });
});
