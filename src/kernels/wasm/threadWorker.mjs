// A kernel thread: one instance of the kernel module on the shared kernel memory, with its own
// stack, running the calls the main thread posts into its control slot (threads.ts). Plain
// JavaScript so it needs no TypeScript loader inside the worker.
//
// Slot layout (Int32 words): [0] sequence number of the posted call, [1] index of the export to
// call (−1 = exit), [2] argument count, [3] sequence number of the finished call, [4] job count,
// [5] set to 1 when a job of the call threw.
// Queue layout: the next job to take (an Int32, taken with an atomic add by every thread; 8
// bytes), then one row of maxArgs float64 arguments per job.
import { createRequire } from "node:module";
import { workerData } from "node:worker_threads";

const { module, memory, slotPtr, queuePtr, maxJobs, spinMs, stackTop, exportNames, maxArgs, nativePath } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
instance.exports.__stack_pointer.value = stackTop;
// The native AVX2 gemm (../native/avx2.ts), when the main thread runs it: the same module file,
// already given the kernel memory by the main thread (one module per process).
const native = nativePath ? createRequire(import.meta.url)(nativePath) : null;
const fns = exportNames.map((n) => (n.startsWith("avx2_") ? native?.[n.slice(5)] : instance.exports[n]));
const slot = new Int32Array(memory.buffer, slotPtr, 6);
const next = new Int32Array(memory.buffer, queuePtr, 1);
const jobArgs = new Float64Array(memory.buffer, queuePtr + 8, maxJobs * maxArgs);
const args = [];

let seen = 0;
for (;;) {
  // Poll for the next call for up to spinMs (it usually follows within microseconds), then sleep.
  const t0 = performance.now();
  let polls = 0;
  while (Atomics.load(slot, 0) === seen) {
    if ((++polls & 255) === 0 && performance.now() - t0 > spinMs) Atomics.wait(slot, 0, seen);
  }
  seen = Atomics.load(slot, 0);
  const fn = slot[1];
  if (fn < 0) break;
  const call = fns[fn];
  args.length = slot[2];
  const jobs = slot[4];
  for (let j = Atomics.add(next, 0, 1); j < jobs; j = Atomics.add(next, 0, 1)) {
    for (let i = 0; i < args.length; i++) args[i] = jobArgs[j * maxArgs + i];
    try {
      call(...args);
    } catch {
      // Reported to the caller (slot word 5), which throws; the worker stays alive for the next call.
      slot[5] = 1;
    }
  }
  Atomics.store(slot, 3, seen);
  Atomics.notify(slot, 3);
}
