/**
 * `npm run bench` — kernel benchmarks for attn.
 *
 *   npm run bench                 # table on stdout
 *   npm run bench -- --json       # machine-readable results
 *   npm run bench -- --runs 11    # more timed runs per benchmark (median reported)
 *   npm run bench -- --only gru   # only benchmarks whose name contains "gru"
 *   npm run bench -- --kernels js # one kernel set: js, wasm (WebAssembly SIMD matmul) or all (default)
 *
 * Matmul shapes are m×k×n: C[m×n] = op(A)[m×k] · op(B)[k×n], so one product is 2·m·k·n FLOP.
 * The GRU step is one layer, one time step, batch 64, input 256, hidden 256 (see gruStep below).
 */
import os from "node:os";
import { jsKernels } from "../src/kernels/index.js";
import type { Kernels } from "../src/kernels/types.js";
import { createWasmKernels } from "../src/kernels/wasm/index.js";
import { WasmMatmul } from "../src/kernels/wasm/matmul.js";
import { defaultTimeOptions, filled, table, type Timing, time } from "./harness.js";

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
  kernels: "js" | "wasm" | "all";
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
      const v = argv[++i];
      if (v !== "js" && v !== "wasm" && v !== "all") {
        console.error("bench: --kernels must be js, wasm or all");
        process.exit(2);
      }
      kernels = v;
    } else if (a === "--help" || a === "-h") {
      console.log("usage: npm run bench -- [--json] [--runs N] [--only SUBSTRING] [--kernels js|wasm|all]");
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

/** One matmul C = op(A)·op(B) of shape m×k×n in the given layout ("NN", "NT", "TN", "TT"). */
function matmulBench(K: Kernels, layout: string, m: number, k: number, n: number, runs: number): Result {
  const transA = layout[0] === "T";
  const transB = layout[1] === "T";
  const a = filled(m * k, 1);
  const b = filled(k * n, 2);
  const c = new Float32Array(m * n);
  const t = time(() => K.matmul(a, 0, b, 0, c, 0, m, n, k, transA, transB, false), { ...defaultTimeOptions, runs });
  return result(K.name, `matmul ${layout}`, `${m}×${k}×${n}`, 2 * m * k * n, t);
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
  const x = filled(B * I, 3);
  const h = filled(B * H, 4);
  const wIh = filled(G * I, 5).map((v) => v / Math.sqrt(H));
  const wHh = filled(G * H, 6).map((v) => v / Math.sqrt(H));
  const gi = new Float32Array(B * G), gh = new Float32Array(B * G);
  const hOut = new Float32Array(B * H), cache = new Float32Array(B * G);
  const dhOut = filled(B * H, 7);
  const dgi = new Float32Array(B * G), dgh = new Float32Array(B * G);
  const dWIh = new Float32Array(G * I), dWHh = new Float32Array(G * H);
  const dx = new Float32Array(B * I), dh = new Float32Array(B * H);
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
  return results;
}

/**
 * Where the time of a wasm matmul goes: the copy in and out alone (packing A and B into wasm
 * memory, copying C back; GFLOP/s not applicable) and the SIMD kernel alone.
 */
function wasmSplit(args: Args, want: (name: string) => boolean): Result[] {
  const wasm = new WasmMatmul();
  const opts = { ...defaultTimeOptions, runs: args.runs };
  const out: Result[] = [];
  for (const [layout, m, k, n] of [["NN", 64, 256, 768], ["NT", 64, 256, 768]] as const) {
    const a = filled(m * k, 1), b = filled(k * n, 2), c = new Float32Array(m * n);
    const tA = false, tB = layout === "NT";
    const shape = `${m}×${k}×${n}`;
    const copy = `matmul ${layout}: copy in/out only`;
    const kernel = `matmul ${layout}: SIMD kernel only`;
    if (want(copy)) out.push(result("wasm-simd", copy, shape, 0, time(() => wasm.copyOnly(a, b, c, m, n, k, tA, tB), opts)));
    if (want(kernel)) out.push(result("wasm-simd", kernel, shape, 2 * m * k * n, time(() => wasm.kernelOnly(m, n, k), opts)));
  }
  return out;
}

const MATMULS: [string, number, number, number][] = [
  ["NN", 64, 256, 768], ["NN", 256, 256, 256], ["NN", 512, 512, 512],
  ["NT", 64, 256, 768], ["TN", 64, 256, 768], ["TT", 64, 256, 768],
];

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const want = (name: string) => args.only === null || name.includes(args.only);
  const sets: Kernels[] = [];
  if (args.kernels !== "wasm") sets.push(jsKernels);
  if (args.kernels !== "js") {
    const wasm = createWasmKernels();
    if (wasm) sets.push(wasm);
    else console.error("bench: WebAssembly SIMD is not available here; skipping the wasm kernels");
  }
  const results: Result[] = [];
  for (const K of sets) results.push(...benchKernels(K, args, want));
  if (sets.some((K) => K.name === "wasm-simd")) results.push(...wasmSplit(args, want));

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
}

main();
