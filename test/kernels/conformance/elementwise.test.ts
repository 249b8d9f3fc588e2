/**
 * Conformance of the elementwise family (binary ops with broadcast layouts and their backward,
 * unary ops, affine/axpy, axis sums, row gather/scatter-add, masks, row selection): every fast
 * kernel set against the js reference on random data and edge sizes (0, 1, odd, non-multiples
 * of 4), bit for bit the same whether inputs live in kernel memory or on the JS heap, run to
 * run, and wherever an element or row sits in the batch.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { BinaryOpKind, Kernels, OperandLayout, UnaryOpKind } from "../../../src/kernels/types.js";
import { randomArray, seeded } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const sets = fastKernelSets();
const arena = new Arena();
afterAll(() => arena.reset());

type F32 = Float32Array;
/** Where a case's float inputs live: the JS heap as made, or copied into kernel memory. */
type Place = (a: F32) => F32;
const onHeap: Place = (a) => a;
const inKmem: Place = (a) => inKernelMemory(arena, a);

/** A kernel scenario: builds its inputs from a fixed seed, runs, returns copies of its outputs. */
interface Case {
  name: string;
  run(K: Kernels, place: Place): F32[];
  /** Allowed |fast − js| ≤ atol + rtol·|js| per element (NaN matches NaN, ±Infinity itself). */
  atol: number;
  rtol: number;
}

const f32 = (n: number, rand: () => number, lo = -1, hi = 1) => randomArray(Float32Array, n, rand, lo, hi) as F32;

/** Values away from zero with either sign (divisors). */
function awayFromZero(n: number, rand: () => number): F32 {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rand() < 0.5 ? -1 : 1) * (0.5 + 1.5 * rand());
  return a;
}

function randomMask(n: number, rand: () => number, p = 0.4): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = rand() < p ? 1 : 0;
  return m;
}

/** Same bits (any NaN equals any NaN). */
function expectSameBits(got: F32, want: F32, what: string): void {
  expect(got.length, what).toBe(want.length);
  const gu = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const wu = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < got.length; i++) {
    if (gu[i] === wu[i] || (Number.isNaN(got[i]) && Number.isNaN(want[i]))) continue;
    expect.fail(`${what}: element ${i} differs: ${got[i]} vs ${want[i]}`);
  }
}

function expectClose(got: F32, want: F32, atol: number, rtol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Object.is(g, w) || g === w || (Number.isNaN(g) && Number.isNaN(w))) continue;
    const err = Math.abs(g - w);
    if (!(err <= atol + rtol * Math.abs(w))) expect.fail(`${what}: element ${i}: ${g} vs reference ${w} (|diff| ${err.toExponential(2)})`);
  }
}

const copy = (a: F32) => Float32Array.from(a);
/** Leading padding before every operand, so element offsets are exercised too. */
const PAD = 3;
function padded(a: F32, rand: () => number): F32 {
  const p = new Float32Array(a.length + PAD + 2);
  p.set(f32(PAD + 2, rand, 7, 9));
  p.set(a, PAD);
  return p;
}

// ---------------------------------------------------------------- cases

const BINARY_OPS: BinaryOpKind[] = ["add", "sub", "mul", "div"];
const LAYOUT_PAIRS: [OperandLayout, OperandLayout][] = [
  ["full", "full"], ["full", "row"], ["row", "full"], ["full", "col"], ["col", "full"], ["row", "col"], ["col", "row"],
];
const SHAPES: [number, number][] = [[0, 4], [3, 0], [1, 1], [1, 5], [2, 3], [4, 4], [3, 8], [5, 13], [7, 33], [64, 3], [2, 1031]];
const operandSize = (l: OperandLayout, rows: number, cols: number) => (l === "full" ? rows * cols : l === "row" ? cols : rows);

const cases: Case[] = [];

