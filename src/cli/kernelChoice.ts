import { UserError } from "../errors.js";
import { createWasmKernels, setKernels } from "../kernels/index.js";

/**
 * ATTN_KERNELS selects the compute kernels for the whole process: "js" (default; plain
 * TypeScript, float64 accumulation) or "wasm" (WebAssembly SIMD matmul, ~6× faster on large
 * products, float32 accumulation, so results differ from js in the last bits). A run is bitwise
 * reproducible with the same kernels; docs/performance.md has the numbers.
 */
export function applyKernelChoice(env: NodeJS.ProcessEnv = process.env): string {
  const choice = env.ATTN_KERNELS ?? "js";
  if (choice === "js") return "js";
  if (choice === "wasm") {
    const k = createWasmKernels();
    if (!k) throw new UserError("ATTN_KERNELS=wasm: this Node.js cannot run WebAssembly SIMD; unset ATTN_KERNELS to use the js kernels");
    setKernels(k);
    return "wasm";
  }
  throw new UserError(`ATTN_KERNELS: expected js or wasm; got "${choice}"`);
}
