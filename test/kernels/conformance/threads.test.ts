/**
 * Kernel threads: a product split over 1, 2 or 3 threads gives the same bits (blocks of whole
 * columns or rows, never the reduction), for every layout, with operands in kernel memory or on
 * the JS heap, whether each block packs its own operands or the threads pack them whole first
 * (large products); the split plans cover the output, and each operand, exactly once. The same for the kernels split by
 * element or row ranges (Adam, scaling, cross-entropy and its backward).
 */
import { afterAll, describe, expect, it } from "vitest";
import { setThreadCount, threadCount } from "../../../src/kernels/index.js";
import { BLOCKS_PER_THREAD, MAX_BLOCKS, planGemmSplit, planPackSplit, SHARED_PACK_MIN_FLOPS, THREAD_MIN_FLOPS } from "../../../src/kernels/wasm/gemmSplit.js";
import { planRangeSplit } from "../../../src/kernels/wasm/rangeSplit.js";
import { zeroFloats } from "../../../src/tensor/storage.js";
import { Arena, fastKernelSets, inKernelMemory } from "../sets.js";
import { randomArray, seeded } from "../helpers.js";

const initial = threadCount();
afterAll(() => setThreadCount(initial));

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("gemm split plan", () => {
  it("gives each thread several blocks, and a large product many small ones (at most MAX_BLOCKS)", () => {
    // 64×256×768: 25 MFLOP, 24 column units of 32 → 4 blocks per thread.
    expect(planGemmSplit(64, 768, 256, 2)).toHaveLength(2 * BLOCKS_PER_THREAD);
    // An output layer, 640×6786 (k 512): 4.4 GFLOP → blocks of about 2²⁵ FLOP, capped.
    expect(planGemmSplit(640, 6786, 512, 2)).toHaveLength(MAX_BLOCKS);
    // 300×1024 (k 256): 157 MFLOP → 5 blocks' worth, but 2 threads × 4 come first.
    expect(planGemmSplit(300, 1024, 256, 2)).toHaveLength(2 * BLOCKS_PER_THREAD);
    expect(planGemmSplit(300, 1024, 256, 4)).toHaveLength(4 * BLOCKS_PER_THREAD);
  });

  for (const [m, n, k] of [[640, 6786, 512], [3, 4096, 512], [4096, 5, 400], [1, 70000, 64], [64, 64, 64], [100, 37, 3000], [9, 65, 9000]] as const) {
    for (const threads of [1, 2, 3, 4]) {
      it(`${m}×${n} (k ${k}) over ${threads} threads covers every output once`, () => {
        const blocks = planGemmSplit(m, n, k, threads);
        expect(blocks.length).toBeGreaterThanOrEqual(1);
        expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
        if (threads === 1) expect(blocks).toHaveLength(1);
        const seen = new Uint8Array(m * n);
        for (const b of blocks) for (let i = b.i0; i < b.i0 + b.rows; i++) for (let j = b.j0; j < b.j0 + b.cols; j++) seen[i * n + j]!++;
        expect(seen.every((v) => v === 1)).toBe(true);
        if (2 * m * n * k < THREAD_MIN_FLOPS) expect(blocks).toHaveLength(1);
      });
    }
  }
});

describe("gemm packing plan", () => {
  for (const [m, n] of [[5, 8], [133, 530], [640, 6786], [6786, 1024], [9, 700], [4, 100003]] as const) {
    for (const threads of [2, 3, 4]) {
      it(`${m}×${n} over ${threads} threads packs every row of op(A) and column of op(B) once, in whole panels`, () => {
        const pieces = planPackSplit(m, n, threads);
        const rows = new Uint8Array(m);
        const cols = new Uint8Array(n);
        for (const { operand, start, count } of pieces) {
          expect(start % (operand === 0 ? 4 : 8)).toBe(0);
          expect(count).toBeGreaterThan(0);
          const seen = operand === 0 ? rows : cols;
          for (let i = start; i < start + count; i++) seen[i]!++;
        }
        expect(rows.every((v) => v === 1)).toBe(true);
        expect(cols.every((v) => v === 1)).toBe(true);
        // Shares for every thread when the operands have panels enough.
        if (Math.ceil(m / 4) + Math.ceil(n / 8) >= 2 * threads) expect(pieces.length).toBeGreaterThanOrEqual(threads);
      });
    }
  }
});

