import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { packageFile } from "../../packageFiles.js";
import type { Avx2Gemm } from "../native/avx2.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * Worker threads that run kernel calls on the shared kernel memory. A kernel that splits its
 * output into blocks (matmul: column or row tiles, never the reduction) puts the blocks in a
 * queue in shared memory; the calling thread and every worker take blocks from it (an atomic
 * counter) until none is left, so a result is bitwise identical for every thread count and for
 * whichever thread computed which block, and a thread that starts late simply takes fewer.
 *
 * Hand-off is through a control slot per worker in the shared memory: the main thread writes the
 * call (export index, argument count, job count), bumps a sequence number and notifies; the
 * worker drains the queue and publishes the sequence number it finished. A worker spins for a
 * short while after a call before it sleeps, because the next call usually follows within
 * microseconds (one recurrent step) and waking a sleeping thread costs 20–60 µs on a virtual
 * machine. Callers only split calls large enough to pay for the hand-off.
 */
/**
 * The exports a worker may run, by index. `avx2_…` are the native AVX2 gemm's functions
 * (../native/avx2.ts), there when the runtime has that gemm attached.
 */
const EXPORTS = ["gemm", "gemm_pack", "gemm_block", "adam_step", "scale_in_place", "cross_entropy_rows", "cross_entropy_backward_rows", "fill_bytes", "avx2_gemm", "avx2_gemm_pack", "avx2_gemm_block"] as const;
export type ThreadedExport = (typeof EXPORTS)[number];
const MAX_ARGS = 16;
/** Most threads a pool may have. */
const MAX_THREADS = 64;
/** Most jobs one call may queue. */
const MAX_JOBS = 256;
/** Control slot words: [0] posted call, [1] export index (−1 = exit), [2] argument count, [3] finished call, [4] job count, [5] a job threw. */
const SLOT_INTS = 6;
/** The job queue: the next-job counter (8 bytes), then the jobs' arguments as float64. */
const QUEUE_BYTES = 8 + MAX_JOBS * MAX_ARGS * 8;
/**
 * How long (ms) a worker polls for the next call before it sleeps. Long enough to bridge the
 * gap between the products of consecutive recurrent steps (with the cells, attention and
 * backward bookkeeping between them, 0.5 ms let the worker fall asleep often enough to cost
 * A and B ~5% of a step), short enough that an idle pool gives its core back almost at once.
 */
const SPIN_MS = 2;
/** How long (ms) the calling thread polls for the workers' last jobs before it sleeps. */
const WAIT_SPIN_MS = 1;
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
  private readonly seq: number[] = [];
  /** The next job to take (one Int32, taken with an atomic add by every thread). */
  private readonly next: Int32Array;
  /** The jobs' arguments: MAX_JOBS rows of MAX_ARGS float64 (exact for every i32 and f32 argument). */
  private readonly jobArgs: Float64Array;
  /** The functions on this thread, which runs its share of the jobs too (the module's exports, and the native gemm's). */
  private readonly exports: Record<string, (...args: number[]) => unknown>;

  constructor(rt: WasmRuntime, threads: number) {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new Error(`threads: expected an integer from 1 to ${MAX_THREADS}, got ${threads}`);
    this.size = threads;
    const native = avx2For.get(rt) ?? null;
    // The same rule as the workers': `avx2_<name>` is the native gemm's `<name>`.
    const nativeFns = native as unknown as Record<string, (...args: number[]) => unknown> | null;
    this.exports = Object.fromEntries(EXPORTS.map((n) => [n, n.startsWith("avx2_") ? nativeFns?.[n.slice(5)] : rt.fn[n]]).filter(([, f]) => f));
    const queuePtr = threads > 1 ? rt.mem.carve(QUEUE_BYTES) : 0;
    this.next = new Int32Array(rt.mem.buffer, queuePtr, threads > 1 ? 1 : 0);
    this.jobArgs = new Float64Array(rt.mem.buffer, queuePtr + 8, threads > 1 ? MAX_JOBS * MAX_ARGS : 0);
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
          queuePtr,
          maxJobs: MAX_JOBS,
          spinMs: SPIN_MS,
          stackTop: stackBase + STACK_BYTES,
          exportNames: [...EXPORTS],
          nativePath: native?.path ?? null,
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
      this.seq.push(0);
    }
  }

  /**
   * Run every job (an argument list for export `fn`) once, on this thread and the workers,
   * each taking the next job from the queue until none is left; returns when all are done.
   * Arguments travel to the workers as float64, which holds every i32 and f32 argument exactly.
   */
  run(fn: ThreadedExport, jobs: readonly (readonly number[])[]): void {
    if (jobs.length > MAX_JOBS) throw new Error(`ThreadPool.run: at most ${MAX_JOBS} jobs, got ${jobs.length}`);
    const fnIndex = EXPORTS.indexOf(fn);
    const argc = jobs.length > 0 ? jobs[0]!.length : 0;
    for (let j = 0; j < jobs.length; j++) {
      const args = jobs[j]!;
      if (args.length !== argc || argc > MAX_ARGS) throw new Error(`ThreadPool.run: every job needs the same ${argc} ≤ ${MAX_ARGS} arguments`);
      this.jobArgs.set(args, j * MAX_ARGS);
    }
    const next = this.next;
    Atomics.store(next, 0, 0);
    // Wake only as many workers as there are jobs beyond the first (this thread takes that one).
    const helpers = Math.min(this.workers.length, jobs.length - 1);
    for (let w = 0; w < helpers; w++) {
      const slot = this.slots[w]!;
      slot[1] = fnIndex;
      slot[2] = argc;
      slot[4] = jobs.length;
      Atomics.store(slot, 0, ++this.seq[w]!);
      Atomics.notify(slot, 0);
    }
    const call = this.exports[fn]!;
    let failed = 0;
    try {
      for (let j = Atomics.add(next, 0, 1); j < jobs.length; j = Atomics.add(next, 0, 1)) call(...jobs[j]!);
    } finally {
      // Even when a job here threw, the workers finish theirs (and their failure flags are
      // cleared) before the queue is reused.
      this.waitFor(helpers);
      for (let w = 0; w < helpers; w++) {
        const slot = this.slots[w]!;
        if (slot[5] !== 0 && failed === 0) failed = w + 1;
        slot[5] = 0;
      }
    }
    if (failed > 0) throw new Error(`kernel thread ${failed}: a ${fn} job failed`);
  }

  /** Poll while the first `helpers` workers finish their last jobs (sleeping here would add a wake-up to every call); sleep only if that takes longer than WAIT_SPIN_MS. */
  private waitFor(helpers: number): void {
    const t0 = performance.now();
    let polls = 0;
    for (let w = 0; w < helpers; w++) {
      const slot = this.slots[w]!;
      const s = this.seq[w]!;
      while (Atomics.load(slot, 3) !== s) {
        if ((++polls & 255) === 0 && performance.now() - t0 > WAIT_SPIN_MS) Atomics.wait(slot, 3, Atomics.load(slot, 3), 100);
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

const avx2For = new WeakMap<WasmRuntime, Avx2Gemm>();

/** Let the pools of `rt` run the native AVX2 gemm's functions (before its first pool starts). */
export function attachAvx2(rt: WasmRuntime, gemm: Avx2Gemm): void {
  if (pools.has(rt)) throw new Error("attachAvx2: the runtime's thread pool has already started");
  avx2For.set(rt, gemm);
}

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
