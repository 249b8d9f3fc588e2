/**
 * The kernel sets every conformance test runs over. The js set is the reference; each other set
 * must agree with it within float32 tolerance, and with itself bit for bit across runs and
 * across where its inputs live (kernel memory or the JS heap).
 */
import { readFileSync } from "node:fs";
import { createKernels, jsKernels, KERNEL_SET_NAMES, type Kernels } from "../../src/kernels/index.js";
import { Arena } from "../../src/tensor/storage.js";

export interface KernelSet {
  name: string;
  kernels: Kernels;
}

/**
 * True where the avx2 set must be available: Linux x86-64 with a CPU that reports AVX2 and FMA
 * (read from /proc/cpuinfo, independently of the module's own check).
 */
export function avx2Expected(): boolean {
  if (process.platform !== "linux" || process.arch !== "x64") return false;
  const flags = /^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.split(/\s+/) ?? [];
  return flags.includes("avx2") && flags.includes("fma");
}

/**
 * Every kernel set this engine can run except js (the reference); avx2 where avx2Expected().
 * Fails loudly if one of them is missing.
 */
export function fastKernelSets(): KernelSet[] {
  const out: KernelSet[] = [];
  for (const name of KERNEL_SET_NAMES) {
    if (name === "js" || (name === "avx2" && !avx2Expected())) continue;
    const k = createKernels(name);
    if (!k) throw new Error(`kernel set ${name} is not available on this Node; the suite needs it`);
    out.push({ name, kernels: k });
  }
  return out;
}

export const reference: KernelSet = { name: "js", kernels: jsKernels };

/** A copy of `a` placed in kernel memory (an arena the caller keeps), to exercise the zero-copy path. */
export function inKernelMemory(arena: Arena, a: Float32Array): Float32Array {
  const b = arena.floats(a.length);
  b.set(a);
  return b;
}

export { Arena };