for (const op of BINARY_OPS) {
  for (const [la, lb] of LAYOUT_PAIRS) {
    for (const [rows, cols] of SHAPES) {
      const seed = 1000 + cases.length;
      const inputs = (rand: () => number) => {
        const a = f32(operandSize(la, rows, cols), rand, -2, 2);
        const b = op === "div" ? awayFromZero(operandSize(lb, rows, cols), rand) : f32(operandSize(lb, rows, cols), rand, -2, 2);
        return { a: padded(a, rand), b: padded(b, rand) };
      };
      // The forward is exact IEEE float32 arithmetic in every set: it must match the reference bit for bit.
      cases.push({
        name: `binaryForward ${op} ${la}/${lb} ${rows}×${cols}`, atol: 0, rtol: 0,
        run(K, place) {
          const rand = seeded(seed);
          const { a, b } = inputs(rand);
          const out = place(f32(rows * cols + PAD, rand));
          K.binaryForward(op, place(a), PAD, la, place(b), PAD, lb, out, PAD, rows, cols);
          return [copy(out)];
        },
      });
      for (const which of [0, 1] as const) {
        const dl = which === 0 ? la : lb;
        // Reductions into a broadcast operand sum up to rows (or cols) terms.
        const terms = dl === "row" ? rows : dl === "col" ? cols : 1;
        cases.push({
          name: `binaryBackward ${op} d${which === 0 ? "a" : "b"} ${la}/${lb} ${rows}×${cols}`,
          atol: 2e-6 * (1 + terms), rtol: 1e-6,
          run(K, place) {
            const rand = seeded(seed + 77 * (which + 1));
            const { a, b } = inputs(rand);
            const g = padded(f32(rows * cols, rand), rand);
            const dst = place(padded(f32(operandSize(dl, rows, cols), rand), rand));
            K.binaryBackward(op, which, place(g), PAD, place(a), PAD, la, place(b), PAD, lb, dst, PAD, rows, cols);
            return [copy(dst)];
          },
        });
      }
    }
  }
}

const UNARY_OPS: UnaryOpKind[] = ["exp", "log", "tanh", "sigmoid", "relu", "gelu", "geluTanh", "square"];
const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 13, 16, 33, 1001];
/** Input range per op (log needs positive inputs; exp a range where it stays finite). */
const UNARY_RANGE: Record<UnaryOpKind, [number, number]> = {
  exp: [-30, 30], log: [1e-4, 50], tanh: [-6, 6], sigmoid: [-12, 12], relu: [-2, 2], gelu: [-6, 6], geluTanh: [-6, 6], square: [-3, 3],
};
/** Special inputs every unary op must treat as the reference does (NaN, ±Infinity, ±0, denormals, extremes). */
const SPECIALS = Float32Array.from([0, -0, 1, -1, Infinity, -Infinity, NaN, 1e-40, -1e-40, 1e-30, 88, 89, -87, -104, 1e30, -1e30, 0.625, -0.625, 1, 3.9, -3.9]);
const UNARY_TOL: Record<UnaryOpKind, [number, number]> = {
  exp: [1e-37, 1e-6], log: [2e-7, 1e-6], tanh: [1e-7, 1e-6], sigmoid: [1e-38, 1e-6], relu: [0, 0],
  gelu: [1e-6, 1e-6], geluTanh: [1e-6, 1e-6], square: [0, 0],
};

for (const op of UNARY_OPS) {
  const [lo, hi] = UNARY_RANGE[op];
  const [atol, rtol] = UNARY_TOL[op];
  for (const n of [...SIZES, -1]) {
    const seed = 5000 + cases.length;
    const input = (rand: () => number) => (n < 0 ? copy(SPECIALS) : f32(n, rand, lo, hi));
    const label = n < 0 ? "specials" : `n=${n}`;
    cases.push({
      name: `unaryForward ${op} ${label}`, atol, rtol,
      run(K, place) {
        const rand = seeded(seed);
        const x = padded(input(rand), rand);
        const m = x.length - PAD - 2;
        const y = place(f32(x.length, rand));
        K.unaryForward(op, place(x), PAD, y, PAD, m);
        return [copy(y)];
      },
    });
    if (n < 0) continue; // the gradient at specials is compared through the forward values only
    cases.push({
      name: `unaryBackward ${op} ${label}`, atol: Math.max(atol, 1e-6), rtol: Math.max(rtol, 1e-5),
      run(K, place) {
        const rand = seeded(seed + 1);
        const x = padded(input(rand), rand);
        const y = new Float32Array(x.length);
        reference.kernels.unaryForward(op, x, 0, y, 0, x.length); // the same saved output for every set
        const g = f32(x.length, rand);
        const gx = place(f32(x.length, rand));
        K.unaryBackward(op, place(x), PAD, place(y), PAD, place(g), PAD, gx, PAD, n);
        return [copy(gx)];
      },
    });
  }
}