describe("threaded matmul", () => {
  // The last two are at least SHARED_PACK_MIN_FLOPS: on threads, packed whole first, then computed in blocks.
  const shapes: [number, number, number][] = [[96, 300, 200], [5, 2000, 300], [400, 9, 700], [1, 9000, 300], [37, 531, 123], [133, 530, 500], [9, 700, 5400]];
  it("includes products large enough for the two-phase path", () => {
    expect(shapes.filter(([m, n, k]) => 2 * m * n * k >= SHARED_PACK_MIN_FLOPS)).toHaveLength(2);
  });
  for (const set of fastKernelSets()) {
    for (const [m, n, k] of shapes) {
      it(`${set.name}: ${m}×${k}×${n} gives the same bits on 1, 2 and 3 threads (all layouts, accumulate, in or out of kernel memory)`, () => {
        const rand = seeded(m * 7 + n * 3 + k);
        const arena = new Arena();
        for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
          for (const accumulate of [false, true]) {
            const a = randomArray(Float32Array, m * k, rand) as Float32Array;
            const b = randomArray(Float32Array, k * n, rand) as Float32Array;
            const c0 = randomArray(Float32Array, m * n, rand) as Float32Array;
            let ref: Buffer | null = null;
            for (const threads of [1, 2, 3]) {
              setThreadCount(threads);
              for (const inMem of [false, true]) {
                const c = inMem ? inKernelMemory(arena, c0) : Float32Array.from(c0);
                const A = inMem ? inKernelMemory(arena, a) : a;
                const B = inMem ? inKernelMemory(arena, b) : b;
                set.kernels.matmul(A, 0, B, 0, c, 0, m, n, k, transA, transB, accumulate);
                const got = Buffer.from(bits(c));
                if (!ref) ref = got;
                else expect(got.equals(ref), `threads ${threads} inMem ${inMem} transA ${transA} transB ${transB} acc ${accumulate}`).toBe(true);
              }
            }
          }
        }
      });
    }
  }
});

describe("range split plan", () => {
  for (const [n, min, align] of [[1, 1, 1], [10, 1, 4], [1 << 20, 1 << 15, 4], [100003, 1000, 4], [7, 2, 1], [65536, 65536, 4], [300000, 1 << 17, 4]] as const) {
    for (const threads of [1, 2, 3, 4]) {
      it(`[0, ${n}) over ${threads} threads (≥ ${min} each, aligned to ${align}) covers every index once`, () => {
        const pieces = planRangeSplit(n, threads, min, align);
        expect(pieces.length).toBeGreaterThanOrEqual(1);
        if (threads === 1 || n < 2 * min) expect(pieces).toEqual([[0, n]]);
        let next = 0;
        for (const [s, c] of pieces) {
          expect(s).toBe(next);
          expect(c).toBeGreaterThan(0);
          expect(s % align).toBe(0);
          if (pieces.length > 1) expect(c).toBeGreaterThanOrEqual(Math.min(min, n));
          next = s + c;
        }
        expect(next).toBe(n);
      });
    }
  }
});

