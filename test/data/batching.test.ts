import { describe, expect, it } from "vitest";
import { BatchIterator, collate, makeBatches, planBatches, type Example } from "../../src/data/batching.js";
import { BOS, EOS, PAD } from "../../src/data/vocab.js";
import { Rng } from "../../src/tensor/rng.js";

/** Examples with random lengths; token ids encode (example, position) so padding mistakes show. */
function examples(n: number, seed = 1): Example[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, index) => {
    const s = 1 + rng.int(30);
    const t = 1 + rng.int(30);
    const src = Int32Array.from({ length: s + 1 }, (_, k) => (k === s ? EOS : 10 + k));
    const tgt = Int32Array.from({ length: t + 2 }, (_, k) => (k === 0 ? BOS : k === t + 1 ? EOS : 100 + k));
    return { src, tgt, index: index + 1000 };
  });
}

function visitedOnce(plan: number[][], n: number): boolean {
  const seen = plan.flat().sort((a, b) => a - b);
  return seen.length === n && seen.every((p, i) => p === i);
}

describe("planBatches", () => {
  const data = examples(503);

  for (const opts of [
    { batchSize: 16 },
    { batchSize: 16, bucket: false },
    { maxTokens: 300 },
    { maxTokens: 300, batchSize: 8 },
    { batchSize: 7, shuffle: false },
    { maxTokens: 64, shuffle: false, bucket: false },
  ]) {
    it(`visits every example exactly once per epoch: ${JSON.stringify(opts)}`, () => {
      for (let epoch = 0; epoch < 3; epoch++) {
        const plan = planBatches(data, opts, new Rng(5).fork(`e${epoch}`));
        expect(visitedOnce(plan, data.length)).toBe(true);
      }
    });
  }

  it("respects batchSize and maxTokens", () => {
    for (const b of planBatches(data, { batchSize: 16 }, new Rng(1))) expect(b.length).toBeLessThanOrEqual(16);
    for (const b of planBatches(data, { maxTokens: 200 }, new Rng(1))) {
      const width = Math.max(...b.map((p) => Math.max(data[p]!.src.length, data[p]!.tgt.length - 1)));
      if (b.length > 1) expect(b.length * width).toBeLessThanOrEqual(200);
    }
  });

  it("puts one over-long example in a batch of its own", () => {
    const plan = planBatches(data, { maxTokens: 5 }, new Rng(1));
    expect(visitedOnce(plan, data.length)).toBe(true);
    expect(plan.every((b) => b.length === 1)).toBe(true);
  });

  it("buckets: batches hold examples of similar length", () => {
    const spread = (plan: number[][]): number =>
      plan.reduce((s, b) => s + Math.max(...b.map((p) => data[p]!.src.length)) - Math.min(...b.map((p) => data[p]!.src.length)), 0) / plan.length;
    const bucketed = spread(planBatches(data, { batchSize: 16 }, new Rng(1)));
    const random = spread(planBatches(data, { batchSize: 16, bucket: false }, new Rng(1)));
    expect(bucketed).toBeLessThan(random / 3);
  });

  it("without shuffle needs no Rng and sorts by length", () => {
    const plan = planBatches(data, { batchSize: 10, shuffle: false });
    const lengths = plan.flat().map((p) => data[p]!.src.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    expect(() => planBatches(data, { batchSize: 10 })).toThrow(/needs an Rng/);
  });
});

describe("collate", () => {
  it("pads with 0, masks padding with 1 and shifts the target", () => {
    const data = examples(3, 9);
    const b = collate(data, [2, 0]);
    const [e2, e0] = [data[2]!, data[0]!];
    expect(b.batchSize).toBe(2);
    expect(b.srcLen).toBe(Math.max(e2.src.length, e0.src.length));
    expect(b.tgtLen).toBe(Math.max(e2.tgt.length, e0.tgt.length) - 1);
    expect(Array.from(b.indices)).toEqual([e2.index, e0.index]);
    expect(Array.from(b.srcLengths)).toEqual([e2.src.length, e0.src.length]);
    expect(Array.from(b.tgtLengths)).toEqual([e2.tgt.length - 1, e0.tgt.length - 1]);
    [e2, e0].forEach((e, r) => {
      const row = (a: ArrayLike<number>, len: number) => Array.from(a as Int32Array).slice(r * len, (r + 1) * len);
      const src = row(b.src, b.srcLen);
      expect(src).toEqual([...e.src, ...Array(b.srcLen - e.src.length).fill(PAD)]);
      expect(row(b.srcMask, b.srcLen)).toEqual(src.map((_, k) => (k < e.src.length ? 0 : 1)));
      const n = e.tgt.length - 1;
      expect(row(b.tgtIn, b.tgtLen)).toEqual([...e.tgt.slice(0, n), ...Array(b.tgtLen - n).fill(PAD)]);
      expect(row(b.tgtOut, b.tgtLen)).toEqual([...e.tgt.slice(1), ...Array(b.tgtLen - n).fill(PAD)]);
      expect(row(b.tgtMask, b.tgtLen)).toEqual(row(b.tgtIn, b.tgtLen).map((_, k) => (k < n ? 0 : 1)));
    });
    expect(b.tgtTokens).toBe(e2.tgt.length - 1 + e0.tgt.length - 1);
  });
});

describe("BatchIterator", () => {
  const data = examples(200);

  it("gives every epoch its own order, reproducible from (seed, epoch)", () => {
    const a = new BatchIterator(data, { batchSize: 8 }, 42);
    const b = new BatchIterator(data, { batchSize: 8 }, 42);
    expect(b.plan(3)).toEqual(a.plan(3));
    expect(a.plan(0)).not.toEqual(a.plan(1));
    expect(new BatchIterator(data, { batchSize: 8 }, 43).plan(0)).not.toEqual(a.plan(0));
    for (let e = 0; e < 4; e++) expect(visitedOnce(a.plan(e), data.length)).toBe(true);
  });

  it("resumes at epoch e, batch k with exactly the remaining batches", () => {
    const it = new BatchIterator(data, { maxTokens: 128 }, 3);
    const full = [...it.epoch(2)].map((b) => Array.from(b.indices));
    const resumed = new BatchIterator(data, { maxTokens: 128 }, 3);
    const rest = [...resumed.epoch(2, 5)].map((b) => Array.from(b.indices));
    expect(rest).toEqual(full.slice(5));
    expect(Array.from(resumed.batch(2, 4).indices)).toEqual(full[4]);
    expect(() => resumed.batch(2, full.length)).toThrow(/no batch/);
  });

  it("makeBatches covers the data once", () => {
    const batches = makeBatches(data, { batchSize: 9 }, new Rng(2));
    const idx = batches.flatMap((b) => Array.from(b.indices)).sort((x, y) => x - y);
    expect(idx).toEqual(data.map((e) => e.index));
  });
});
