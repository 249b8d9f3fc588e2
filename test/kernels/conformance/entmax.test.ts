/**
 * Conformance of the sparse-normaliser and top-k kernels (sparsemaxRows, entmax15Rows,
 * entmaxBisectRows, their backwards, topKMaskRows; C in c/entmax.c, float64 per row like the
 * reference js/entmax.ts). Sparsemax, 1.5-entmax, top-k and the backward for α ∈ {1.5, 2} are the
 * reference's float64 operations in its order, so they must give its bits exactly; α-entmax for
 * other α uses exp(y·log x) for the power (a few float64 ulp from Math.pow) and a two-lane sum,
 * so it must agree within float32 rounding. Every set: the same in kernel memory and on the JS
 * heap, reproducible, a row's bits independent of its batch and of masked padding columns,
 * fully masked rows all zeros.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Kernels } from "../../../src/kernels/index.js";
import { randomArray, seeded, worstRelErr } from "../helpers.js";
import { Arena, fastKernelSets, inKernelMemory, reference } from "../sets.js";

const arena = new Arena();
afterEach(() => arena.reset());

const f32 = (n: number, rand: () => number, lo: number, hi: number) => randomArray(Float32Array, n, rand, lo, hi) as Float32Array;

function run(k: Kernels, rows: number, cols: number, seed: number, place: (a: Float32Array) => Float32Array): number[][] {
  const rand = seeded(seed);
  const n = rows * cols;
  const mask = new Uint8Array(n).map(() => (rand() < 0.3 ? 1 : 0));
  mask.fill(1, 0, cols);
  const x = place(f32(n, rand, -4, 4));
  const dy = place(f32(n, rand, -1, 1));
  const alpha = place(Float32Array.of(1.3, 2.5));
  const outs: Float32Array[] = [];
  for (const forward of [
    (o: Float32Array) => k.sparsemaxRows(x, o, rows, cols, mask),
    (o: Float32Array) => k.entmax15Rows(x, o, rows, cols, mask),
    (o: Float32Array) => k.entmaxBisectRows(x, o, rows, cols, mask, alpha, 2),
  ]) {
    const y = place(new Float32Array(n).fill(NaN));
    forward(y);
    const dx = place(new Float32Array(n));
    k.entmaxBackwardRows(y, dy, dx, rows, cols, alpha, 2);
    const dAlpha = place(new Float32Array(2));
    k.entmaxAlphaBackwardRows(y, dy, dAlpha, rows, cols, alpha, 2);
    outs.push(y, dx, dAlpha);
  }
  const keep = new Uint8Array(n);
  k.topKMaskRows(x, mask, keep, rows, cols, 2);
  return [...outs.map((a) => Array.from(a)), Array.from(keep)];
}

describe.each(fastKernelSets())("sparse normaliser kernels: $name", ({ kernels: k }) => {
  it("run the C kernels (not the js reference)", () => {
    for (const name of ["sparsemaxRows", "entmax15Rows", "entmaxBisectRows", "entmaxBackwardRows", "entmaxAlphaBackwardRows", "topKMaskRows"] as const) {
      expect(k[name], name).not.toBe(reference.kernels[name]);
    }
  });

  it("agree with the js reference on these shapes (bit for bit here), in kernel memory and on the heap; no NaN", () => {
    let seed = 1;
    for (const cols of [1, 2, 3, 7, 31]) {
      for (const rows of [1, 4, 9]) {
        const want = run(reference.kernels, rows, cols, seed, (a) => a.slice());
        expect(run(k, rows, cols, seed, (a) => inKernelMemory(arena, a))).toEqual(want);
        expect(run(k, rows, cols, seed, (a) => a.slice())).toEqual(want);
        for (const a of want) expect(a.every((v) => !Number.isNaN(v)), `rows=${rows} cols=${cols}`).toBe(true);
        seed++;
      }
    }
  });
});

/** α-entmax forward, backward and ∂α of `rows` rows with per-row α (two heads) and the given mask. */
function bisect(k: Kernels, x: Float32Array, dy: Float32Array, mask: Uint8Array | null, rows: number, cols: number, alpha: Float32Array, rowsPerAlpha: number) {
  const y = new Float32Array(rows * cols).fill(NaN);
  k.entmaxBisectRows(x, y, rows, cols, mask, alpha, rowsPerAlpha);
  const dx = new Float32Array(rows * cols).fill(0.25);
  k.entmaxBackwardRows(y, dy, dx, rows, cols, alpha, rowsPerAlpha);
  const dAlpha = new Float32Array(alpha.length);
  k.entmaxAlphaBackwardRows(y, dy, dAlpha, rows, cols, alpha, rowsPerAlpha);
  return { y, dx, dAlpha };
}

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe.each(fastKernelSets())("α-entmax kernels over α and row lengths: $name", ({ kernels: k }) => {
  const ALPHAS = [1.05, 1.2, 1.3, 1.5, 1.7, 2, 2.5, 3, 4];
  it("match the js reference within float32 rounding (exactly for sparsemax, 1.5-entmax and top-k)", () => {
    let seed = 100;
    for (const cols of [1, 2, 5, 8, 63, 64, 130, 257]) {
      const rows = 6;
      const rand = seeded(seed++);
      const n = rows * cols;
      const x = f32(n, rand, -6, 6), dy = f32(n, rand, -1, 1);
      const mask = new Uint8Array(n).map(() => (rand() < 0.25 ? 1 : 0));
      mask.fill(1, 2 * cols, 3 * cols); // a fully masked row
      for (let i = 0; i < ALPHAS.length; i++) {
        const alpha = Float32Array.of(ALPHAS[i]!, ALPHAS[(i + 3) % ALPHAS.length]!);
        const want = bisect(reference.kernels, x, dy, mask, rows, cols, alpha, 3);
        const got = bisect(k, x, dy, mask, rows, cols, alpha, 3);
        const what = `cols=${cols} α=${alpha[0]},${alpha[1]}`;
        expect(worstRelErr(got.y, want.y, 1e-7, 2e-6), `y ${what}`).toBeLessThanOrEqual(1);
        expect(worstRelErr(got.dx, want.dx, 1e-6, 1e-5), `dx ${what}`).toBeLessThanOrEqual(1);
        expect(worstRelErr(got.dAlpha, want.dAlpha, 1e-5, 1e-4), `dα ${what}`).toBeLessThanOrEqual(1);
        expect(Array.from(got.y.subarray(2 * cols, 3 * cols)).every((v) => v === 0), `masked row ${what}`).toBe(true);
        for (let r = 0; r < rows; r++) {
          if (r === 2) continue;
          let sum = 0;
          for (let j = 0; j < cols; j++) sum += got.y[r * cols + j]!;
          if (mask.subarray(r * cols, (r + 1) * cols).some((m) => m === 0)) expect(Math.abs(sum - 1), `sum ${what} row ${r}`).toBeLessThan(1e-5);
        }
        if (ALPHAS[i] === 1.5 || ALPHAS[i] === 2) {
          // Powers fdlibm gets exactly (u, u², √y): the reference's bits.
          expect(bitsOf(got.y.subarray(0, 3 * cols)), `y bits ${what}`).toEqual(bitsOf(want.y.subarray(0, 3 * cols)));
        }
      }
      for (const [name, fn] of [["sparsemax", "sparsemaxRows"], ["1.5-entmax", "entmax15Rows"]] as const) {
        const a = new Float32Array(n), b = new Float32Array(n);
        reference.kernels[fn](x, a, rows, cols, mask);
        k[fn](x, b, rows, cols, mask);
        expect(bitsOf(b), `${name} cols=${cols}`).toEqual(bitsOf(a));
      }
      const ka = new Uint8Array(n), kb = new Uint8Array(n);
      reference.kernels.topKMaskRows(x, mask, ka, rows, cols, 3);
      k.topKMaskRows(x, mask, kb, rows, cols, 3);
      expect(Array.from(kb), `top-k cols=${cols}`).toEqual(Array.from(ka));
    }
  });

  it("give a row the same bits alone and in a batch with masked padding columns, and reproducibly", () => {
    const rand = seeded(7);
    const C = 37, P = C + 11, rows = 5;
    const row = f32(C, rand, -5, 5), dyRow = f32(C, rand, -1, 1);
    for (const a of [1.25, 1.5, 1.8, 2, 2.7]) {
      const alone = bisect(k, row, dyRow, null, 1, C, Float32Array.of(a), 1);
      // The same row as row 3 of a padded batch: other rows random, the padding columns masked.
      const x = f32(rows * P, rand, -5, 5), dy = f32(rows * P, rand, -1, 1);
      const mask = new Uint8Array(rows * P);
      x.set(row, 3 * P);
      dy.set(dyRow, 3 * P);
      mask.fill(1, 3 * P + C, 4 * P);
      const batch = bisect(k, x, dy, mask, rows, P, Float32Array.of(a), rows);
      expect(bitsOf(batch.y.subarray(3 * P, 3 * P + C)), `y α=${a}`).toEqual(bitsOf(alone.y));
      expect(bitsOf(batch.dx.subarray(3 * P, 3 * P + C)), `dx α=${a}`).toEqual(bitsOf(alone.dx));
      const again = bisect(k, x, dy, mask, rows, P, Float32Array.of(a), rows);
      expect(bitsOf(again.y)).toEqual(bitsOf(batch.y));
      expect(bitsOf(again.dAlpha)).toEqual(bitsOf(batch.dAlpha));
    }
  });

  it("handle empty inputs and reject α ≤ 1", () => {
    const z = new Float32Array(0);
    k.entmaxBisectRows(z, z, 0, 5, null, Float32Array.of(1.5), 1);
    k.sparsemaxRows(z, z, 0, 5, null);
    k.entmax15Rows(z, z, 3, 0, null);
    k.entmaxBackwardRows(z, z, z, 0, 4, Float32Array.of(1.5), 1);
    k.topKMaskRows(z, null, new Uint8Array(0), 0, 4, 2);
    expect(() => k.entmaxBisectRows(new Float32Array(4), new Float32Array(4), 1, 4, null, Float32Array.of(1), 1)).toThrow(/α must be > 1/);
  });
});
