/**
 * `npx tsx bench/matmulSmall.ts` — where the direct matmul loops beat the blocked (packed) path,
 * and where the WebAssembly SIMD matmul (with its copy in and out) starts to pay.
 * Prints GFLOP/s of the three per layout on small and thin shapes (m×k×n); used to set
 * `useDirect` in src/kernels/js/matmul.ts and `useJs` in src/kernels/wasm/index.ts.
 */
import { matmul, matmulBlocked } from "../src/kernels/js/matmul.js";
import { matmulDirect } from "../src/kernels/js/matmulDirect.js";
import { WasmMatmul } from "../src/kernels/wasm/matmul.js";
import { filled, table, time } from "./harness.js";

const shapes: [number, number, number][] = [
  [1, 256, 20], [1, 20, 256], [2, 256, 256], [3, 256, 256], [256, 256, 2], [4, 256, 20], [20, 256, 20],
  [20, 20, 256], [64, 4, 256], [64, 8, 256], [8, 8, 8], [10, 10, 10], [16, 16, 16], [32, 32, 32],
  [64, 64, 64], [1, 256, 768], [64, 256, 16],
];
const layouts: [string, boolean, boolean][] = [["NN", false, false], ["NT", false, true], ["TN", true, false], ["TT", true, true]];
const opts = { runs: 5, runMs: 40, warmupMs: 60 };

const wasm = WasmMatmul.supported() ? new WasmMatmul() : null;
const gf = (flop: number, us: number) => (flop / us / 1000).toFixed(2);
const rows: string[][] = [];
for (const [m, k, n] of shapes) {
  const a = filled(m * k, 1), b = filled(k * n, 2), c = new Float32Array(m * n);
  const flop = 2 * m * k * n;
  const cells: string[] = [];
  for (const [, tA, tB] of layouts) {
    const d = time(() => matmulDirect(a, 0, b, 0, c, 0, m, n, k, tA, tB), opts);
    const p = time(() => matmulBlocked(a, 0, b, 0, c, 0, m, n, k, tA, tB), opts);
    const w = wasm ? gf(flop, time(() => wasm.matmul(a, 0, b, 0, c, 0, m, n, k, tA, tB, true), opts).medianUs) : "-";
    cells.push(`${gf(flop, d.medianUs)} / ${gf(flop, p.medianUs)} / ${w}`);
  }
  // Which path does the dispatcher take? Time it too: it should match the better of the two.
  const auto = time(() => matmul(a, 0, b, 0, c, 0, m, n, k, false, false, false), opts);
  rows.push([`${m}×${k}×${n}`, ...cells, gf(flop, auto.medianUs)]);
}
console.log("GFLOP/s, JS direct / JS blocked / wasm SIMD (with copies), per layout; last column: JS matmul (NN, dispatcher's choice)\n");
console.log(table(["m×k×n", ...layouts.map(([l]) => l), "matmul NN"], rows));
