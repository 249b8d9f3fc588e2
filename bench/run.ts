/**
 * `npm run bench` — kernel benchmarks for attn.
 *
 *   npm run bench                 # table on stdout
 *   npm run bench -- --json       # machine-readable results
 *   npm run bench -- --runs 11    # more timed runs per benchmark (median reported)
 *   npm run bench -- --only gru   # only benchmarks whose name contains "gru"
 *   npm run bench -- --kernels js # one kernel set: js, wasm (SIMD), wasm-fma (relaxed SIMD), avx2 (native AVX2 matmul) or all (default)
 *   ATTN_THREADS=2 npm run bench  # kernels on 2 threads (default here: 1)
 *
 * Matmul shapes are m×k×n: C[m×n] = op(A)[m×k] · op(B)[k×n], so one product is 2·m·k·n FLOP.
 * The GRU step is one layer, one time step, batch 64, input 256, hidden 256 (see gruStep below).
 * Operands live in kernel memory (an Arena), as tensors do during training, so the wasm rows
 * include no copying; one extra row per wasm set shows the same NN product on JS-heap arrays
 * (copied in and out by the runtime).
 */
import os from "node:os";
import { createKernels, KERNEL_SET_NAMES, type KernelSetName, setThreadCount } from "../src/kernels/index.js";
import type { Kernels } from "../src/kernels/types.js";
import { Arena } from "../src/tensor/storage.js";
import { defaultTimeOptions, filled, table, type Timing, time } from "./harness.js";
import { elementwiseRows } from "./elementwise.js";

interface Result {
  kernels: string;
  name: string;
  shape: string;
  /** Floating-point operations per call (multiply and add counted separately). */
  flop: number;
  medianUs: number;
  minUs: number;
  maxUs: number;
  /** GFLOP/s at the median time (0 for rows that do no arithmetic). */
  gflops: number;
}

interface Args {
  json: boolean;
  runs: number;
  only: string | null;
  kernels: KernelSetName | "all";
}

function parseArgs(argv: string[]): Args {
  let json = false;
  let runs = defaultTimeOptions.runs;
  let only: string | null = null;
  let kernels: Args["kernels"] = "all";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") json = true;
    else if (a === "--runs") runs = Number(argv[++i]);
    else if (a === "--only") only = argv[++i] ?? "";
    else if (a === "--kernels") {
      const v = argv[++i] ?? "";
      if (v !== "all" && !(KERNEL_SET_NAMES as readonly string[]).includes(v)) {
        console.error(`bench: --kernels must be ${KERNEL_SET_NAMES.join(", ")} or all`);
        process.exit(2);
      }
      kernels = v as Args["kernels"];
    } else if (a === "--help" || a === "-h") {
      console.log(`usage: npm run bench -- [--json] [--runs N] [--only SUBSTRING] [--kernels ${KERNEL_SET_NAMES.join("|")}|all]`);
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(runs) || runs < 1) {
    console.error("bench: --runs needs a positive integer");
    process.exit(2);
  }
  return { json, runs, only, kernels };
}

function result(kernels: string, name: string, shape: string, flop: number, t: Timing): Result {
  return { kernels, name, shape, flop, medianUs: t.medianUs, minUs: t.minUs, maxUs: t.maxUs, gflops: flop / t.medianUs / 1000 };
}

/** Storage for benchmark operands: kernel memory, reset after each kernel set. */
const arena = new Arena();

/** A copy of `a` in kernel memory (where training tensors live). */
function place(a: Float32Array): Float32Array {
  const out = arena.floats(a.length);
  out.set(a);
  return out;
}

/**
 * One matmul C = op(A)·op(B) of shape m×k×n in the given layout ("NN", "NT", "TN", "TT"),
 * operands in kernel memory, or on the JS heap with `heap`.
 */
function matmulBench(K: Kernels, layout: string, m: number, k: number, n: number, runs: number, heap = false): Result {
  const transA = layout[0] === "T";
  const transB = layout[1] === "T";
  const put = heap ? (x: Float32Array) => x : place;
  const a = put(filled(m * k, 1));
  const b = put(filled(k * n, 2));
  const c = put(new Float32Array(m * n));
  const t = time(() => K.matmul(a, 0, b, 0, c, 0, m, n, k, transA, transB, false), { ...defaultTimeOptions, runs });
  return result(K.name, `matmul ${layout}${heap ? " (JS-heap operands)" : ""}`, `${m}×${k}×${n}`, 2 * m * k * n, t);
}

/**
 * One GRU layer step, forward and backward, using the kernels directly (no autograd):
 *   forward:  gi = x·W_ihᵀ (NT), gh = h·W_hhᵀ (NT), fused cell forward → h'.
 *   backward: fused cell backward → dgi, dgh, dh; dW_ih += dgiᵀ·x (TN); dW_hh += dghᵀ·h (TN);
 *             dx = dgi·W_ih (NN); dh += dgh·W_hh (NN).
 * Biases are left out (their cost is O(batch·hidden), negligible next to the six matmuls).
 */
