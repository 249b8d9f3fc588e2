import { describe, expect, it } from "vitest";
import { GRU } from "../../src/nn/gru.js";
import { LSTM } from "../../src/nn/lstm.js";
import { timeStep } from "../../src/nn/sequenceSteps.js";
import { splitLayers } from "../../src/nn/splitLayers.js";
import { slice } from "../../src/ops/index.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { loadFixture } from "../helpers/fixtures.js";
import { expectFixtureParity, expectGradCheck, flatConcat, randn } from "./helpers.js";

describe("GRU / LSTM parity with PyTorch", () => {
  for (const name of ["gru", "gru_bidirectional_2layer"]) {
    it(`matches ${name} (output, h_n and every gradient)`, () => {
      const fx = loadFixture(name);
      const gru = new GRU(fx.inputs.input_size as number, fx.inputs.hidden_size as number, new Rng(0), {
        numLayers: (fx.inputs.num_layers as number | undefined) ?? 1,
        bidirectional: (fx.inputs.bidirectional as boolean | undefined) ?? false,
      });
      expectFixtureParity(fx, gru, ["x", "h0"], ({ x, h0 }) => {
        const { output, hN } = gru.forward(x!, { h0: h0! });
        return { output, h_n: hN };
      });
    });
  }

  it("matches lstm (output, h_n, c_n and every gradient)", () => {
    const fx = loadFixture("lstm");
    const lstm = new LSTM(fx.inputs.input_size as number, fx.inputs.hidden_size as number, new Rng(0));
    expectFixtureParity(fx, lstm, ["x", "h0", "c0"], ({ x, h0, c0 }) => {
      const { output, hN, cN } = lstm.forward(x!, { h0: h0!, c0: c0! });
      return { output, h_n: hN, c_n: cN };
    });
  });
});

describe("GRU / LSTM gradient checks (2 layers, bidirectional, unequal lengths)", () => {
  const lengths = Int32Array.from([3, 1, 2]);

  it("GRU", () => {
    withFloat64(() => {
      const rng = new Rng(1);
      const gru = new GRU(2, 3, rng, { numLayers: 2, bidirectional: true });
      const x = randn([3, 3, 2], rng);
      const h0 = randn([4, 3, 3], rng);
      expectGradCheck(() => {
        const r = gru.forward(x, { lengths, h0 });
        return flatConcat([r.output, r.hN]);
      }, [x, h0, ...gru.parameters()]);
    });
  });

  it("LSTM", () => {
    withFloat64(() => {
      const rng = new Rng(2);
      const lstm = new LSTM(2, 3, rng, { numLayers: 2, bidirectional: true });
      const x = randn([3, 3, 2], rng);
      const h0 = randn([4, 3, 3], rng);
      const c0 = randn([4, 3, 3], rng);
      expectGradCheck(() => {
        const r = lstm.forward(x, { lengths, h0, c0 });
        return flatConcat([r.output, r.hN, r.cN]);
      }, [x, h0, c0, ...lstm.parameters()]);
    });
  });
});

/** Row b of a [B, ...] tensor. */
function row(t: Tensor, b: number): number[] {
  const w = t.size / t.shape[0]!;
  return Array.from(t.data.subarray(b * w, (b + 1) * w));
}

/** hN [n, B, H] → the [n, H] values of batch row b. */
function stateOf(hN: Tensor, b: number): number[] {
  const [n, B, H] = hN.shape as [number, number, number];
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(...Array.from(hN.data.subarray((k * B + b) * H, (k * B + b + 1) * H)));
  return out;
}

