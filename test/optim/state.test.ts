import { describe, expect, it } from "vitest";
import { Adam, AdamW, SGD, type NamedParams, type Optimizer, type OptimizerStateDict } from "../../src/optim/index.js";
import { UserError } from "../../src/errors.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";

type Make = (params: NamedParams) => Optimizer;

const makers: Record<string, Make> = {
  sgd: (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
  "sgd+dampening": (p) => new SGD(p, { lr: 0.05, momentum: 0.5, dampening: 0.2 }),
  adam: (p) => new Adam(p, { lr: 1e-2, beta2: 0.98, eps: 1e-9, weightDecay: 1e-2, amsgrad: true }),
  adamw: (p) => new AdamW(p, { lr: 1e-2, weightDecay: 0.1 }),
};

const shapes: Record<string, number[]> = { "encoder.rnn.weight_ih_l0": [3, 4], "decoder.out.bias": [5] };

function makeParams(rng: Rng): [string, Tensor][] {
  return Object.entries(shapes).map(([name, shape]) => {
    const t = Tensor.zeros(shape, true);
    for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
    return [name, t];
  });
}

/** Random grads; the bias gets none on the first step, to exercise lazily created state. */
function setGrads(params: [string, Tensor][], rng: Rng, step: number): void {
  for (const [name, t] of params) {
    if (name === "decoder.out.bias" && step === 0) {
      t.grad = null;
      continue;
    }
    const g = new Float32Array(t.size);
    for (let i = 0; i < g.length; i++) g[i] = rng.normal();
    t.grad = g;
  }
}

/** What a checkpoint does: metadata through JSON, buffers as Float32Array copies. */
function throughCheckpoint(sd: OptimizerStateDict): OptimizerStateDict {
  const tensors: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(sd.tensors)) tensors[k] = new Float32Array(v);
  return { meta: JSON.parse(JSON.stringify(sd.meta)) as OptimizerStateDict["meta"], tensors };
}

const bits = (params: [string, Tensor][]) => params.map(([, t]) => Array.from(new Uint32Array(new Float32Array(t.data).buffer)));

describe("optimizer state dict", () => {
  for (const [kind, make] of Object.entries(makers)) {
    it(`${kind}: resuming from a state dict gives bitwise identical steps`, () => {
      const a = makeParams(new Rng(1));
      const optA = make(a);
      const gradRng = new Rng(2);
      for (let s = 0; s < 3; s++) {
        setGrads(a, gradRng, s);
        optA.step();
      }
      const saved = throughCheckpoint(optA.stateDict());
      const b: [string, Tensor][] = a.map(([n, t]) => [n, t.clone()]);
      const optB = make(b.map(([n, t]) => ({ name: n, param: t })));
      optB.lr = 123; // replaced by the saved lr
      optB.loadStateDict(saved);
      expect(optB.lr).toBe(optA.lr);
      expect(optB.stepCount).toBe(3);

      const rngA = new Rng(3);
      const rngB = new Rng(3);
      for (let s = 3; s < 8; s++) {
        setGrads(a, rngA, s);
        setGrads(b, rngB, s);
        optA.step();
        optB.step();
        expect(bits(b)).toEqual(bits(a));
      }
      const sa = optA.stateDict();
      const sb = optB.stateDict();
      expect(sb.meta).toEqual(sa.meta);
      expect(Object.keys(sb.tensors)).toEqual(Object.keys(sa.tensors));
      for (const k of Object.keys(sa.tensors)) expect(Array.from(sb.tensors[k]!)).toEqual(Array.from(sa.tensors[k]!));
    });
  }

  /** Adam (default betas, lr 1e-3) after one step on random params and grads. */
  const adamAfterOneStep = (seed: number) => {
    const p = makeParams(new Rng(seed));
    const opt = new Adam(p, { lr: 1e-3 });
    setGrads(p, new Rng(seed + 1), 1);
    opt.step();
    return { p, opt };
  };

  it("names buffers <buffer>.<param name> and copies them", () => {
    const { opt } = adamAfterOneStep(4);
    const sd = opt.stateDict();
    expect(Object.keys(sd.tensors).sort()).toEqual([
      "exp_avg.decoder.out.bias",
      "exp_avg.encoder.rnn.weight_ih_l0",
      "exp_avg_sq.decoder.out.bias",
      "exp_avg_sq.encoder.rnn.weight_ih_l0",
    ]);
    expect(sd.tensors["exp_avg.encoder.rnn.weight_ih_l0"]).toBeInstanceOf(Float32Array);
    expect(sd.meta).toEqual({
      type: "adam",
      lr: 1e-3,
      stepCount: 1,
      hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false },
      paramSteps: { "encoder.rnn.weight_ih_l0": 1, "decoder.out.bias": 1 },
    });
    const before = Array.from(sd.tensors["exp_avg.decoder.out.bias"]!);
    opt.step();
    expect(Array.from(sd.tensors["exp_avg.decoder.out.bias"]!)).toEqual(before);
  });

  it("rejects mismatching states with UserError and leaves the optimizer unchanged", () => {
    const { p, opt } = adamAfterOneStep(6);
    const good = opt.stateDict();
    const target = new Adam(makeParams(new Rng(6)), { lr: 5e-4 });
    const bad = (edit: (sd: OptimizerStateDict) => void) => {
      const sd = throughCheckpoint(good);
      edit(sd);
      expect(() => target.loadStateDict(sd)).toThrow(UserError);
    };
    bad((sd) => (sd.meta.type = "sgd"));
    bad((sd) => (sd.tensors["exp_avg.decoder.out.weight"] = new Float32Array(5)));
    bad((sd) => (sd.tensors["exp_avg.decoder.out.bias"] = new Float32Array(4)));
    bad((sd) => (sd.tensors["velocity.decoder.out.bias"] = new Float32Array(5)));
    bad((sd) => delete sd.tensors["exp_avg_sq.decoder.out.bias"]);
    bad((sd) => (sd.meta.paramSteps["nope"] = 1));
    bad((sd) => (sd.meta.hyper["beta1"] = 2));
    expect(target.lr).toBe(5e-4);
    expect(target.stateDict().tensors).toEqual({});
    expect(() => new SGD(p, { lr: 0.1 }).loadStateDict(good)).toThrow(UserError);
    expect(() => new AdamW(p, { lr: 0.1 }).loadStateDict(good)).toThrow(UserError);
  });

  it("rejects duplicate parameter names or tensors", () => {
    const t = Tensor.zeros([2], true);
    expect(() => new SGD([["a", t], ["a", Tensor.zeros([2], true)]], { lr: 0.1 })).toThrow();
    expect(() => new SGD([["a", t], ["b", t]], { lr: 0.1 })).toThrow();
  });
});