function gruStep(K: Kernels, batch: number, input: number, hidden: number) {
  const B = batch, I = input, H = hidden, G = 3 * hidden;
  const x = place(filled(B * I, 3));
  const h = place(filled(B * H, 4));
  const wIh = place(filled(G * I, 5).map((v) => v / Math.sqrt(H)));
  const wHh = place(filled(G * H, 6).map((v) => v / Math.sqrt(H)));
  const zeros = (n: number) => arena.floats(n);
  const gi = zeros(B * G), gh = zeros(B * G);
  const hOut = zeros(B * H), cache = zeros(B * G);
  const dhOut = place(filled(B * H, 7));
  const dgi = zeros(B * G), dgh = zeros(B * G);
  const dWIh = zeros(G * I), dWHh = zeros(G * H);
  const dx = zeros(B * I), dh = zeros(B * H);
  const forward = () => {
    K.matmul(x, 0, wIh, 0, gi, 0, B, G, I, false, true, false);
    K.matmul(h, 0, wHh, 0, gh, 0, B, G, H, false, true, false);
    K.gruCellForward(gi, gh, h, hOut, cache, B, H);
  };
  const backward = () => {
    dgi.fill(0);
    dgh.fill(0);
    dh.fill(0);
    K.gruCellBackward(dhOut, cache, gh, h, dgi, dgh, dh, B, H);
    K.matmul(dgi, 0, x, 0, dWIh, 0, G, I, B, true, false, true);
    K.matmul(dgh, 0, h, 0, dWHh, 0, G, H, B, true, false, true);
    K.matmul(dgi, 0, wIh, 0, dx, 0, B, I, G, false, false, false);
    K.matmul(dgh, 0, wHh, 0, dh, 0, B, H, G, false, false, true);
  };
  const forwardFlop = 2 * B * G * (I + H);
  const backwardFlop = 2 * forwardFlop;
  return { forward, backward, forwardFlop, backwardFlop };
}

/** The matmul and GRU rows for one kernel set. */
function benchKernels(K: Kernels, args: Args, want: (name: string) => boolean): Result[] {
  const results: Result[] = [];
  const opts = { ...defaultTimeOptions, runs: args.runs };
  for (const [layout, m, k, n] of MATMULS) {
    if (want(`matmul ${layout}`)) results.push(matmulBench(K, layout, m, k, n, args.runs));
  }
  if (K.name !== "js" && want("matmul NN (JS-heap operands)")) results.push(matmulBench(K, "NN", 64, 256, 768, args.runs, true));
  const B = 64, I = 256, H = 256;
  const shape = `B${B} I${I} H${H}`;
  const step = gruStep(K, B, I, H);
  if (want("gru step forward")) results.push(result(K.name, "gru step forward", shape, step.forwardFlop, time(step.forward, opts)));
  if (want("gru step backward")) {
    step.forward();
    results.push(result(K.name, "gru step backward", shape, step.backwardFlop, time(step.backward, opts)));
  }
  if (want("gru step forward+backward")) {
    const both = () => {
      step.forward();
      step.backward();
    };
    results.push(result(K.name, "gru step forward+backward", shape, step.forwardFlop + step.backwardFlop, time(both, opts)));
  }
  for (const r of elementwiseRows(K, arena, opts, want)) results.push(result(K.name, r.name, r.shape, r.flop, r.timing));
  return results;
}

const MATMULS: [string, number, number, number][] = [
  ["NN", 64, 256, 768], ["NT", 64, 256, 768], ["TN", 64, 256, 768], ["TT", 64, 256, 768],
  ["NN", 256, 256, 256], ["NT", 256, 256, 256], ["TN", 256, 256, 256], ["TT", 256, 256, 256],
  ["NN", 512, 512, 512], ["NT", 512, 512, 512], ["TN", 512, 512, 512], ["TT", 512, 512, 512],
];

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  // Single-threaded unless ATTN_THREADS says otherwise: these rows measure one core's kernels.
  setThreadCount(Number(process.env.ATTN_THREADS ?? "1") || 1);
  const want = (name: string) => args.only === null || name.includes(args.only);
  const sets: Kernels[] = [];
  for (const name of KERNEL_SET_NAMES) {
    if (args.kernels !== "all" && args.kernels !== name) continue;
    const K = createKernels(name);
    if (K) sets.push(K);
    else console.error(`bench: kernel set ${name} is not available on this Node; skipping it`);
  }
  const results: Result[] = [];
  for (const K of sets) {
    results.push(...benchKernels(K, args, want));
    arena.reset();
  }

  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    kernels: sets.map((K) => K.name),
    runs: args.runs,
  };
  if (args.json) {
    console.log(JSON.stringify({ ...meta, results }, null, 2));
    return;
  }
  console.log(`attn kernel benchmarks — Node ${meta.node}, ${meta.cpus} CPUs (${meta.cpuModel})`);
  console.log(`median of ${args.runs} timed runs after warm-up; matmul shapes are m×k×n\n`);
  const rows = results.map((r) => [
    r.kernels,
    r.name,
    r.shape,
    r.medianUs >= 1000 ? r.medianUs.toFixed(0) : r.medianUs.toFixed(1),
    r.flop > 0 ? r.gflops.toFixed(2) : "-",
    `${(((r.maxUs - r.minUs) / r.medianUs) * 100).toFixed(0)}%`,
  ]);
  console.log(table(["kernels", "benchmark", "shape", "median µs", "GFLOP/s", "spread"], rows));
  if (sets.length > 1) {
    // The same GFLOP/s side by side, one column per kernel set.
    const keys = [...new Set(results.filter((r) => r.flop > 0).map((r) => `${r.name}\t${r.shape}`))];
    const pivot = keys.map((key) => {
      const [name, shape] = key.split("\t") as [string, string];
      return [name, shape, ...sets.map((K) => {
        const r = results.find((x) => x.kernels === K.name && x.name === name && x.shape === shape);
        return r ? r.gflops.toFixed(1) : "-";
      })];
    });
    console.log(`\nGFLOP/s by kernel set\n`);
    console.log(table(["benchmark", "shape", ...sets.map((K) => K.name)], pivot));
  }
}

main();
