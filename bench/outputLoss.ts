/**
 * Row softmax, cross-entropy and the fused output layer, per kernel set (issue 8, point 4):
 *
 *   npx tsx bench/outputLoss.ts [--rows 640] [--dim 512] [--vocab 6786] [--pad 0.25] [--runs 5]
 *
 * Prints the median ms of: softmaxRows over [rows, vocab]; crossEntropy forward + backward on
 * [rows, vocab] logits; the output layer + loss forward + backward composed from ops
 * (crossEntropy(add(matmul(h, Wᵀ), b))) and fused (outputLayerLoss), with a fraction `pad` of
 * the rows ignored (padding). Tensors live in a step arena (kernel memory), as in training.
 */
import { createKernels, KERNEL_SET_NAMES, withKernels } from "../src/kernels/index.js";
import { add, crossEntropy, matmul, outputLayerLoss } from "../src/ops/index.js";
import { Rng } from "../src/tensor/rng.js";
import { Arena } from "../src/tensor/storage.js";
import { Tensor } from "../src/tensor/tensor.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const N = arg("rows", 640), D = arg("dim", 512), V = arg("vocab", 6786), pad = arg("pad", 0.25), runs = arg("runs", 5);

const rng = new Rng(1);
const fill = (t: Tensor, s: number) => {
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * s;
  return t;
};
const arena = new Arena();
const persistent = new Arena(); // inputs and parameters, kept for the whole run
const { h, w, b, logits } = persistent.run(() => ({
  h: fill(Tensor.zeros([N, D]), 1),
  w: fill(Tensor.zeros([V, D]), 1 / Math.sqrt(D)),
  b: fill(Tensor.zeros([V]), 0.1),
  logits: fill(Tensor.zeros([N, V]), 3),
}));
const targets = new Int32Array(N);
for (let i = 0; i < N; i++) targets[i] = i >= N * (1 - pad) ? 0 : 1 + rng.int(V - 1);
const opts = { ignoreIndex: 0, labelSmoothing: 0.1 };

function median(fn: () => void): number {
  fn(); // warm-up
  const ts: number[] = [];
  for (let r = 0; r < runs; r++) {
    arena.reset();
    const t0 = performance.now();
    arena.run(fn);
    ts.push(performance.now() - t0);
  }
  arena.reset();
  return ts.sort((a, c) => a - c)[Math.floor(ts.length / 2)]!;
}

const step = (loss: () => Tensor) => () => {
  for (const p of [h, w, b]) {
    p.requiresGrad = true;
    p.grad = null;
  }
  loss().backward();
};

console.log(`rows ${N}, dim ${D}, vocab ${V}, ${Math.round(pad * 100)}% padding rows, median of ${runs} (ms)`);
console.log("kernels    softmaxRows  crossEntropy f+b  output layer composed f+b  fused f+b");
for (const name of KERNEL_SET_NAMES) {
  const k = createKernels(name);
  if (!k) continue;
  withKernels(k, () => {
    const out = persistent.run(() => Tensor.zeros([N, V]));
    const sm = median(() => k.softmaxRows(logits.data, out.data, N, V, null));
    const ce = median(() => {
      const x = Tensor.zeros([N, V]);
      x.data.set(logits.data);
      x.requiresGrad = true;
      crossEntropy(x, targets, opts).backward();
    });
    const composed = median(step(() => crossEntropy(add(matmul(h, w, { transB: true }), b), targets, opts)));
    const fused = median(step(() => outputLayerLoss(h, w, b, targets, opts)));
    console.log(`${name.padEnd(10)} ${sm.toFixed(2).padStart(11)}  ${ce.toFixed(2).padStart(16)}  ${composed.toFixed(1).padStart(26)}  ${fused.toFixed(1).padStart(9)}`);
  });
}
