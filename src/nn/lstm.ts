import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import { lstmInputProjection, lstmStep } from "./lstmCell.js";
import { RNNBase, type CellKind, type RNNOptions } from "./rnnBase.js";

const LSTM_KIND: CellKind = {
  gates: 4,
  project: lstmInputProjection,
  step: (gi, [h, c], w) => {
    const s = lstmStep(gi, { h: h!, c: c! }, w);
    return [s.h, s.c];
  },
};

export interface LSTMForwardOptions {
  /** Real length of each sequence [B] (right padding); omitted = all T. */
  lengths?: Int32Array | null;
  /** Initial hidden state [layers·dirs, B, H]; omitted = zeros. */
  h0?: Tensor | null;
  /** Initial cell state [layers·dirs, B, H]; omitted = zeros. */
  c0?: Tensor | null;
}

/** Per-layer states of a stepped LSTM, each [B, H]. */
export interface LSTMLayerStates {
  h: Tensor[];
  c: Tensor[];
}

/** torch.nn.LSTM(inputSize, hiddenSize, num_layers, bidirectional, dropout, batch_first=True). */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, rng: Rng, opts: RNNOptions = {}) {
    super(LSTM_KIND, inputSize, hiddenSize, rng, opts);
  }

  /** x [B, T, I] → output [B, T, dirs·H] (0 at padding), hN and cN [layers·dirs, B, H]. */
  forward(x: Tensor, opts: LSTMForwardOptions = {}): { output: Tensor; hN: Tensor; cN: Tensor } {
    const { output, finals } = this.run(x, opts.lengths, [opts.h0 ?? null, opts.c0 ?? null]);
    return { output, hN: finals[0]!, cN: finals[1]! };
  }

  /** One step of a unidirectional LSTM: x [B, I] and per-layer states (null = zeros) → new per-layer states; the last h is the output. */
  step(x: Tensor, state: LSTMLayerStates | null = null): LSTMLayerStates {
    const next = this.stepLayers(x, state ? state.h.map((h, l) => [h, state.c[l]!]) : null, 2);
    return { h: next.map((s) => s[0]!), c: next.map((s) => s[1]!) };
  }
}