function expectNear(got: number[], want: number[], label: string): void {
  expect(got.length, label).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${label}[${i}]`).toBeLessThan(1e-12));
}

describe("padding semantics (pack_padded_sequence)", () => {
  for (const kind of ["GRU", "LSTM"] as const) {
    it(`${kind}: a padded short sequence gives exactly what it gives alone; padding never enters either direction`, () => {
      withFloat64(() => {
        const rng = new Rng(3);
        const I = 2;
        const H = 3;
        const opts = { numLayers: 2, bidirectional: true };
        const rnn = kind === "GRU" ? new GRU(I, H, rng, opts) : new LSTM(I, H, rng, opts);
        const x = randn([2, 5, I], rng);
        // Garbage in the padding of the short sequence: it must not matter.
        for (let t = 2; t < 5; t++) for (let i = 0; i < I; i++) x.data[(5 + t) * I + i] = 1e3 * (i + 1);
        const h0 = randn([4, 2, H], rng);
        const run = (xx: Tensor, h: Tensor, lengths?: Int32Array) => {
          const r = rnn.forward(xx, { lengths: lengths ?? null, h0: h, c0: h });
          return { output: r.output, hN: r.hN, cN: "cN" in r ? (r.cN as Tensor) : null };
        };
        x.requiresGrad = true;
        const batch = run(x, h0, Int32Array.from([5, 2]));
        const shortX = slice(slice(x, 0, 1, 2), 1, 0, 2);
        const alone = [run(slice(x, 0, 0, 1), slice(h0, 1, 0, 1)), run(shortX, slice(h0, 1, 1, 2))];
        expectNear(row(batch.output, 0), row(alone[0]!.output, 0), "long output");
        const short = row(batch.output, 1);
        expectNear(short.slice(0, 2 * 2 * H), row(alone[1]!.output, 0), "short output, real steps");
        expect(short.slice(2 * 2 * H)).toEqual(new Array(3 * 2 * H).fill(0));
        for (const b of [0, 1]) {
          expectNear(stateOf(batch.hN, b), stateOf(alone[b]!.hN, 0), `hN row ${b}`);
          if (batch.cN) expectNear(stateOf(batch.cN, b), stateOf(alone[b]!.cN!, 0), `cN row ${b}`);
        }
        // No gradient reaches the padded inputs.
        const R = new Float64Array(batch.output.size).fill(1);
        batch.output.backward(R);
        expect(Array.from(x.grad!.subarray(5 * I + 2 * I))).toEqual(new Array(3 * I).fill(0));
        expect(x.grad!.subarray(5 * I, 5 * I + 2 * I).some((v) => v !== 0)).toBe(true);
      });
    });
  }

  it("skips steps beyond the longest sequence (all-padding tail gives zeros)", () => {
    const rng = new Rng(4);
    const gru = new GRU(2, 3, rng, { bidirectional: true });
    const x = randn([2, 4, 2], rng);
    const full = gru.forward(slice(x, 1, 0, 2), { lengths: Int32Array.from([2, 1]) });
    const padded = gru.forward(x, { lengths: Int32Array.from([2, 1]) });
    expect(Array.from(padded.hN.data)).toEqual(Array.from(full.hN.data));
    expect(row(padded.output, 0).slice(12)).toEqual(new Array(12).fill(0));
  });

  it("validates shapes of x, h0 and lengths", () => {
    const gru = new GRU(2, 3, new Rng(1), { numLayers: 2 });
    expect(() => gru.forward(Tensor.zeros([2, 4, 3]))).toThrow(/GRU: expected x \[B, T, 2\]/);
    expect(() => gru.forward(Tensor.zeros([2, 4, 2]), { h0: Tensor.zeros([1, 2, 3]) })).toThrow(/initial state must be \[2, 2, 3\]/);
    expect(() => gru.forward(Tensor.zeros([2, 4, 2]), { lengths: Int32Array.from([4, 5]) })).toThrow(/outside \[0, 4\]/);
    expect(() => new GRU(2, 3, new Rng(1), { numLayers: 0 })).toThrow(/numLayers/);
    expect(() => new GRU(2, 3, new Rng(1), { bidirectional: true }).step(Tensor.zeros([1, 2]))).toThrow(/bidirectional/);
  });
});

describe("stepping one time step at a time (decoders)", () => {
  it("GRU.step over T steps equals forward", () => {
    withFloat64(() => {
      const rng = new Rng(5);
      const gru = new GRU(2, 3, rng, { numLayers: 2 });
      const x = randn([2, 4, 2], rng);
      const h0 = randn([2, 2, 3], rng);
      const full = gru.forward(x, { h0 });
      let h = splitLayers(h0);
      for (let t = 0; t < 4; t++) {
        h = gru.step(timeStep(x, t), h);
        const top = h[1]!;
        for (let b = 0; b < 2; b++) expectNear(Array.from(top.data.subarray(b * 3, b * 3 + 3)), Array.from(full.output.data.subarray((b * 4 + t) * 3, (b * 4 + t + 1) * 3)), `t=${t} b=${b}`);
      }
      expectNear(h.flatMap((s) => Array.from(s.data)), Array.from(full.hN.data), "hN");
    });
  });

  it("LSTM.step over T steps equals forward", () => {
    withFloat64(() => {
      const rng = new Rng(6);
      const lstm = new LSTM(2, 3, rng, { numLayers: 2 });
      const x = randn([2, 4, 2], rng);
      const full = lstm.forward(x);
      let s = lstm.step(timeStep(x, 0));
      for (let t = 1; t < 4; t++) s = lstm.step(timeStep(x, t), s);
      expectNear(s.h.flatMap((v) => Array.from(v.data)), Array.from(full.hN.data), "hN");
      expectNear(s.c.flatMap((v) => Array.from(v.data)), Array.from(full.cN.data), "cN");
    });
  });
});

describe("dropout between layers", () => {
  it("is active only in training mode and never after the last layer", () => {
    const rng = new Rng(7);
    const x = randn([2, 3, 2], rng);
    const gru = new GRU(2, 8, rng, { numLayers: 2, dropout: 0.5 });
    const a = gru.forward(x).output.toArray();
    const b = gru.forward(x).output.toArray();
    expect(a).not.toEqual(b);
    gru.eval();
    const c = gru.forward(x).output.toArray();
    expect(gru.forward(x).output.toArray()).toEqual(c);
    // One layer: dropout has nowhere to go, training mode changes nothing.
    const single = new GRU(2, 8, new Rng(8), { dropout: 0.5 });
    expect(single.forward(x).output.toArray()).toEqual(single.forward(x).output.toArray());
  });
});
