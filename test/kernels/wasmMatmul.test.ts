import { describe, expect, it } from "vitest";
import { jsKernels } from "../../src/kernels/index.js";
import { createWasmKernels } from "../../src/kernels/wasm/index.js";
import { WasmMatmul } from "../../src/kernels/wasm/matmul.js";
import { s32, u32 } from "../../src/kernels/wasm/emit.js";
import { check, type Impl, layouts, sizes } from "./matmulCheck.js";

/** Float32 sums in the wasm kernel: allow k roundings of the sum of magnitudes. */
const f32Tol = (k: number) => 1.2e-7 * (k + 2);

describe("wasm emitter", () => {
  it("writes LEB128 numbers", () => {
    expect(u32(0)).toEqual([0]);
    expect(u32(127)).toEqual([0x7f]);
    expect(u32(128)).toEqual([0x80, 0x01]);
    expect(u32(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(s32(0)).toEqual([0]);
    expect(s32(63)).toEqual([0x3f]);
    expect(s32(64)).toEqual([0xc0, 0x00]);
    expect(s32(-1)).toEqual([0x7f]);
    expect(s32(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

describe.runIf(WasmMatmul.supported())("WebAssembly SIMD matmul", () => {
  const wasm = new WasmMatmul();
  const forced: Impl = (a, ao, b, bo, c, co, m, n, k, ta, tb, acc) => wasm.matmul(a, ao, b, bo, c, co, m, n, k, ta, tb, acc);

  for (const [layout, tA, tB] of layouts) {
    it(`${layout}: all sizes, offsets, accumulate on/off, against a float64 reference`, () => {
      let seed = 1;
      for (const [m, k, n] of [...sizes, [37, 120, 45] as [number, number, number]]) {
        for (const accumulate of [false, true]) check(forced, Float32Array, m, k, n, tA, tB, accumulate, seed++, f32Tol(k));
      }
    });
  }

  it("grows its memory for big products and stays correct for small ones afterwards", () => {
    let seed = 50;
    for (const [m, k, n] of [[5, 9, 6], [300, 200, 260], [7, 3, 9], [300, 200, 260]] as const) {
      check(forced, Float32Array, m, k, n, false, true, false, seed++, f32Tol(k));
    }
    expect(wasm.memoryBytes).toBeGreaterThanOrEqual(4 * (300 * 200 + 200 * 264 + 300 * 264));
  });

  it("createWasmKernels: float32 via wasm, float64 and small products via the JS kernels", () => {
    const K = createWasmKernels()!;
    expect(K.name).toBe("wasm-simd");
    expect(K.softmaxRows).toBe(jsKernels.softmaxRows);
    let seed = 80;
    for (const [, tA, tB] of layouts) {
      for (const [m, k, n] of sizes) {
        for (const accumulate of [false, true]) {
          check(K.matmul, Float32Array, m, k, n, tA, tB, accumulate, seed++, f32Tol(k));
          check(K.matmul, Float64Array, m, k, n, tA, tB, accumulate, seed++); // float64-exact: JS path
        }
      }
    }
  });
});
