import type { AttentionMap } from "../../models/types.js";

/** A square or rectangular matrix of weights, rows × cols, row-major. */
export type Matrix = number[][];

/** The mean over heads of the maps of one kind and layer (rows and columns as the maps have them). */
export function headAverage(maps: readonly AttentionMap[]): Matrix {
  if (maps.length === 0) throw new Error("headAverage: no maps");
  const first = maps[0]!.weights;
  return first.map((row, i) => row.map((_, j) => maps.reduce((s, m) => s + m.weights[i]![j]!, 0) / maps.length));
}

/**
 * One layer of attention rollout (Abnar & Zuidema 2020, §3): the residual connection is modelled
 * as an identity added with equal weight, Â = 0.5·A + 0.5·I, and each row renormalised so Â
 * stays row-stochastic (it already is for row-stochastic A; renormalising keeps it so for the
 * rows a sparse normaliser or a cut matrix leaves short of 1).
 */
export function withResidual(a: Matrix): Matrix {
  return a.map((row, i) => {
    const r = row.map((w, j) => 0.5 * w + (i === j ? 0.5 : 0));
    const sum = r.reduce((s, w) => s + w, 0);
    return sum > 0 ? r.map((w) => w / sum) : r;
  });
}

/** a · b for a [n × k] and b [k × m]. */
export function matmul(a: Matrix, b: Matrix): Matrix {
  const m = b[0]?.length ?? 0;
  return a.map((row) => {
    const out = new Array<number>(m).fill(0);
    row.forEach((w, k) => {
      if (w === 0) return;
      const bk = b[k]!;
      for (let j = 0; j < m; j++) out[j]! += w * bk[j]!;
    });
    return out;
  });
}

/**
 * Attention rollout of a stack of self-attention layers, layer 0 first: with Â_l the head-averaged
 * attention of layer l plus the residual identity (withResidual), rollout = Â_{L−1} ⋯ Â_1 Â_0.
 * Row i says how much each input token flows into position i's output of the last layer.
 */
export function rollout(layers: readonly Matrix[]): Matrix {
  if (layers.length === 0) throw new Error("rollout: no layers");
  let out = withResidual(layers[0]!);
  for (let l = 1; l < layers.length; l++) out = matmul(withResidual(layers[l]!), out);
  return out;
}

/**
 * Cross-attention traced back to the source tokens: the last decoder layer's head-averaged cross
 * attention C [target × source positions] reads the encoder's last-layer outputs, which the
 * encoder rollout R maps to the input tokens, so C·R (no residual on C: the decoder's own stream
 * carries no source tokens). Rows stay distributions over the source.
 */
export function crossRollout(lastCross: Matrix, encoderRollout: Matrix): Matrix {
  return matmul(lastCross, encoderRollout);
}
