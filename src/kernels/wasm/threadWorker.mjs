// A kernel thread: one instance of the kernel module on the shared kernel memory, with its own
// stack, running the calls the main thread posts into its control slot (threads.ts). Plain
// JavaScript so it needs no TypeScript loader inside the worker.
//
// Slot layout (Int32 words): [0] sequence number of the posted job, [1] index of the export to
// call (−1 = exit), [2] argument count, [3] sequence number of the finished job,
// [4 … 4+MAX_ARGS) the arguments (i32; a float argument is passed as its bits and flagged in
// the float mask at [4+MAX_ARGS]).
import { workerData } from "node:worker_threads";

const { module, memory, slotPtr, stackTop, exportNames, maxArgs } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
instance.exports.__stack_pointer.value = stackTop;
const fns = exportNames.map((n) => instance.exports[n]);
const slot = new Int32Array(memory.buffer, slotPtr, 5 + maxArgs);
const bits = new DataView(memory.buffer, slotPtr, (5 + maxArgs) * 4);
const args = new Array(maxArgs);

let seen = 0;
for (;;) {
  Atomics.wait(slot, 0, seen);
  seen = Atomics.load(slot, 0);
  const fn = slot[1];
  if (fn < 0) break;
  const n = slot[2];
  const floatMask = slot[4 + maxArgs];
  for (let i = 0; i < n; i++) args[i] = (floatMask >> i) & 1 ? bits.getFloat32((4 + i) * 4, true) : slot[4 + i];
  fns[fn](...args.slice(0, n));
  Atomics.store(slot, 3, seen);
  Atomics.notify(slot, 3);
}
