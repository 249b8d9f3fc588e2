/**
 * Timing of the causal Performer prefix-sum kernels, js reference against the WebAssembly sets
 * (not a test; raw numbers in docs/bench-results/performer-simd-2026-12-01.txt):
 *   npx tsx bench/kernels/performerKernels.ts
 * N = 4 head rows, T = S = n, m = 64 features, dv = 16 (dim 64 in 4 heads), inputs in kernel
 * memory; the minimum of 7 calls after JIT warm-up.
 */
import { best as bestOf, kernelSets } from "./kernelSets.js";
import { Arena } from "../../src/tensor/storage.js";

const N = 4, m = 64, dv = 16, RUNS = 7;
const sets = kernelSets();

const best = (f: () => void): number => bestOf(f, RUNS);

const arena = new Arena();
console.log(`N = ${N}, m = ${m}, dv = ${dv}; min of ${RUNS} calls, ms`);
for (const n of [256, 1024, 4096]) {
  arena.run(() => {
    const fq = arena.floats(N * n * m), fk = arena.floats(N * n * m), v = arena.floats(N * n * dv), g = arena.floats(N * n * dv);
    let s = 1;
    const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < fq.length; i++) { fq[i] = r(); fk[i] = r(); }
    for (let i = 0; i < v.length; i++) { v[i] = r() - 0.5; g[i] = r() - 0.5; }
    const out = arena.floats(N * n * dv), den = new Float64Array(N * n);
    const dq = arena.floats(N * n * m), dk = arena.floats(N * n * m), dV = arena.floats(N * n * dv);
    const state = new Float64Array(m * dv + m), gs = new Float64Array(dv + 1);
    for (const [name, k] of sets) {
      const fwd = best(() => k.performerCausalForward(fq, fk, v, out, den, N, n, n, m, dv, state));
      const bwd = best(() => k.performerCausalBackward(g, fq, fk, v, out, den, dq, dk, dV, N, n, n, m, dv, state, gs));
      console.log(`n = ${String(n).padStart(4)} ${name.padEnd(8)} forward ${fwd.toFixed(2)}  backward ${bwd.toFixed(2)}`);
    }
  });
  arena.reset();
}
