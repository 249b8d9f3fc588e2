// A kernel thread: one instance of the kernel module on the shared kernel memory, with its own
// stack, running the calls the main thread posts into its control slot (threads.ts). Plain
// JavaScript so it needs no TypeScript loader inside the worker.
//
// Slot layout (Int32 words): [0] sequence number of the posted call, [1] index of the export to
// call (−1 = exit), [2] argument count, [3] sequence number of the finished call, [4] job count.
// Queue layout: the next job to take (an Int32, taken with an atomic add by every thread; 8
// bytes), then one row of maxArgs float64 arguments per job.
import { workerData } from "node:worker_threads";

const { module, memory, slotPtr, queuePtr, maxJobs, spinMs, stackTop, exportNames, maxArgs } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
instance.exports.__stack_pointer.value = stackTop;
const fns = exportNames.map((n) => instance.exports[n]);
const slot = new Int32Array(memory.buffer, slotPtr, 5);
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
    call(...args);
  }
  Atomics.store(slot, 3, seen);
  Atomics.notify(slot, 3);
}
