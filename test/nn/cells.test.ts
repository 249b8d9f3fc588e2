import { describe, expect, it } from "vitest";
import { GRUCell } from "../../src/nn/gruCell.js";
import { LSTMCell } from "../../src/nn/lstmCell.js";
import { withFloat64 } from "../../src/tensor/dtype.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { loadFixture } from "../helpers/fixtures.js";
import { expectFixtureParity, expectGradCheck, flatConcat, randn } from "./helpers.js";

describe("GRUCell", () => {
  it("matches torch.nn.GRUCell (gate order r, z, n; all gradients)", () => {
    const fx = loadFixture("gru_cell");
    const cell = new GRUCell(fx.inputs.input_size as number, fx.inputs.hidden_size as number, new Rng(0));
    expectFixtureParity(fx, cell, ["x", "hx"], ({ x, hx }) => ({ h_next: cell.forward(x!, hx!) }));
  });

  it("passes a gradient check, and step(inputProjection) equals forward", () => {
    withFloat64(() => {
      const rng = new Rng(1);
      const cell = new GRUCell(3, 4, rng);
      const x = randn([2, 3], rng);
      const h = randn([2, 4], rng);
      expectGradCheck(() => cell.forward(x, h), [x, h, ...cell.parameters()]);
      expect(Array.from(cell.step(cell.inputProjection(x), h).data)).toEqual(Array.from(cell.forward(x, h).data));
      expect(Array.from(cell.forward(x).data)).toEqual(Array.from(cell.forward(x, Tensor.zeros([2, 4])).data));
    });
  });

  it("names wrong shapes", () => {
    const cell = new GRUCell(3, 4, new Rng(1));
    expect(() => cell.forward(Tensor.zeros([2, 5]))).toThrow(/GRUCell: expected x \[B, 3\]/);
    expect(() => cell.forward(Tensor.zeros([2, 3]), Tensor.zeros([2, 3]))).toThrow(/GRUCell: expected a state of shape \[2, 4\]/);
  });
});

describe("LSTMCell", () => {
  it("matches torch.nn.LSTMCell (gate order i, f, g, o; all gradients)", () => {
    const fx = loadFixture("lstm_cell");
    const cell = new LSTMCell(fx.inputs.input_size as number, fx.inputs.hidden_size as number, new Rng(0));
    expectFixtureParity(fx, cell, ["x", "hx", "cx"], ({ x, hx, cx }) => {
      const { h, c } = cell.forward(x!, { h: hx!, c: cx! });
      return { h_next: h, c_next: c };
    });
  });

  it("passes a gradient check on h and c", () => {
    withFloat64(() => {
      const rng = new Rng(2);
      const cell = new LSTMCell(3, 4, rng);
      const x = randn([2, 3], rng);
      const h = randn([2, 4], rng);
      const c = randn([2, 4], rng);
      expectGradCheck(() => {
        const s = cell.forward(x, { h, c });
        return flatConcat([s.h, s.c]);
      }, [x, h, c, ...cell.parameters()]);
    });
  });
});
