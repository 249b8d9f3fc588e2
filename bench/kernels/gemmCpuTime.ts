/**
 * `npx tsx bench/kernels/gemmCpuTime.ts [--rounds R] [--ms T] [--chunk C] [--shapes 64x256x768,...]
 *    [--layouts NN,NT,TN] [--variants simd,fma] label=DIR ...`
 *
 * The C gemm of one or more builds of the kernel modules, timed by CPU time
 * (`process.cpuUsage`, user + system of this process) rather than wall clock, for a machine
 * whose other jobs share the cores: time the VM or the scheduler gives to someone else is left
 * out. Each DIR holds kernels-simd.wasm and kernels-fma.wasm (default: the committed
 * src/kernels/wasm/build as "current"); every build gets its own instance on its own memory.
 * R rounds (--rounds); in each, the builds alternate chunk by chunk (about C ms of CPU each,
 * --chunk C, order flipping every chunk) for about T ms of CPU per build (--ms T), and a build's
 * value for the round is its median chunk. Prints each round's value, the median over rounds and
 * the best chunk (on a shared machine the least disturbed one), and checks that every build gives
 * the same bits as the first.
 *
 * A shape is m×k×n; --layouts limits the layouts timed per shape (each can also carry its own
 * shape: `--shapes 384x1024x6786:NT,6786x384x1024:TN`), --variants the modules.
 *
 * One thread; operands already in kernel memory; packing included (as bench/run.ts --only matmul).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { filled } from "../harness.js";

setFlagsFromString("--experimental-wasm-relaxed-simd");

/** The few WebAssembly API pieces used here (the project's lib settings leave out the DOM typings; cf. runtime.ts). */
interface WasmMemory {
  buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

type Gemm = (...args: number[]) => void;
interface Build {
  label: string;
  variant: string;
  gemm: Gemm;
  workFloats: (m: number, n: number, k: number) => number;
  f32: Float32Array;
  base: number;
  memory: WasmMemory;
}

const args = process.argv.slice(2);
let rounds = 5;
let runMs = 600;
let chunkMs = 20;
let shapes: [number, number, number, string?][] = [[64, 256, 768]];
let layoutNames = ["NN", "NT", "TN"];
let variants = ["simd", "fma"];
const dirs: [string, string][] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === "--rounds") rounds = Number(args[++i]);
  else if (a === "--ms") runMs = Number(args[++i]);
  else if (a === "--chunk") chunkMs = Number(args[++i]);
  else if (a === "--shapes")
    shapes = args[++i]!.split(",").map((s) => {
      const [dims, lay] = s.split(":");
      const [m, k, n] = dims!.split("x").map(Number) as [number, number, number];
      return [m, k, n, lay];
    });
  else if (a === "--layouts") layoutNames = args[++i]!.split(",");
  else if (a === "--variants") variants = args[++i]!.split(",");
  else {
    const eq = a.indexOf("=");
    dirs.push(eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, a]);
  }
}
if (dirs.length === 0) dirs.push(["current", "src/kernels/wasm/build"]);
const allLayouts: [string, boolean, boolean][] = [["NN", false, false], ["NT", false, true], ["TN", true, false]];

function load(label: string, dir: string, variant: string): Build {
  const memory = new wasm.Memory({ initial: 256, maximum: 65536, shared: true });
  const mod = new wasm.Module(readFileSync(join(dir, `kernels-${variant}.wasm`)));
  const inst = new wasm.Instance(mod, { env: { memory } });
  const ex = inst.exports as Record<string, unknown>;
  const heapBase = (ex["__heap_base"] as { value: number }).value;
  const base = Math.ceil((heapBase + 4096) / 4096) * 4096;
  memory.grow(256);
  return {
    label, variant, gemm: ex["gemm"] as Gemm, workFloats: ex["gemm_work_floats"] as Build["workFloats"],
    f32: new Float32Array(memory.buffer), base, memory,
  };
}

const builds = variants.flatMap((v) => dirs.map(([l, d]) => load(l, d, v)));

