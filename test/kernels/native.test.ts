/**
 * The native AVX2 gemm (src/kernels/native): it loads wherever the CPU has AVX2 and FMA, gives
 * exactly the bits of the wasm-fma gemm (the same fused multiply-add chain per element) on every
 * shape, layout and thread count, and refuses addresses outside the kernel memory (build.test.ts
 * checks that the committed module is built from the committed sources).
 */
import { afterAll, describe, expect, it } from "vitest";
import { createKernels, kernelsForChoice, sameBitsKernels, setThreadCount, threadCount } from "../../src/kernels/index.js";
import { loadAvx2Gemm } from "../../src/kernels/native/avx2.js";
import { WasmRuntime } from "../../src/kernels/wasm/runtime.js";
import { attachAvx2, ThreadPool } from "../../src/kernels/wasm/threads.js";
import { kernelMemory } from "../../src/tensor/storage.js";
import { randomArray, seeded } from "./helpers.js";
import { Arena, avx2Expected, inKernelMemory } from "./sets.js";

const initial = threadCount();
afterAll(() => setThreadCount(initial));

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("native AVX2 gemm", () => {
  it("is available exactly where the CPU has AVX2 and FMA on Linux x86-64, and is then the default", () => {
    expect(loadAvx2Gemm() !== null).toBe(avx2Expected());
    expect(createKernels("avx2") !== null).toBe(avx2Expected());
    if (!avx2Expected()) expect(kernelsForChoice("avx2")).toMatch(/^ATTN_KERNELS=avx2: the native AVX2 matrix multiply runs only on Linux x86-64/);
  });

  it("avx2 and wasm-fma count as the same bits for a resumed run; other sets do not", () => {
    expect(sameBitsKernels("avx2", "wasm-fma")).toBe(true);
    expect(sameBitsKernels("wasm-fma", "avx2")).toBe(true);
    expect(sameBitsKernels("avx2", "avx2")).toBe(true);
    expect(sameBitsKernels("avx2", "wasm")).toBe(false);
    expect(sameBitsKernels("js", "wasm-fma")).toBe(false);
  });

  if (!avx2Expected()) return;
  const avx2 = createKernels("avx2")!;
  const fma = createKernels("wasm-fma")!;

  // Edge shapes around the 6×16 register tile, the 120-row and 256-column blocks and the 256-deep
  // depth blocks, tiny products (which stay on the WebAssembly gemm), k = 0, and the products of
  // the benchmark models (output layer, recurrent steps), some large enough for two-phase threads.
  const shapes: [number, number, number][] = [
    [5, 17, 3], [6, 16, 1], [7, 15, 2], [13, 33, 257], [121, 257, 255], [240, 512, 513], [1, 300, 200], [4, 100, 64],
    [64, 768, 256], [97, 33, 130], [9, 70, 0], [31, 1000, 37], [384, 1030, 300], [133, 530, 500], [9, 700, 5400],
  ];
  for (const [m, n, k] of shapes) {
    it(`${m}×${k}×${n}: the same bits as wasm-fma, all layouts, accumulate, offsets, on 1, 2 and 3 threads`, () => {
      const rand = seeded(m * 131 + n * 7 + k);
      const arena = new Arena();
      for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
        for (const accumulate of [false, true]) {
          const off = 3;
          const a = randomArray(Float32Array, off + m * k, rand) as Float32Array;
          const b = randomArray(Float32Array, off + k * n, rand) as Float32Array;
          const c0 = randomArray(Float32Array, off + m * n, rand, -4, 4) as Float32Array;
          setThreadCount(1);
          const want = Float32Array.from(c0);
          fma.matmul(a, off, b, off, want, off, m, n, k, transA, transB, accumulate);
          for (const threads of [1, 2, 3]) {
            setThreadCount(threads);
            for (const inMem of [false, true]) {
              const c = inMem ? inKernelMemory(arena, c0) : Float32Array.from(c0);
              avx2.matmul(inMem ? inKernelMemory(arena, a) : a, off, inMem ? inKernelMemory(arena, b) : b, off, c, off, m, n, k, transA, transB, accumulate);
              expect(bits(c).equals(bits(want)), `threads ${threads} inMem ${inMem} transA ${transA} transB ${transB} acc ${accumulate}`).toBe(true);
            }
          }
        }
      }
    });
  }

  it("keeps NaN, infinities and signed zeros exactly as wasm-fma does", () => {
    const m = 12, n = 40, k = 9;
    const rand = seeded(5);
    const a = randomArray(Float32Array, m * k, rand) as Float32Array;
    const b = randomArray(Float32Array, k * n, rand) as Float32Array;
    a[3] = NaN, a[20] = Infinity, a[40] = -0, b[7] = -Infinity, b[50] = 1e-40, a[50] = 3e38, b[60] = 3e38;
    setThreadCount(1);
    const want = new Float32Array(m * n);
    const got = new Float32Array(m * n);
    fma.matmul(a, 0, b, 0, want, 0, m, n, k, false, false, false);
    avx2.matmul(a, 0, b, 0, got, 0, m, n, k, false, false, false);
    expect(bits(got).equals(bits(want))).toBe(true);
    expect(got.some(Number.isNaN)).toBe(true);
  });

  it("refuses addresses outside the kernel memory and blocks off their panels (RangeError, nothing written)", () => {
    const g = loadAvx2Gemm()!;
    const mem = kernelMemory();
    g.setMemory(new Uint8Array(mem.buffer));
    const end = mem.buffer.byteLength;
    expect(() => g.gemm(8, 8, 8, end - 16, 8, 0, 0, 8, 0, 0, 8, 0, 0)).toThrow(RangeError);
    expect(() => g.gemm(8, 8, 8, 0, 8, 0, 0, 8, 0, 0, 8, 0, end)).toThrow(RangeError);
    expect(() => g.gemm(8, 8, 8, 2, 8, 0, 0, 8, 0, 0, 8, 0, 0)).toThrow(RangeError);
    expect(() => g.gemm_block(3, 6, 0, 16, 12, 16, 4, 0, 0, 0, 16, 0)).toThrow(RangeError);
    expect(() => g.gemm_block(0, 18, 0, 16, 12, 16, 4, 0, 0, 0, 16, 0)).toThrow(RangeError);
    expect(() => g.gemm_pack(1, 8, 8, 32, 4, 0, 32, 0, 0)).toThrow(RangeError);
    expect(() => (g.gemm as unknown as (...args: number[]) => void)(8, 8)).toThrow(TypeError);
  });

  it("a job that fails on a kernel thread is an error for the caller, and the pool keeps working", () => {
    const rt = WasmRuntime.load("fma")!;
    attachAvx2(rt, loadAvx2Gemm()!);
    const pool = new ThreadPool(rt, 3);
    try {
      // i0 = 3 is not on a panel of 6 rows: every job throws a RangeError, on whichever thread takes it.
      const bad = [3, 6, 0, 16, 12, 16, 4, 0, 0, 0, 16, 0];
      expect(() => pool.run("avx2_gemm_block", Array.from({ length: 12 }, () => bad))).toThrow();
      const bytes = new Uint8Array(rt.mem.buffer, rt.mem.carve(4096), 4096).fill(7);
      pool.run("fill_bytes", [0, 1, 2, 3].map((q) => [bytes.byteOffset + q * 1024, 0, 1024]));
      expect(bytes.every((v) => v === 0)).toBe(true);
    } finally {
      pool.close();
    }
  });
});
