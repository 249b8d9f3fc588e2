import { gradSink, record } from "../autograd/tape.js";
import { kernels } from "../kernels/index.js";
import { shapeError } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * The pointer-generator output distribution (See et al. 2017, "Get To The Point", eq. 9), as
 * log-probabilities over an extended vocabulary:
 *
 *   log P(w) = log( p_gen · P_vocab(w) + (1 − p_gen) · Σ_{j: ids_j = w} a_j ),
 *   p_gen = σ(gate),  P_vocab = softmax(logits)
 *
 * for logits [N, V], gate [N] (or [N, 1], the logit of p_gen), attention weights [N, S] and the
 * output id of every source position, ids [B·S] (< 0 at padding; V, V + 1, … for source words
 * outside the vocabulary, which only copying reaches), row r reading sentence rowSentence[r].
 * Returns [N, extended] with extended ≥ V. The sum inside the log is taken in log space
 * (logaddexp, log p_gen = −softplus(−gate)), so nothing is rounded to log 0 and no ε is added:
 * only a word with neither a vocabulary entry nor any attention weight gets −∞.
 */
export function copyLogProbs(logits: Tensor, gate: Tensor, weights: Tensor, ids: Int32Array, rowSentence: Int32Array, extended: number): Tensor {
  const op = "copyLogProbs";
  if (logits.ndim !== 2) throw shapeError(op, "logits must be [N, V]", logits.shape);
  const [N, V] = logits.shape as [number, number];
  if (gate.size !== N) throw shapeError(op, `gate must have ${N} entries (one per row)`, gate.shape);
  if (weights.ndim !== 2 || weights.shape[0] !== N) throw shapeError(op, `weights must be [${N}, S]`, weights.shape);
  const S = weights.shape[1]!;
  if (rowSentence.length !== N) throw new Error(`${op}: ${rowSentence.length} row sentences for ${N} rows`);
  if (!(Number.isInteger(extended) && extended >= V)) throw new Error(`${op}: extended vocabulary ${extended} smaller than the vocabulary ${V}`);
  const sentences = S === 0 ? 0 : ids.length / S;
  if (!Number.isInteger(sentences)) throw new Error(`${op}: ${ids.length} source ids is not a whole number of rows of ${S}`);
  for (let r = 0; r < N; r++) {
    const b = rowSentence[r]!;
    if (!(b >= 0 && b < sentences)) throw new Error(`${op}: row ${r} reads sentence ${b} of ${sentences}`);
  }
  for (let i = 0; i < ids.length; i++) if (ids[i]! >= extended) throw new Error(`${op}: source id ${ids[i]} at ${i} is outside the extended vocabulary of ${extended}`);
  const out = Tensor.zeros([N, extended]);
  const K = kernels();
  K.copyMixtureForward(logits.data, gate.data, weights.data, ids, rowSentence, out.data, N, V, S, extended);
  return record(out, [logits, gate, weights], (g) => {
    K.copyMixtureBackward(logits.data, gate.data, weights.data, ids, rowSentence, g, gradSink(logits), gradSink(gate), gradSink(weights), N, V, S, extended);
  });
}

/** Row r → sentence ⌊r / G⌋ for N = G·B rows (beam hypotheses, or B·T teacher-forced steps with G = T). */
export function rowsOfSentences(rows: number, perSentence: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = Math.floor(r / perSentence);
  return out;
}