/** Lay out A, B, C and work for a shape; returns the call and the C view. */
function setup(b: Build, m: number, k: number, n: number, tA: boolean, tB: boolean) {
  const pa = b.base, pb = pa + 4 * m * k, pc = pb + 4 * k * n, pw = pc + 4 * m * n + 64;
  // Grow the memory to hold this shape's operands and packing scratch.
  const need = pw + 4 * b.workFloats(m, n, k);
  if (need > b.memory.buffer.byteLength) {
    b.memory.grow(Math.ceil((need - b.memory.buffer.byteLength) / 65536));
    b.f32 = new Float32Array(b.memory.buffer);
  }
  b.f32.set(filled(m * k, 1), pa / 4);
  b.f32.set(filled(k * n, 2), pb / 4);
  if (pw / 4 + b.workFloats(m, n, k) > b.f32.length) throw new Error("memory too small");
  const lda = tA ? m : k, ldb = tB ? k : n;
  const call = () => b.gemm(m, n, k, pa, lda, tA ? 1 : 0, pb, ldb, tB ? 1 : 0, pc, n, 0, pw);
  return { call, c: () => b.f32.slice(pc / 4, pc / 4 + m * n) };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Calls per chunk of about chunkMs ms of CPU (from a warm-up). */
function callsFor(call: () => void): number {
  let calls = 0;
  const w0 = cpuMs();
  while (calls < 3 || cpuMs() - w0 < 100) {
    call();
    calls++;
  }
  return Math.max(1, Math.round(chunkMs / ((cpuMs() - w0) / calls)));
}

/** GFLOP/s of one chunk of `n` calls, by CPU time. */
function chunk(call: () => void, n: number, flop: number): number {
  const t0 = cpuMs();
  for (let i = 0; i < n; i++) call();
  return (flop * n) / ((cpuMs() - t0) * 1e6);
}

const median = (x: number[]) => {
  const s = [...x].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.log(`node ${process.version}; ${rounds} rounds, each ~${runMs} ms CPU per build in chunks of ~${chunkMs} ms (builds alternate chunk by chunk; round value = median chunk); GFLOP/s by CPU time (user+system)`);
for (const [m, k, n, only] of shapes) {
  const flop = 2 * m * k * n;
  for (const [lay, tA, tB] of allLayouts.filter(([l]) => (only ? l === only : layoutNames.includes(l)))) {
    for (const v of variants) {
      const bs = builds.filter((b) => b.variant === v);
      const runs = bs.map((b) => setup(b, m, k, n, tA, tB));
      // Same bits from every build.
      runs.forEach((r) => r.call());
      const ref = runs[0]!.c();
      const same = runs.map((r) => {
        const c = r.c();
        return c.every((x, i) => Object.is(x, ref[i]));
      });
      // Each round: the builds alternate chunk by chunk (about chunkMs ms of CPU each) for
      // about runMs ms of CPU per build; the round's value is each build's median chunk.
      const calls = runs.map((r) => callsFor(r.call));
      const chunks = Math.max(1, Math.round(runMs / chunkMs));
      const vals: number[][] = bs.map(() => []);
      const best: number[] = bs.map(() => 0);
      for (let r = 0; r < rounds; r++) {
        const per: number[][] = bs.map(() => []);
        for (let c = 0; c < chunks; c++) {
          const order = bs.map((_, i) => i);
          if ((r + c) % 2) order.reverse();
          for (const i of order) per[i]!.push(chunk(runs[i]!.call, calls[i]!, flop));
        }
        per.forEach((x, i) => {
          vals[i]!.push(median(x));
          best[i] = Math.max(best[i]!, ...x);
        });
      }
      const meds = vals.map(median);
      const cells = bs.map((b, i) =>
        `${b.label} ${meds[i]!.toFixed(1)} [${vals[i]!.map((x) => x.toFixed(1)).join(" ")}] best ${best[i]!.toFixed(1)}${same[i] ? "" : " BITS DIFFER"}`);
      const ratio = bs.length > 1 ? `  ratio ${bs.slice(1).map((_, i) => (meds[i + 1]! / meds[0]!).toFixed(3)).join(" ")}` : "";
      console.log(`${m}×${k}×${n} ${lay} ${v === "simd" ? "wasm    " : "wasm-fma"}  ${cells.join("  |  ")}${ratio}`);
    }
  }
}
