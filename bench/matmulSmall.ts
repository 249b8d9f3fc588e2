/**
 * `npx tsx bench/matmulSmall.ts` — where the direct matmul loops beat the blocked (packed) path.
 * Prints GFLOP/s of both paths per layout on small and thin shapes (m×k×n) and which one
 * `matmul` dispatches to; used to set `useDirect` in src/kernels/js/matmul.ts.
 */
import { matmul, matmulBlocked } from "../src/kernels/js/matmul.js";
import { matmulDirect } from "../src/kernels/js/matmulDirect.js";
import { filled, table, time } from "./harness.js";

const shapes: [number, number, number][] = [
  [1, 256, 20], [1, 20, 256], [2, 256, 256], [3, 256, 256], [256, 256, 2], [4, 256, 20], [20, 256, 20],
  [20, 20, 256], [64, 4, 256], [64, 8, 256], [8, 8, 8], [10, 10, 10], [16, 16, 16], [32, 32, 32],
];
const layouts: [string, boolean, boolean][] = [["NN", false, false], ["NT", false, true], ["TN", true, false], ["TT", true, true]];
const opts = { runs: 5, runMs: 40, warmupMs: 60 };

const rows: string[][] = [];
for (const [m, k, n] of shapes) {
  const a = filled(m * k, 1), b = filled(k * n, 2), c = new Float32Array(m * n);
  const flop = 2 * m * k * n;
  const cells: string[] = [];
  for (const [, tA, tB] of layouts) {
    const d = time(() => matmulDirect(a, 0, b, 0, c, 0, m, n, k, tA, tB), opts);
    const p = time(() => matmulBlocked(a, 0, b, 0, c, 0, m, n, k, tA, tB), opts);
    cells.push(`${(flop / d.medianUs / 1000).toFixed(2)} / ${(flop / p.medianUs / 1000).toFixed(2)}`);
  }
  // Which path does the dispatcher take? Time it too: it should match the better of the two.
  const auto = time(() => matmul(a, 0, b, 0, c, 0, m, n, k, false, false, false), opts);
  rows.push([`${m}×${k}×${n}`, ...cells, (flop / auto.medianUs / 1000).toFixed(2)]);
}
console.log("GFLOP/s, direct / blocked, per layout; last column: matmul (NN, dispatcher's choice)\n");
console.log(table(["m×k×n", ...layouts.map(([l]) => l), "matmul NN"], rows));
