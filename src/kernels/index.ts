import type { Kernels } from "./types.js";
import { jsKernels } from "./js/index.js";

export type { Kernels } from "./types.js";

/**
 * The active kernels. Ops call `kernels().matmul(...)` etc.; `setKernels` swaps in another
 * implementation (e.g. WebAssembly SIMD) without touching autograd or models.
 */
let active: Kernels = jsKernels;

export function kernels(): Kernels {
  return active;
}

export function setKernels(k: Kernels): void {
  active = k;
}

export { jsKernels };

/** Kernels with a WebAssembly SIMD matmul (null where unsupported): `setKernels(createWasmKernels() ?? jsKernels)`. */
export { createWasmKernels } from "./wasm/index.js";
