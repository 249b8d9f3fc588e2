import { dropout as dropoutOp, selectRows, stack } from "../ops/index.js";
import type { Rng } from "../tensor/rng.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";
import { checkState, forEachWeight, initRecurrentWeights, type RecurrentWeights } from "./recurrentWeights.js";
import { stepsToSequence, timeStep } from "./sequenceSteps.js";
import { splitLayers } from "./splitLayers.js";
import { stepMasks, type StepMasks } from "./stepMasks.js";

export interface RNNOptions {
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout on each layer's output except the last's, in training mode (PyTorch's `dropout`). */
  dropout?: number;
}

/**
 * How one kind of cell computes: its gate count, the all-steps input projection and one step
 * on its state components (GRU: [h]; LSTM: [h, c] — h first, it is the output).
 */
export interface CellKind {
  gates: number;
  project(x: Tensor, w: RecurrentWeights): Tensor;
  step(gi: Tensor, state: readonly Tensor[], w: RecurrentWeights): Tensor[];
}

/**
 * Shared driver of the multi-layer, optionally bidirectional GRU and LSTM over right-padded
 * batch-first input, with PyTorch's parameter names and order (weight_ih_l{k}, weight_hh_l{k},
 * bias_ih_l{k}, bias_hh_l{k}, then the same with `_reverse`) and pack_padded_sequence
 * semantics: a sequence of length L is run forward over steps 0…L−1 and its state is then
 * frozen (selectRows); the reverse direction starts at step L−1 from the initial state; outputs
 * at padded steps are exactly 0; the final state is the one at the last real step.
 *
 * Speed: each layer and direction computes x W_ihᵀ for all steps in one matmul; a step only
 * multiplies by W_hh. Steps beyond the longest sequence are skipped. Dropout masks come from
 * the Rng given to the constructor (which first draws the initial weights from it).
 */
export abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly dropout: number;
  /** Weights per layer, then per direction (0 forward, 1 reverse). */
  readonly weights: RecurrentWeights[][] = [];

  protected constructor(
    private readonly kind: CellKind,
    readonly inputSize: number,
    readonly hiddenSize: number,
    private readonly rng: Rng,
    opts: RNNOptions,
  ) {
    super();
    this.numLayers = opts.numLayers ?? 1;
    this.bidirectional = opts.bidirectional ?? false;
    this.dropout = opts.dropout ?? 0;
    if (!(Number.isInteger(this.numLayers) && this.numLayers >= 1)) throw new Error(`RNN: numLayers must be a positive integer, got ${this.numLayers}`);
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new Error(`RNN: dropout must be in [0, 1), got ${this.dropout}`);
    for (let l = 0; l < this.numLayers; l++) {
      const layer: RecurrentWeights[] = [];
      const inSize = l === 0 ? inputSize : hiddenSize * this.numDirections;
      for (let d = 0; d < this.numDirections; d++) {
        const w = initRecurrentWeights(kind.gates, inSize, hiddenSize, rng);
        forEachWeight(w, `_l${l}${d === 1 ? "_reverse" : ""}`, (name, t) => this.param(name, t));
        layer.push(w);
      }
      this.weights.push(layer);
    }
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * Run all layers over x [B, T, I]. `init[s]` is the initial value of state component s as
   * [layers·dirs, B, H] (null = zeros). Returns the output [B, T, dirs·H] and per component the
   * final states [layers·dirs, B, H], ordered l0 fwd, l0 bwd, l1 fwd, … as in PyTorch.
   */
  protected run(x: Tensor, lengths: Int32Array | null | undefined, init: readonly (Tensor | null)[]): { output: Tensor; finals: Tensor[] } {
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) throw shapeError(this.constructor.name, `expected x [B, T, ${this.inputSize}]`, x.shape);
    const [B, T] = x.shape as [number, number];
    const H = this.hiddenSize;
    const masks = stepMasks(lengths, B, T);
    const initial = init.map((t) => this.splitInitial(t, B));
    const finals: Tensor[][] = init.map(() => []);
    let input = x;
    for (let l = 0; l < this.numLayers; l++) {
      if (l > 0) input = dropoutOp(input, this.dropout, this.rng, this.training);
      const outs: (Tensor | null)[][] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const k = l * this.numDirections + d;
        const w = this.weights[l]![d]!;
        const state0 = initial.map((s) => s?.[k] ?? Tensor.zeros([B, H]));
        const r = this.runDirection(this.kind.project(input, w), state0, masks, d === 1, w);
        outs.push(r.outputs);
        r.final.forEach((s, i) => finals[i]!.push(s));
      }
      input = stepsToSequence(outs, masks.active, B, H);
    }
    return { output: input, finals: finals.map((f) => stack(f, 0)) };
  }

  private runDirection(proj: Tensor, state0: Tensor[], masks: StepMasks, reverse: boolean, w: RecurrentWeights): { outputs: (Tensor | null)[]; final: Tensor[] } {
    const outputs = new Array<Tensor | null>(masks.steps).fill(null);
    let state = state0;
    const n = masks.maxLength;
    for (let i = 0; i < n; i++) {
      const t = reverse ? n - 1 - i : i;
      const next = this.kind.step(timeStep(proj, t), state, w);
      const m = masks.active[t];
      // Rows whose sequence has no step t keep their state: frozen after the end going forward,
      // still the initial state going backward.
      const prev = state;
      state = m ? next.map((s, j) => selectRows(m, s, prev[j]!)) : next;
      outputs[t] = state[0]!;
    }
    return { outputs, final: state };
  }

  /** [layers·dirs, B, H] → one [B, H] tensor per layer and direction. */
  private splitInitial(t: Tensor | null, batch: number): Tensor[] | null {
    if (!t) return null;
    const n = this.numLayers * this.numDirections;
    const H = this.hiddenSize;
    if (t.ndim !== 3 || t.shape[0] !== n || t.shape[1] !== batch || t.shape[2] !== H) {
      throw shapeError(this.constructor.name, `initial state must be [${n}, ${batch}, ${H}]`, t.shape);
    }
    return splitLayers(t);
  }

  /**
   * One time step through all layers of a unidirectional RNN (for decoders): x [B, I] and per
   * layer its state components (null = zeros) → the new per-layer states. The top layer's h is
   * the output.
   */
  protected stepLayers(x: Tensor, states: readonly (readonly Tensor[])[] | null, components: number): Tensor[][] {
    if (this.bidirectional) throw new Error(`${this.constructor.name}.step: a bidirectional RNN cannot be run one step at a time`);
    if (x.ndim !== 2 || x.shape[1] !== this.inputSize) throw shapeError(`${this.constructor.name}.step`, `expected x [B, ${this.inputSize}]`, x.shape);
    if (states && states.length !== this.numLayers) throw new Error(`${this.constructor.name}.step: expected states for ${this.numLayers} layers, got ${states.length}`);
    const B = x.shape[0]!;
    const out: Tensor[][] = [];
    let input = x;
    for (let l = 0; l < this.numLayers; l++) {
      if (l > 0) input = dropoutOp(input, this.dropout, this.rng, this.training);
      const w = this.weights[l]![0]!;
      const state = states?.[l] ?? Array.from({ length: components }, () => Tensor.zeros([B, this.hiddenSize]));
      for (const s of state) checkState(`${this.constructor.name}.step`, s, B, this.hiddenSize);
      const next = this.kind.step(this.kind.project(input, w), state, w);
      out.push(next);
      input = next[0]!;
    }
    return out;
  }
}