describe("kernels split by ranges", () => {
  // Sizes above the one-thread thresholds (Adam 2¹⁵ per thread, scaling 2¹⁷, cross-entropy 2¹⁶
  // logits), odd so the last piece is ragged, plus one below them.
  const sizes = [5 + (1 << 18), 1 << 16, 999];
  const ceShapes: [number, number][] = [[97, 1733], [40, 4099], [3, 50]];
  for (const set of fastKernelSets()) {
    it(`${set.name}: adamStep (plain and AMSGrad) and scaleInPlace give the same bits on 1, 2 and 3 threads, in or out of kernel memory`, () => {
      const arena = new Arena();
      for (const n of sizes) {
        const rand = seeded(n);
        const p0 = randomArray(Float32Array, n, rand) as Float32Array;
        const g = randomArray(Float32Array, n, rand) as Float32Array;
        const m0 = randomArray(Float32Array, n, rand) as Float32Array;
        const v0 = (randomArray(Float32Array, n, rand) as Float32Array).map(Math.abs);
        for (const ams of [false, true]) {
          let ref: Buffer | null = null;
          for (const threads of [1, 2, 3]) {
            setThreadCount(threads);
            for (const inMem of [false, true]) {
              const copy = (a: Float32Array) => (inMem ? inKernelMemory(arena, a) : Float32Array.from(a));
              const p = copy(p0), m = copy(m0), v = copy(v0), vMax = ams ? copy(v0) : null;
              set.kernels.adamStep(p, inMem ? inKernelMemory(arena, g) : g, m, v, vMax, n, 0.9, 0.999, 1e-8, 0.01, 1, 1e-3, 0.3);
              set.kernels.scaleInPlace(p, 0, n, 0.7);
              const got = Buffer.concat([bits(p), bits(m), bits(v), ...(vMax ? [bits(vMax)] : [])]);
              if (!ref) ref = got;
              else expect(got.equals(ref), `n ${n} ams ${ams} threads ${threads} inMem ${inMem}`).toBe(true);
            }
          }
        }
      }
    });

    it(`${set.name}: crossEntropyRows and its backward give the same bits on 1, 2 and 3 threads (ignored rows, smoothing, accumulate, in place)`, () => {
      const arena = new Arena();
      for (const [rows, cols] of ceShapes) {
        const rand = seeded(rows * cols);
        const x = (randomArray(Float32Array, rows * cols, rand) as Float32Array).map((v) => 4 * v);
        const targets = Int32Array.from({ length: rows }, (_, r) => (r % 7 === 3 ? 0 : 1 + ((r * 31) % (cols - 1))));
        const dx0 = randomArray(Float32Array, rows * cols, rand) as Float32Array;
        for (const smoothing of [0, 0.1]) {
          for (const mode of ["write", "accumulate", "inPlace"] as const) {
            let ref: Buffer | null = null;
            for (const threads of [1, 2, 3]) {
              setThreadCount(threads);
              for (const inMem of [false, true]) {
                const copy = (a: Float32Array) => (inMem ? inKernelMemory(arena, a) : Float32Array.from(a));
                const xs = copy(x), lse = copy(new Float32Array(rows)), loss = copy(new Float32Array(rows));
                set.kernels.crossEntropyRows(xs, targets, lse, loss, rows, cols, 0, smoothing);
                const dx = mode === "inPlace" ? xs : copy(dx0);
                set.kernels.crossEntropyBackwardRows(xs, targets, lse, dx, rows, cols, 0, smoothing, 0.5, mode === "accumulate");
                const got = Buffer.concat([bits(lse), bits(loss), bits(dx)]);
                if (!ref) ref = got;
                else expect(got.equals(ref), `${rows}×${cols} ε ${smoothing} ${mode} threads ${threads} inMem ${inMem}`).toBe(true);
              }
            }
          }
        }
      }
    });
  }
});

describe("threaded fill", () => {
  // zeroFloats on kernel memory goes through the bound fill: ranges of bytes on the threads for large fills.
  for (const floats of [(1 << 19) + 3, 7_000_001, 1000]) {
    it(`zeroes exactly ${floats} floats of kernel memory on 1, 2 and 3 threads`, () => {
      fastKernelSets(); // binds the WebAssembly fill
      const arena = new Arena();
      arena.run(() => {
        const block = inKernelMemory(arena, new Float32Array(floats + 8));
        for (const threads of [1, 2, 3]) {
          setThreadCount(threads);
          block.fill(NaN);
          zeroFloats(block.subarray(4, 4 + floats));
          expect(block.subarray(4, 4 + floats).every((v) => Object.is(v, 0)), `threads ${threads}`).toBe(true);
          expect([...block.subarray(0, 4), ...block.subarray(4 + floats)].every(Number.isNaN), `threads ${threads}: outside untouched`).toBe(true);
        }
      });
    });
  }
});
