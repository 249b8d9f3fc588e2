/**
 * Elementwise-family rows for `npm run bench` (memory-bound kernels; the GFLOP/s column counts
 * one operation per output element). Operands live in kernel memory, as in a training step.
 * Shapes follow configuration A: B·T = 64·24 rows of H = 512, a [B·T, 512] bias add and its
 * backward, tanh forward/backward, a row sum, an embedding gather/scatter-add of 1,536 ids.
 */
import type { Kernels } from "../src/kernels/types.js";
import type { Arena } from "../src/tensor/storage.js";
import { filled, type TimeOptions, type Timing, time } from "./harness.js";

export interface ElementwiseRow {
  name: string;
  shape: string;
  /** Operations per call (one per output element). */
  flop: number;
  timing: Timing;
}

export function elementwiseRows(K: Kernels, arena: Arena, opts: TimeOptions, want: (name: string) => boolean): ElementwiseRow[] {
  const put = (a: Float32Array) => {
    const b = arena.floats(a.length);
    b.set(a);
    return b;
  };
  const R = 64 * 24, H = 512, V = 8000;
  const x = put(filled(R * H, 11)), y = put(filled(R * H, 12)), out = arena.floats(R * H), g = put(filled(R * H, 13));
  const bias = put(filled(H, 14)), dBias = arena.floats(H), dx = arena.floats(R * H), rowSums = arena.floats(R);
  const table = put(filled(V * H, 15)), dTable = arena.floats(V * H);
  const ids = new Int32Array(R);
  for (let i = 0; i < R; i++) ids[i] = (i * 2654435761) % V;
  const shape = `${R}×${H}`;
  const rows: [string, string, number, () => void][] = [
    ["ew add same shape", shape, R * H, () => K.binaryForward("add", x, 0, "full", y, 0, "full", out, 0, 1, R * H)],
    ["ew add bias [H] over rows", shape, R * H, () => K.binaryForward("add", x, 0, "full", bias, 0, "row", out, 0, R, H)],
    ["ew bias gradient (sum rows)", shape, R * H, () => K.binaryBackward("add", 1, g, 0, x, 0, "full", bias, 0, "row", dBias, 0, R, H)],
    ["ew mul [B,H]·[B,1]", shape, R * H, () => K.binaryForward("mul", x, 0, "full", rowSums, 0, "col", out, 0, R, H)],
    ["ew tanh forward", shape, R * H, () => K.unaryForward("tanh", x, 0, out, 0, R * H)],
    ["ew tanh backward", shape, R * H, () => K.unaryBackward("tanh", x, 0, y, 0, g, 0, dx, 0, R * H)],
    ["ew gelu forward", shape, R * H, () => K.unaryForward("gelu", x, 0, out, 0, R * H)],
    ["ew sum over last axis", shape, R * H, () => K.sumAxis(x, 0, rowSums, 0, R, H, 1, 1)],
    ["ew sum over rows", shape, R * H, () => K.sumAxis(x, 0, dBias, 0, 1, R, H, 1)],
    ["ew gather rows", `${R} of ${V}×${H}`, R * H, () => K.gatherRows(table, 0, ids, 0, out, 0, R, H)],
    ["ew scatter-add rows", `${R} of ${V}×${H}`, R * H, () => K.scatterAddRows(g, 0, ids, 0, dTable, 0, R, H, -1)],
  ];
  return rows.filter(([name]) => want(name)).map(([name, s, flop, fn]) => ({ name, shape: s, flop, timing: time(fn, opts) }));
}
