import { jsKernels } from "../js/index.js";
import { matmul as jsMatmul } from "../js/matmul.js";
import type { Kernels } from "../types.js";
import { WasmMatmul } from "./matmul.js";

/**
 * Kernels with the matmul on WebAssembly SIMD and everything else from the JS kernels.
 * Only float32 products big enough to pay for the copy in and out go to WebAssembly; float64
 * storage (gradient checks) and small or thin products stay on the JS matmul, which sums in
 * float64. Returns null where the engine cannot run the SIMD module.
 *
 * Use: `setKernels(createWasmKernels() ?? jsKernels)`.
 */
export function createWasmKernels(): Kernels | null {
  if (!WasmMatmul.supported()) return null;
  let wasm: WasmMatmul;
  try {
    wasm = new WasmMatmul();
  } catch {
    return null; // e.g. shared memory unavailable
  }
  const matmul: Kernels["matmul"] = (a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, accumulate) => {
    if (c instanceof Float32Array && !useJs(m, n, k) && WasmMatmul.fits(m, n, k)) {
      wasm.matmul(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, accumulate);
    } else {
      jsMatmul(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB, accumulate);
    }
  };
  return { ...jsKernels, name: "wasm-simd", matmul };
}

/**
 * Products left to the JS matmul: a single row or column (the wasm tiles are 4×8, so most of
 * the work would be padding) or tiny ones. bench/matmulSmall.ts: wasm wins from 2×256×256 and
 * 8×8×8 up, the JS direct loops win at m = 1.
 */
function useJs(m: number, n: number, k: number): boolean {
  return m < 2 || n < 2 || k < 1 || m * n * k < 256;
}