for (const n of SIZES) {
  const seed = 9000 + n;
  cases.push({
    name: `affine n=${n}`, atol: 1e-6, rtol: 1e-6,
    run(K, place) {
      const rand = seeded(seed);
      const x = padded(f32(n, rand, -3, 3), rand);
      const out = place(f32(x.length, rand));
      K.affine(place(x), PAD, out, PAD, n, -0.37, 1.25);
      return [copy(out)];
    },
  });
  cases.push({
    name: `axpy n=${n}`, atol: 1e-6, rtol: 1e-6,
    run(K, place) {
      const rand = seeded(seed + 1);
      const x = padded(f32(n, rand), rand);
      const y = place(f32(x.length, rand));
      K.axpy(n, 0.3, place(x), PAD, y, PAD);
      return [copy(y)];
    },
  });
  cases.push({
    name: `maskedFill / maskedAccumulate n=${n}`, atol: 1e-6, rtol: 1e-6,
    run(K, place) {
      const rand = seeded(seed + 2);
      const x = padded(f32(n, rand), rand);
      const mask = randomMask(x.length, rand);
      const out = place(f32(x.length, rand));
      K.maskedFill(place(x), PAD, mask, PAD, out, PAD, n, 1.5, -Infinity);
      const g = padded(f32(n, rand), rand);
      const gx = place(f32(x.length, rand));
      K.maskedAccumulate(place(g), PAD, mask, PAD, gx, PAD, n, 1.5);
      return [copy(out), copy(gx)];
    },
  });
}

const AXIS_SHAPES: [number, number, number][] = [
  [1, 0, 1], [2, 0, 3], [0, 3, 2], [1, 1, 1], [1, 5, 1], [3, 7, 1], [2, 16, 1], [1, 1031, 1],
  [1, 3, 2], [2, 5, 3], [3, 4, 4], [2, 9, 5], [1, 33, 8], [4, 6, 17], [2, 64, 130],
];
for (const [outer, dim, inner] of AXIS_SHAPES) {
  for (const scale of [1, 1 / 3]) {
    cases.push({
      name: `sumAxis [${outer}, ${dim}, ${inner}] scale ${scale.toFixed(3)}`, atol: 2e-7 * (1 + dim), rtol: 1e-6,
      run(K, place) {
        const rand = seeded(outer * 1000 + dim * 10 + inner);
        const x = padded(f32(outer * dim * inner, rand), rand);
        const out = place(f32(outer * inner + PAD, rand));
        K.sumAxis(place(x), PAD, out, PAD, outer, dim, inner, scale);
        return [copy(out)];
      },
    });
  }
  cases.push({
    name: `sumAxisBackward [${outer}, ${dim}, ${inner}]`, atol: 1e-6, rtol: 1e-6,
    run(K, place) {
      const rand = seeded(outer * 1000 + dim * 10 + inner + 1);
      const g = padded(f32(outer * inner, rand), rand);
      const gx = place(f32(outer * dim * inner + PAD, rand));
      K.sumAxisBackward(place(g), PAD, gx, PAD, outer, dim, inner, 0.25);
      return [copy(gx)];
    },
  });
}

for (const [vocab, count, dim] of [[1, 1, 1], [5, 0, 3], [7, 9, 3], [10, 31, 8], [50, 64, 13], [3, 40, 33]] as const) {
  for (const skip of [-1, 2]) {
    cases.push({
      name: `gatherRows / scatterAddRows V=${vocab} count=${count} D=${dim} skip=${skip}`, atol: 2e-6 * (1 + count), rtol: 1e-6,
      run(K, place) {
        const rand = seeded(vocab * 100 + count * 10 + dim);
        const w = padded(f32(vocab * dim, rand), rand);
        const ids = new Int32Array(count + 2);
        for (let i = 0; i < ids.length; i++) ids[i] = Math.floor(rand() * vocab); // repeats: scatter-add order matters
        const out = place(f32(count * dim + PAD, rand));
        K.gatherRows(place(w), PAD, ids, 1, out, PAD, count, dim);
        const g = padded(f32(count * dim, rand), rand);
        const gw = place(f32(vocab * dim + PAD, rand));
        K.scatterAddRows(place(g), PAD, ids, 1, gw, PAD, count, dim, skip);
        return [copy(out), copy(gw)];
      },
    });
  }
}

