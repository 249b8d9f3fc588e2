import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { packageFile } from "../../packageFiles.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * Worker threads that run kernel calls on the shared kernel memory. A kernel that splits its
 * output into blocks (matmul: column or row tiles, never the reduction) hands one block to each
 * thread and does the first itself, so a result is bitwise identical for every thread count.
 *
 * Hand-off is through a control slot per worker in the shared memory: the main thread writes
 * the call (export index and arguments), bumps a sequence number and notifies; the worker runs
 * the call and publishes the sequence number it finished. Costs about 10–20 µs per call, so
 * callers only split calls large enough to pay for it.
 */

/** The exports a worker may run, by index. */
const EXPORTS = ["gemm"] as const;
export type ThreadedExport = (typeof EXPORTS)[number];
const MAX_ARGS = 16;
/** Most threads a pool may have. */
const MAX_THREADS = 64;
const SLOT_INTS = 5 + MAX_ARGS;
/** Stack of each worker's module instance (the kernels use little: no recursion, small frames). */
const STACK_BYTES = 256 * 1024;

/** Default thread count: the cores this process may use, at most 4. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export class ThreadPool {
  /** Total threads including the calling one. */
  readonly size: number;
  private readonly workers: Worker[] = [];
  private readonly slots: Int32Array[] = [];
  private readonly views: DataView[] = [];
  private readonly seq: number[] = [];

  constructor(rt: WasmRuntime, threads: number) {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new Error(`threads: expected an integer from 1 to ${MAX_THREADS}, got ${threads}`);
    this.size = threads;
    for (let w = 0; w < threads - 1; w++) {
      const slotPtr = rt.mem.carve(SLOT_INTS * 4);
      const stackBase = rt.mem.carve(STACK_BYTES);
      const slot = new Int32Array(rt.mem.buffer, slotPtr, SLOT_INTS);
      slot.fill(0);
      const worker = new Worker(pathToFileURL(packageFile("src/kernels/wasm/threadWorker.mjs")), {
        workerData: {
          module: rt.module,
          memory: rt.mem.memory,
          slotPtr,
          stackTop: stackBase + STACK_BYTES,
          exportNames: [...EXPORTS],
          maxArgs: MAX_ARGS,
        },
      });
      // Idle workers must not keep the process alive.
      worker.unref();
      worker.on("error", (e) => {
        process.stderr.write(`attn: kernel thread ${w + 1} failed: ${String(e)}\n`);
      });
      this.workers.push(worker);
      this.slots.push(slot);
      this.views.push(new DataView(rt.mem.buffer, slotPtr, SLOT_INTS * 4));
      this.seq.push(0);
    }
  }

  /**
   * Run `jobs[0]` on this thread and `jobs[i]` on worker i−1, all calling export `fn`; returns
   * when every job is done. `floatArgs` marks argument positions that are float32.
   */
  run(fn: ThreadedExport, jobs: number[][], local: (args: number[]) => void, floatArgs: readonly number[] = []): void {
    if (jobs.length > this.size) throw new Error(`ThreadPool.run: ${jobs.length} jobs for ${this.size} threads`);
    const fnIndex = EXPORTS.indexOf(fn);
    let floatMask = 0;
    for (const i of floatArgs) floatMask |= 1 << i;
    for (let j = 1; j < jobs.length; j++) {
      const slot = this.slots[j - 1]!;
      const view = this.views[j - 1]!;
      const args = jobs[j]!;
      if (args.length > MAX_ARGS) throw new Error(`ThreadPool.run: at most ${MAX_ARGS} arguments`);
      slot[1] = fnIndex;
      slot[2] = args.length;
      slot[4 + MAX_ARGS] = floatMask;
      for (let i = 0; i < args.length; i++) {
        if ((floatMask >> i) & 1) view.setFloat32((4 + i) * 4, args[i]!, true);
        else slot[4 + i] = args[i]!;
      }
      const s = ++this.seq[j - 1]!;
      Atomics.store(slot, 0, s);
      Atomics.notify(slot, 0);
    }
    if (jobs.length > 0) local(jobs[0]!);
    for (let j = 1; j < jobs.length; j++) {
      const slot = this.slots[j - 1]!;
      const s = this.seq[j - 1]!;
      // Spin briefly (the worker usually finishes about when we do), then sleep.
      let spins = 0;
      while (Atomics.load(slot, 3) !== s) {
        if (++spins < 2000) continue;
        Atomics.wait(slot, 3, Atomics.load(slot, 3), 100);
      }
    }
  }

  /** Stop the workers (the pool is unusable afterwards). */
  close(): void {
    for (let w = 0; w < this.workers.length; w++) {
      const slot = this.slots[w]!;
      slot[1] = -1;
      Atomics.store(slot, 0, ++this.seq[w]!);
      Atomics.notify(slot, 0);
    }
    this.workers.length = 0;
  }
}

let wanted = initialThreads();
const pools = new Map<WasmRuntime, ThreadPool>();

/** ATTN_THREADS when set (the test suite sets 1), else the default count. */
function initialThreads(): number {
  const env = typeof process !== "undefined" ? process.env?.ATTN_THREADS : undefined;
  return (env !== undefined && parseThreadCount(env)) || defaultThreadCount();
}

/** A thread count written as a whole number from 1 to 64, or null for anything else. */
export function parseThreadCount(text: string): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= MAX_THREADS ? n : null;
}

/** Threads the WebAssembly kernels may use from now on (results are the same bits for every count). */
export function setThreadCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new Error(`threads: expected an integer from 1 to ${MAX_THREADS}, got ${n}`);
  wanted = n;
}

/** Threads the WebAssembly kernels use. */
export function threadCount(): number {
  return wanted;
}

/** The pool for a runtime at the current thread count (null for one thread). Pools are started on first use and kept. */
export function poolFor(rt: WasmRuntime): ThreadPool | null {
  if (wanted <= 1) return null;
  let pool = pools.get(rt);
  if (!pool || pool.size !== wanted) {
    pool?.close();
    pool = new ThreadPool(rt, wanted);
    pools.set(rt, pool);
  }
  return pool;
}
