import { describe, expect, it } from "vitest";
import { Embedding } from "../../src/nn/embedding.js";
import { GRU } from "../../src/nn/gru.js";
import { GRUCell } from "../../src/nn/gruCell.js";
import { fans, kaimingUniform_, xavierUniform_ } from "../../src/nn/init.js";
import { Linear } from "../../src/nn/linear.js";
import { LSTM } from "../../src/nn/lstm.js";
import { LSTMCell } from "../../src/nn/lstmCell.js";
import type { Module } from "../../src/nn/module.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";

function maxAbs(t: Tensor): number {
  let m = 0;
  for (const v of t.data) m = Math.max(m, Math.abs(v));
  return m;
}

/** Every value within ±bound, and the extremes reach most of it (the range is not too narrow). */
function expectUniformWithin(t: Tensor, bound: number, label: string): void {
  const m = maxAbs(t);
  expect(m, label).toBeLessThanOrEqual(bound);
  expect(m, label).toBeGreaterThan(0.8 * bound);
}

const builders: [string, (rng: Rng) => Module][] = [
  ["Linear", (r) => new Linear(16, 8, r)],
  ["Embedding", (r) => new Embedding(10, 4, r, { paddingIdx: 0 })],
  ["GRUCell", (r) => new GRUCell(5, 16, r)],
  ["LSTMCell", (r) => new LSTMCell(5, 16, r)],
  ["GRU", (r) => new GRU(5, 16, r, { numLayers: 2, bidirectional: true })],
  ["LSTM", (r) => new LSTM(5, 16, r, { numLayers: 2 })],
];

describe("PyTorch default initialisation", () => {
  it("Linear: weight and bias U(±1/√in)", () => {
    const m = new Linear(16, 32, new Rng(1));
    expectUniformWithin(m.weight, 0.25, "weight");
    expectUniformWithin(m.bias!, 0.25, "bias");
  });

  it("GRU/LSTM and their cells: every parameter U(±1/√H)", () => {
    for (const m of [new GRU(5, 16, new Rng(1), { numLayers: 2, bidirectional: true }), new LSTM(5, 16, new Rng(1)), new GRUCell(5, 16, new Rng(1)), new LSTMCell(5, 16, new Rng(1))]) {
      for (const [n, t] of m.namedParameters()) expectUniformWithin(t, 0.25, n);
    }
  });

  it("Embedding: N(0, 1) with the padding row zero", () => {
    const m = new Embedding(401, 10, new Rng(2), { paddingIdx: 0 });
    expect(Array.from(m.weight.data.subarray(0, 10))).toEqual(new Array(10).fill(0));
    const rest = m.weight.data.subarray(10);
    let s = 0;
    let s2 = 0;
    for (const v of rest) {
      s += v;
      s2 += v * v;
    }
    const mean = s / rest.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(Math.sqrt(s2 / rest.length - mean * mean) - 1)).toBeLessThan(0.1);
  });

  it("kaiming_uniform(a=√5) reduces to 1/√fan_in; xavier_uniform uses √(6/(in+out))", () => {
    expect(fans([8, 3, 2, 2])).toEqual([12, 32]);
    const k = kaimingUniform_(Tensor.zeros([64, 36]), new Rng(3), Math.sqrt(5));
    expectUniformWithin(k, 1 / 6, "kaiming");
    const x = xavierUniform_(Tensor.zeros([40, 20]), new Rng(3));
    expectUniformWithin(x, Math.sqrt(6 / 60), "xavier");
  });

  it("is deterministic per seed and differs between seeds", () => {
    for (const [name, build] of builders) {
      const a = build(new Rng(11)).namedParameters();
      const b = build(new Rng(11)).namedParameters();
      const c = build(new Rng(12)).namedParameters();
      a.forEach(([n, t], i) => {
        expect(Array.from(b[i]![1].data), `${name} ${n}`).toEqual(Array.from(t.data));
        if (!(name === "Embedding" && t.size === 0)) expect(Array.from(c[i]![1].data), `${name} ${n}`).not.toEqual(Array.from(t.data));
      });
    }
  });
});
