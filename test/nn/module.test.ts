import { describe, expect, it } from "vitest";
import { Embedding } from "../../src/nn/embedding.js";
import { GRU } from "../../src/nn/gru.js";
import { Linear } from "../../src/nn/linear.js";
import { LSTM } from "../../src/nn/lstm.js";
import { Module, ModuleList } from "../../src/nn/module.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";

class Encoder extends Module {
  readonly embed: Embedding;
  readonly rnn: GRU;
  readonly scale: Tensor;
  constructor(rng: Rng) {
    super();
    this.scale = this.param("scale", Tensor.full([1], 2));
    this.embed = this.module("embed", new Embedding(5, 3, rng, { paddingIdx: 0 }));
    this.rnn = this.module("rnn", new GRU(3, 4, rng, { bidirectional: true }));
  }
}

class Model extends Module {
  readonly encoder: Encoder;
  readonly heads: ModuleList<Linear>;
  constructor(rng: Rng) {
    super();
    this.encoder = this.module("encoder", new Encoder(rng));
    this.heads = this.module("heads", new ModuleList([new Linear(8, 2, rng), new Linear(2, 2, rng, { bias: false })]));
  }
}

describe("Module", () => {
  it("names parameters with PyTorch's dotted state_dict keys in registration order", () => {
    const m = new Model(new Rng(1));
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      "encoder.scale",
      "encoder.embed.weight",
      "encoder.rnn.weight_ih_l0",
      "encoder.rnn.weight_hh_l0",
      "encoder.rnn.bias_ih_l0",
      "encoder.rnn.bias_hh_l0",
      "encoder.rnn.weight_ih_l0_reverse",
      "encoder.rnn.weight_hh_l0_reverse",
      "encoder.rnn.bias_ih_l0_reverse",
      "encoder.rnn.bias_hh_l0_reverse",
      "heads.0.weight",
      "heads.0.bias",
      "heads.1.weight",
    ]);
    expect(m.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(m.numParameters()).toBe(1 + 15 + 2 * (36 + 48 + 12 + 12) + 16 + 2 + 4);
    expect(m.heads.length).toBe(2);
    expect(m.heads.get(1).bias).toBeNull();
    expect([...m.heads].length).toBe(2);
    expect(() => m.heads.get(2)).toThrow(/out of range/);
  });

  it("names a 2-layer bidirectional LSTM's parameters exactly like torch.nn.LSTM, with its shapes", () => {
    const lstm = new LSTM(3, 4, new Rng(2), { numLayers: 2, bidirectional: true });
    const got = lstm.namedParameters().map(([n, t]) => `${n} ${t.shape.join("x")}`);
    const want: string[] = [];
    for (const l of [0, 1]) {
      for (const sfx of ["", "_reverse"]) {
        const inSize = l === 0 ? 3 : 8;
        want.push(`weight_ih_l${l}${sfx} 16x${inSize}`, `weight_hh_l${l}${sfx} 16x4`, `bias_ih_l${l}${sfx} 16`, `bias_hh_l${l}${sfx} 16`);
      }
    }
    expect(got).toEqual(want);
  });

  it("rejects duplicate and dotted names", () => {
    class Bad extends Module {
      constructor(name: string, twice: boolean) {
        super();
        this.param(name, Tensor.zeros([1]));
        if (twice) this.param(name, Tensor.zeros([1]));
      }
    }
    expect(() => new Bad("a.b", false)).toThrow(/invalid name/);
    expect(() => new Bad("w", true)).toThrow(/already registered/);
  });

  it("switches train/eval mode recursively", () => {
    const m = new Model(new Rng(1));
    expect(m.encoder.rnn.training).toBe(true);
    m.eval();
    expect([m.training, m.encoder.training, m.encoder.rnn.training, m.heads.get(0).training]).toEqual([false, false, false, false]);
    m.train();
    expect(m.encoder.embed.training).toBe(true);
  });

  it("zeroGrad clears (null) or zero-fills gradients", () => {
    const m = new Linear(2, 2, new Rng(3));
    m.weight.ensureGrad().fill(1);
    m.zeroGrad(false);
    expect(Array.from(m.weight.grad!)).toEqual([0, 0, 0, 0]);
    m.zeroGrad();
    expect(m.weight.grad).toBeNull();
  });

  it("stateDict shares storage and loadStateDict copies values into the same tensors", () => {
    const a = new Model(new Rng(1));
    const b = new Model(new Rng(2));
    const sd = a.stateDict();
    expect(sd.get("encoder.rnn.weight_hh_l0_reverse")!.data).toBe(a.encoder.rnn.weights[0]![1]!.weightHh.data);
    const before = b.encoder.embed.weight;
    expect(b.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.encoder.embed.weight).toBe(before);
    for (const [n, t] of b.namedParameters()) expect(Array.from(t.data), n).toEqual(Array.from(sd.get(n)!.data));
    // A plain object works too.
    b.loadStateDict(Object.fromEntries(sd));
  });

  it("reports missing, unexpected and mis-shaped keys clearly", () => {
    const m = new Linear(3, 2, new Rng(1));
    const w = Tensor.zeros([2, 3]);
    expect(() => m.loadStateDict(new Map([["weight", w]]))).toThrow(/missing keys: bias/);
    expect(() => m.loadStateDict(new Map([["weight", w], ["bias", Tensor.zeros([2])], ["extra", w]]))).toThrow(/unexpected keys: extra/);
    expect(() => m.loadStateDict(new Map([["weight", Tensor.zeros([3, 2])], ["bias", Tensor.zeros([2])]]))).toThrow(
      /size mismatch for weight: checkpoint has \[3, 2\], the model \[2, 3\]/,
    );
    expect(() => m.loadStateDict(new Map([["weight", Tensor.zeros([3, 2])]]), false)).toThrow(/size mismatch/);
    const r = m.loadStateDict(new Map([["weight", w], ["extra", w]]), false);
    expect(r).toEqual({ missingKeys: ["bias"], unexpectedKeys: ["extra"] });
    expect(Array.from(m.weight.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
