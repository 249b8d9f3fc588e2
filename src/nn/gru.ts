import type { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import { gruInputProjection, gruStep } from "./gruCell.js";
import { RNNBase, type CellKind, type RNNOptions } from "./rnnBase.js";

const GRU_KIND: CellKind = {
  gates: 3,
  project: gruInputProjection,
  step: (gi, [h], w) => [gruStep(gi, h!, w)],
};

export interface GRUForwardOptions {
  /** Real length of each sequence [B] (right padding); omitted = all T. */
  lengths?: Int32Array | null;
  /** Initial state [layers·dirs, B, H]; omitted = zeros. */
  h0?: Tensor | null;
}

/** torch.nn.GRU(inputSize, hiddenSize, num_layers, bidirectional, dropout, batch_first=True). */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, rng: Rng, opts: RNNOptions = {}) {
    super(GRU_KIND, inputSize, hiddenSize, rng, opts);
  }

  /** x [B, T, I] → output [B, T, dirs·H] (0 at padding), hN [layers·dirs, B, H]. */
  forward(x: Tensor, opts: GRUForwardOptions = {}): { output: Tensor; hN: Tensor } {
    const { output, finals } = this.run(x, opts.lengths, [opts.h0 ?? null]);
    return { output, hN: finals[0]! };
  }

  /** One step of a unidirectional GRU: x [B, I] and per-layer h [B, H] (null = zeros) → new per-layer h; the last is the output. */
  step(x: Tensor, h: readonly Tensor[] | null = null): Tensor[] {
    return this.stepLayers(x, h ? h.map((t) => [t]) : null, 1).map(([t]) => t!);
  }
}