for (const [rows, width] of [[0, 3], [1, 1], [3, 5], [4, 4], [9, 13], [6, 130]] as const) {
  cases.push({
    name: `selectRows / accumulateRowsWhere ${rows}×${width}`, atol: 1e-6, rtol: 1e-6,
    run(K, place) {
      const rand = seeded(rows * 100 + width);
      const keep = randomMask(rows, rand, 0.5);
      const a = padded(f32(rows * width, rand), rand);
      const b = padded(f32(rows * width, rand), rand);
      const out = place(f32(rows * width + PAD, rand));
      K.selectRows(keep, place(a), PAD, place(b), PAD, out, PAD, rows, width);
      const g = padded(f32(rows * width, rand), rand);
      const dt = place(f32(rows * width + PAD, rand));
      const df = place(f32(rows * width + PAD, rand));
      K.accumulateRowsWhere(keep, true, place(g), PAD, dt, PAD, rows, width);
      K.accumulateRowsWhere(keep, false, place(g), PAD, df, PAD, rows, width);
      return [copy(out), copy(dt), copy(df)];
    },
  });
}

// ---------------------------------------------------------------- the checks every case gets

describe.each(sets)("elementwise kernels: $name", ({ kernels: K, name }) => {
  it(`agree with the js reference within float32 tolerance (${cases.length} cases)`, () => {
    for (const c of cases) {
      const want = c.run(reference.kernels, onHeap);
      const got = c.run(K, onHeap);
      got.forEach((g, i) => expectClose(g, want[i]!, c.atol, c.rtol, `${name} ${c.name} [output ${i}]`));
    }
  });

  it("give the same bits with inputs in kernel memory as on the JS heap, and run to run", () => {
    for (const c of cases) {
      const heap = c.run(K, onHeap);
      const kmem = c.run(K, inKmem);
      const again = c.run(K, onHeap);
      heap.forEach((h, i) => {
        expectSameBits(kmem[i]!, h, `${name} ${c.name} kernel memory vs heap [output ${i}]`);
        expectSameBits(again[i]!, h, `${name} ${c.name} rerun [output ${i}]`);
      });
      arena.reset();
    }
  });
});

describe("elementwise kernels: the fast sets agree with each other", () => {
  it("wasm and wasm-fma give the same bits (this family uses no fused multiply-add)", () => {
    if (sets.length < 2) return;
    for (const c of cases) {
      const first = c.run(sets[0]!.kernels, onHeap);
      for (const s of sets.slice(1)) c.run(s.kernels, onHeap).forEach((o, i) => expectSameBits(o, first[i]!, `${s.name} vs ${sets[0]!.name}: ${c.name}`));
    }
  });
});

// ---------------------------------------------------------------- position independence

