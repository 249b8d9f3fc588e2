import { jsKernels } from "../js/index.js";
import type { Kernels } from "../types.js";
import type { Avx2Gemm } from "../native/avx2.js";
import { bindGemm } from "./gemm.js";
import { bindRandom } from "./random.js";
import { bindLayout } from "./layout.js";
import { type WasmVariant, WasmRuntime } from "./runtime.js";
import { bindSoftmax } from "./softmax.js";
import { bindRnn } from "./rnn.js";
import { bindCrossEntropy } from "./crossEntropy.js";
import { bindOptim } from "./optim.js";
import { bindNorm } from "./norm.js";
import { bindEnergies } from "./energies.js";
import { bindElementwise } from "./elementwise.js";
import { bindWindow } from "./window.js";
import { bindEntmax } from "./entmax.js";
import { bindPerformer } from "./performer.js";
import { bindCopyMixture } from "./copyMixture.js";

export type { WasmVariant } from "./runtime.js";

/**
 * Binds a family of kernels to the loaded module. Each returns only the kernels it replaces;
 * every binding falls back to the JS kernel for Float64Array storage (gradient checks), so the
 * float64 reference path never changes.
 */
export type KernelBinding = (rt: WasmRuntime) => Partial<Kernels>;

/** Every family of WebAssembly kernels but the gemm (bound first, on its own), in the order they are layered over the JS kernels. */
const bindings: KernelBinding[] = [bindSoftmax, bindRnn, bindCrossEntropy, bindOptim, bindNorm, bindEnergies, bindElementwise, bindRandom, bindLayout, bindWindow, bindEntmax, bindPerformer, bindCopyMixture];

/** Kernel-set names by module variant. */
export const WASM_SET_NAMES: Record<WasmVariant, string> = { simd: "wasm", fma: "wasm-fma" };

/**
 * The WebAssembly SIMD kernels of one variant ("simd": multiply then add; "fma": relaxed SIMD
 * fused multiply-add), layered over the JS kernels; null where this engine cannot run them.
 * With `avx2` (the FMA variant only), large products run on the native AVX2 gemm instead, which
 * gives the same bits as the FMA variant's: the kernel set "avx2".
 */
export function createWasmKernels(variant: WasmVariant = "simd", avx2: Avx2Gemm | null = null): Kernels | null {
  if (avx2 && variant !== "fma") throw new Error("createWasmKernels: the AVX2 gemm joins the fma variant only");
  const rt = WasmRuntime.load(variant);
  if (!rt) return null;
  let k: Kernels = { ...jsKernels, ...bindGemm(rt, avx2), name: avx2 ? "avx2" : WASM_SET_NAMES[variant] };
  for (const bind of bindings) k = { ...k, ...bind(rt) };
  return k;
}
