/**
 * Kernel threads: a product split over 1, 2 or 3 threads gives the same bits (blocks of whole
 * columns or rows, never the reduction), for every layout, with operands in kernel memory or on
 * the JS heap; the split plan covers the output exactly once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { setThreadCount, threadCount } from "../../../src/kernels/index.js";
import { planGemmSplit, THREAD_MIN_FLOPS } from "../../../src/kernels/wasm/gemmSplit.js";
import { Arena, fastKernelSets, inKernelMemory } from "../sets.js";
import { randomArray, seeded } from "../helpers.js";

const initial = threadCount();
afterAll(() => setThreadCount(initial));

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("gemm split plan", () => {
  for (const [m, n, k] of [[640, 6786, 512], [3, 4096, 512], [4096, 5, 400], [1, 70000, 64], [64, 64, 64], [100, 37, 3000], [9, 65, 9000]] as const) {
    for (const threads of [1, 2, 3, 4]) {
      it(`${m}×${n} (k ${k}) over ${threads} threads covers every output once`, () => {
        const blocks = planGemmSplit(m, n, k, threads);
        expect(blocks.length).toBeGreaterThanOrEqual(1);
        expect(blocks.length).toBeLessThanOrEqual(threads);
        const seen = new Uint8Array(m * n);
        for (const b of blocks) for (let i = b.i0; i < b.i0 + b.rows; i++) for (let j = b.j0; j < b.j0 + b.cols; j++) seen[i * n + j]!++;
        expect(seen.every((v) => v === 1)).toBe(true);
        if (2 * m * n * k < THREAD_MIN_FLOPS) expect(blocks).toHaveLength(1);
      });
    }
  }
});

describe("threaded matmul", () => {
  const shapes: [number, number, number][] = [[96, 300, 200], [5, 2000, 300], [400, 9, 700], [1, 9000, 300], [37, 531, 123]];
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