describe.each(sets)("elementwise kernels: $name, results independent of position and batch", ({ kernels: K, name }) => {
  const N = 1003;

  it("unary forward/backward: an element gives the same bits alone, in a vector body or in a tail", () => {
    for (const op of UNARY_OPS) {
      const [lo, hi] = UNARY_RANGE[op];
      const rand = seeded(42);
      const x = f32(N, rand, lo, hi);
      const y = new Float32Array(N);
      K.unaryForward(op, x, 0, y, 0, N);
      const g = f32(N, rand);
      const gx = f32(N, rand);
      const gxAll = copy(gx);
      K.unaryBackward(op, x, 0, y, 0, g, 0, gxAll, 0, N);
      for (const i of [0, 1, 2, 3, 4, 5, 6, 7, 500, 997, 998, 999, 1000, 1001, 1002]) {
        for (const len of [1, 3, 6]) {
          // Element i at position (i mod len) of a window of `len` elements ending where the array allows.
          const start = Math.max(0, Math.min(i - (i % len), N - len));
          const yw = new Float32Array(len);
          K.unaryForward(op, x, start, yw, 0, len);
          expectSameBits(yw.subarray(i - start, i - start + 1), y.subarray(i, i + 1), `${name} ${op} forward element ${i} in window ${start}+${len}`);
          const gw = gx.slice(start, start + len);
          K.unaryBackward(op, x, start, y, start, g, start, gw, 0, len);
          expectSameBits(gw.subarray(i - start, i - start + 1), gxAll.subarray(i, i + 1), `${name} ${op} backward element ${i}`);
        }
      }
    }
  });

  it("binary backward into a per-row operand ([B, 1]): a row alone equals the row in a batch", () => {
    for (const op of BINARY_OPS) {
      for (const cols of [1, 3, 4, 7, 33, 130]) {
        const rows = 9;
        const rand = seeded(cols);
        const a = f32(rows * cols, rand);
        const b = awayFromZero(rows, rand);
        const g = f32(rows * cols, rand);
        const all = new Float32Array(rows);
        K.binaryBackward(op, 1, g, 0, a, 0, "full", b, 0, "col", all, 0, rows, cols);
        for (let r = 0; r < rows; r++) {
          const one = new Float32Array(1);
          K.binaryBackward(op, 1, g, r * cols, a, r * cols, "full", b, r, "col", one, 0, 1, cols);
          expectSameBits(one, all.subarray(r, r + 1), `${name} ${op} cols=${cols} row ${r}`);
        }
      }
    }
  });

  it("binary backward into a repeated row (bias): rows are summed in order, so any split into consecutive calls gives the same bits", () => {
    for (const op of BINARY_OPS) {
      const rows = 11, cols = 13;
      const rand = seeded(7);
      const a = f32(rows * cols, rand);
      const bias = awayFromZero(cols, rand);
      const g = f32(rows * cols, rand);
      const once = new Float32Array(cols);
      K.binaryBackward(op, 1, g, 0, a, 0, "full", bias, 0, "row", once, 0, rows, cols);
      const split = new Float32Array(cols);
      for (const [r0, r1] of [[0, 1], [1, 5], [5, 6], [6, 11]]) {
        K.binaryBackward(op, 1, g, r0! * cols, a, r0! * cols, "full", bias, 0, "row", split, 0, r1! - r0!, cols);
      }
      expectSameBits(split, once, `${name} ${op} bias gradient`);
    }
  });

  it("sumAxis: one order per axis length, whatever the layout ([T, B] over T for B = 1 and B = 32) or the row", () => {
    for (const dim of [1, 2, 3, 4, 5, 7, 16, 33, 100]) {
      const rand = seeded(dim);
      for (const B of [1, 2, 3, 4, 5, 8, 32]) {
        const x = f32(dim * B, rand); // [dim, B]
        const cols = new Float32Array(B);
        K.sumAxis(x, 0, cols, 0, 1, dim, B, 1);
        const rowsOut = new Float32Array(B);
        const xt = new Float32Array(dim * B); // [B, dim]: the same sums over a contiguous axis
        for (let d = 0; d < dim; d++) for (let j = 0; j < B; j++) xt[j * dim + d] = x[d * B + j]!;
        K.sumAxis(xt, 0, rowsOut, 0, B, dim, 1, 1);
        expectSameBits(rowsOut, cols, `${name} dim=${dim} B=${B}: contiguous vs strided`);
        for (let j = 0; j < B; j++) {
          const one = new Float32Array(1);
          K.sumAxis(xt, j * dim, one, 0, 1, dim, 1, 1);
          expectSameBits(one, cols.subarray(j, j + 1), `${name} dim=${dim} B=${B} row ${j} alone`);
        }
      }
    }
  });
  it("sumAxis: zeros appended to the summed axis (padding) leave the sums' bits unchanged", () => {
    for (const dim of [1, 2, 3, 5, 6, 7, 9, 13, 33]) {
      const rand = seeded(100 + dim);
      for (const inner of [1, 3, 8]) {
        const x = f32(dim * inner, rand); // [dim, inner]
        const sums = new Float32Array(inner);
        K.sumAxis(x, 0, sums, 0, 1, dim, inner, 1);
        for (const padded of [dim + 1, dim + 3, 4 * Math.ceil((dim + 1) / 4) + 4]) {
          const xp = new Float32Array(padded * inner);
          xp.set(x);
          const out = new Float32Array(inner);
          K.sumAxis(xp, 0, out, 0, 1, padded, inner, 1);
          expectSameBits(out, sums, `${name} dim=${dim} padded to ${padded}, inner=${inner}`);
        }
      }
    }
  });
});

