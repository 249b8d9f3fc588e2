import type { WasmRuntime } from "./runtime.js";
import { poolFor, type ThreadedExport } from "./threads.js";

/**
 * Element-wise and row-wise kernels on several threads: the index range [0, n) is cut into
 * contiguous pieces, each a separate call of the same export on its own sub-range. Every element
 * or row is computed by exactly one call, by the same code as on one thread, so the result has
 * the same bits for any thread count and any cut. Only worth it for large ranges: the hand-off
 * costs ~15 µs, so each piece must hold at least `minPerJob` units of work.
 */

/** Pieces per thread (at most), so a thread that starts late takes fewer (see gemmSplit.ts). */
const PIECES_PER_THREAD = 2;

/**
 * [start, count] cuts of [0, extent) into `parts` near-equal runs of whole `align`-sized units
 * (the last run takes the remainder); the one cutting rule of every split here and in gemmSplit.ts.
 */
export function evenCuts(extent: number, parts: number, align: number): [number, number][] {
  const units = Math.ceil(extent / align);
  const out: [number, number][] = [];
  let start = 0;
  for (let t = 0; t < parts; t++) {
    const end = t === parts - 1 ? extent : Math.min(extent, Math.round(((t + 1) * units) / parts) * align);
    if (end > start) out.push([start, end - start]);
    start = end;
  }
  return out;
}

/** [start, count] pieces of [0, n): near-equal, starts multiples of `align`, each ≥ minPerJob (one piece when not worth it). */
export function planRangeSplit(n: number, threads: number, minPerJob: number, align = 1): [number, number][] {
  const pieces = Math.min(threads * PIECES_PER_THREAD, Math.floor(n / Math.max(1, minPerJob)), Math.ceil(n / align));
  if (threads <= 1 || pieces <= 1) return [[0, n]];
  return evenCuts(n, pieces, align);
}

/**
 * Call `fn` over [0, n), on several threads when the pool and the size allow: `args(start,
 * count)` gives the export's arguments for one piece (pointers advanced to `start`).
 */
export function runSplit(
  rt: WasmRuntime,
  fn: ThreadedExport,
  n: number,
  minPerJob: number,
  align: number,
  args: (start: number, count: number) => number[],
): void {
  const call = rt.fn[fn]!;
  const pool = n >= 2 * minPerJob ? poolFor(rt) : null;
  const pieces = pool ? planRangeSplit(n, pool.size, minPerJob, align) : null;
  if (!pool || !pieces || pieces.length === 1) {
    call(...args(0, n));
    return;
  }
  pool.run(fn, pieces.map(([s, c]) => args(s, c)));
}
