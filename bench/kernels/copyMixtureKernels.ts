/**
 * Timing of the pointer-generator mixture kernels, js reference against the WebAssembly sets
 * (not a test; raw numbers in docs/bench-results/copymix-simd-2026-12-01.txt):
 *   npx tsx bench/kernels/copyMixtureKernels.ts
 * 256 target rows (16 sentences × 16 steps), vocabulary 8,000 + 20 extended words, 30 source
 * positions, inputs in kernel memory; the minimum of 7 calls after JIT warm-up.
 */
import { best as bestOf, kernelSets } from "./kernelSets.js";
import { Arena } from "../../src/tensor/storage.js";

const sentences = 16, per = 16, rows = sentences * per, vocab = 8000, extended = vocab + 20, srcLen = 30, RUNS = 7;
const sets = kernelSets();

const best = (f: () => void): number => bestOf(f, RUNS);

const arena = new Arena();
arena.run(() => {
  let s = 3;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const logits = arena.floats(rows * vocab), gate = arena.floats(rows), weights = arena.floats(rows * srcLen);
  const out = arena.floats(rows * extended), dOut = arena.floats(rows * extended);
  const dl = arena.floats(rows * vocab), dg = arena.floats(rows), dw = arena.floats(rows * srcLen);
  for (let i = 0; i < logits.length; i++) logits[i] = 8 * r() - 4;
  for (let i = 0; i < rows; i++) gate[i] = 4 * r() - 2;
  for (let i = 0; i < weights.length; i++) weights[i] = r() / srcLen;
  for (let i = 0; i < dOut.length; i++) dOut[i] = r() < 0.001 ? -1 : 0;
  const ids = Int32Array.from({ length: sentences * srcLen }, () => Math.floor(r() * extended));
  const rowSentence = Int32Array.from({ length: rows }, (_, i) => Math.floor(i / per));
  console.log(`rows ${rows}, vocab ${vocab} (+20 extended), srcLen ${srcLen}; min of ${RUNS} calls, ms`);
  for (const [name, k] of sets) {
    const f = best(() => k.copyMixtureForward(logits, gate, weights, ids, rowSentence, out, rows, vocab, srcLen, extended));
    const b = best(() => k.copyMixtureBackward(logits, gate, weights, ids, rowSentence, dOut, dl, dg, dw, rows, vocab, srcLen, extended));
    console.log(`${name.padEnd(8)} copyMixtureForward ${f.toFixed(2)}  copyMixtureBackward ${b.toFixed(2)}`);
  }
});