// ---------------------------------------------------------------- a few exact semantics

describe.each([reference, ...sets])("elementwise kernels: $name, exact semantics", ({ kernels: K, name }) => {
  it("relu gives +0 for negatives, -0 and NaN, and its gradient leaves x ≤ 0 untouched", () => {
    const x = Float32Array.from([-1, -0, 0, NaN, 2, -3, 4]);
    const y = new Float32Array(7).fill(9);
    K.unaryForward("relu", x, 0, y, 0, 7);
    expect(Array.from(y).map((v) => (Object.is(v, -0) ? "-0" : v)), name).toEqual([0, 0, 0, 0, 2, 0, 4]);
    const gx = Float32Array.from([-0, -0, 1, 1, 1, 1, 1]);
    K.unaryBackward("relu", x, 0, y, 0, new Float32Array(7).fill(5), 0, gx, 0, 7);
    expect(Object.is(gx[0], -0), name).toBe(true);
    expect(Array.from(gx), name).toEqual([-0, -0, 1, 1, 6, 1, 6]);
  });

  it("log, exp, sigmoid and tanh at the ends of their range", () => {
    const x = Float32Array.from([0, -1, Infinity, NaN, 1, -Infinity, 1000, -1000]);
    const out = (op: UnaryOpKind) => {
      const y = new Float32Array(x.length);
      K.unaryForward(op, x, 0, y, 0, x.length);
      return Array.from(y);
    };
    const l = out("log");
    expect([l[0], l[1], l[2], l[3], l[4], l[5], l[7]], name).toEqual([-Infinity, NaN, Infinity, NaN, 0, NaN, NaN]);
    expect(Math.abs(l[6]! - Math.log(1000)), name).toBeLessThan(1e-5);
    expect(out("exp"), name).toEqual([1, Math.fround(Math.exp(-1)), Infinity, NaN, Math.fround(Math.E), 0, Infinity, 0]);
    expect(out("sigmoid").slice(-2), name).toEqual([1, 0]);
    expect(out("tanh").slice(-2), name).toEqual([1, -1]);
  });

  it("masked fill and dropout-style scaling: masked entries get the fill, the gradient skips them", () => {
    const x = Float32Array.from([1, 2, 3, 4, 5]);
    const mask = Uint8Array.from([0, 1, 0, 1, 1]);
    const out = new Float32Array(5);
    K.maskedFill(x, 0, mask, 0, out, 0, 5, 2, -Infinity);
    expect(Array.from(out), name).toEqual([2, -Infinity, 6, -Infinity, -Infinity]);
    const gx = Float32Array.from([-0, -0, 1, 1, 1]);
    K.maskedAccumulate(Float32Array.from([1, 1, 1, 1, 1]), 0, mask, 0, gx, 0, 5, 2);
    expect(Object.is(gx[1], -0), name).toBe(true);
    expect(Array.from(gx), name).toEqual([2, -0, 3, 1, 1]);
  });

  it("scatter-add skips the padding id and sums repeated ids", () => {
    const ids = Int32Array.from([1, 0, 1, 2]);
    const g = Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]);
    const gw = new Float32Array(6);
    K.scatterAddRows(g, 0, ids, 0, gw, 0, 4, 2, 2);
    expect(Array.from(gw), name).toEqual([2, 2, 4, 4, 0, 0]);
  });

  it("does nothing for empty sizes", () => {
    const a = Float32Array.from([1, 2, 3]);
    const out = Float32Array.from([7, 7, 7]);
    K.binaryForward("add", a, 0, "full", a, 0, "full", out, 0, 0, 3);
    K.unaryForward("exp", a, 0, out, 0, 0);
    K.affine(a, 0, out, 0, 0, 2, 1);
    K.sumAxis(a, 0, out, 0, 0, 3, 1, 1);
    K.gatherRows(a, 0, new Int32Array(0), 0, out, 0, 0, 3);
    expect(Array.from(out), name).toEqual([7, 7, 7]);
  });
});
