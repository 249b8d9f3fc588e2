import type { FloatArray } from "../../tensor/dtype.js";
import { Float64Scratch } from "./rowScratch.js";

/**
 * Reference kernels of the pointer-generator mixture (See et al. 2017, eq. 9), in log space and
 * float64 (see the `Kernels` doc comments):
 *   log P(w) = log( p·softmax(logits)_w + (1 − p)·Σ_{j: ids_j = w} a_j ),  p = σ(z),
 * computed as logaddexp(log p + logits_w − lse, log(1 − p) + log C_w) with log p = −softplus(−z),
 * log(1 − p) = −softplus(z), so neither p ≈ 0, p ≈ 1 nor a tiny vocabulary probability is rounded
 * to log 0; only a word with no vocabulary entry and no attention (C_w = 0) gets −∞.
 */

/** log(1 + eˣ) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = Math.max(x, y);
  return m + Math.log1p(Math.exp(-Math.abs(x - y)));
}

function rowLse(logits: FloatArray, base: number, vocab: number): number {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[base + v]!);
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let v = 0; v < vocab; v++) s += Math.exp(logits[base + v]! - max);
  return max + Math.log(s);
}

/** log P(w) = logaddexp(gen, log(1 − p) + log C_w), or gen when w gets no attention (C_w = 0). */
function mixedLogProb(gen: number, c: number, logQ: number): number {
  return c > 0 ? logAddExp(gen, logQ + Math.log(c)) : gen;
}

/** C_w = Σ_{j: ids_j = w} a_j of row r into `mass` (ids < 0 are padding and skipped; j in order). */
function copyMass(weights: FloatArray, ids: Int32Array, r: number, b: number, srcLen: number, mass: Float64Array): void {
  for (let j = 0; j < srcLen; j++) {
    const id = ids[b * srcLen + j]!;
    if (id >= 0) mass[id]! += weights[r * srcLen + j]!;
  }
}

/**
 * Copy mass per extended-vocabulary id, reused across calls: all zeros between rows (clearMass
 * resets exactly the entries copyMass set), so no call allocates.
 */
const massScratch = new Float64Scratch();
const rhoScratch = new Float64Scratch();
const invPScratch = new Float64Scratch();

function clearMass(ids: Int32Array, b: number, srcLen: number, mass: Float64Array): void {
  for (let j = 0; j < srcLen; j++) {
    const id = ids[b * srcLen + j]!;
    if (id >= 0) mass[id] = 0;
  }
}

export function copyMixtureForward(
  logits: FloatArray, gate: FloatArray, weights: FloatArray, ids: Int32Array, rowSentence: Int32Array, out: FloatArray,
  rows: number, vocab: number, srcLen: number, extended: number,
): void {
  const mass = massScratch.get(extended);
  for (let r = 0; r < rows; r++) {
    const b = rowSentence[r]!;
    const lse = rowLse(logits, r * vocab, vocab);
    const z = gate[r]!;
    const logP = -softplus(-z);
    const logQ = -softplus(z);
    copyMass(weights, ids, r, b, srcLen, mass);
    const o = r * extended;
    for (let w = 0; w < extended; w++) {
      const gen = w < vocab ? logP + logits[r * vocab + w]! - lse : -Infinity;
      out[o + w] = mixedLogProb(gen, mass[w]!, logQ);
    }
    clearMass(ids, b, srcLen, mass);
  }
}

export function copyMixtureBackward(
  logits: FloatArray, gate: FloatArray, weights: FloatArray, ids: Int32Array, rowSentence: Int32Array, dOut: FloatArray,
  dLogits: FloatArray | null, dGate: FloatArray | null, dWeights: FloatArray | null,
  rows: number, vocab: number, srcLen: number, extended: number,
): void {
  const mass = massScratch.get(extended);
  // ρ_w = p·P_vocab(w)/P(w), the share of w's probability that was generated (1 − ρ_w was copied);
  // both it and invP are written for every w of a row before they are read.
  const rho = rhoScratch.get(extended);
  const invP = invPScratch.get(extended);
  for (let r = 0; r < rows; r++) {
    const b = rowSentence[r]!;
    const lse = rowLse(logits, r * vocab, vocab);
    const z = gate[r]!;
    const logP = -softplus(-z);
    const logQ = -softplus(z);
    const p = Math.exp(logP);
    copyMass(weights, ids, r, b, srcLen, mass);
    const o = r * extended;
    let gRho = 0;
    let dz = 0;
    for (let w = 0; w < extended; w++) {
      const gen = w < vocab ? logP + logits[r * vocab + w]! - lse : -Infinity;
      const c = mass[w]!;
      const lp = mixedLogProb(gen, c, logQ);
      const g = dOut[o + w]!;
      // log P(w) = −∞ (no vocabulary entry, no attention) has no gradient.
      if (lp === -Infinity) {
        rho[w] = 0;
        invP[w] = 0;
        continue;
      }
      const rw = Math.exp(gen - lp);
      rho[w] = rw;
      // (1 − p)/P(w): ∂ log P(w)/∂a_j for each j with ids_j = w.
      invP[w] = Math.exp(logQ - lp);
      gRho += g * rw;
      // ∂ log P(w)/∂z = ρ_w (1 − p) − κ_w p with κ_w = (1 − p) C_w / P(w).
      dz += g * (rw * (1 - p) - (c > 0 ? Math.exp(logQ + Math.log(c) - lp) : 0) * p);
    }
    if (dGate) dGate[r]! += dz;
    if (dLogits) {
      // ∂ log P(w)/∂logits_v = ρ_w (δ_wv − P_vocab(v)).
      for (let v = 0; v < vocab; v++) dLogits[r * vocab + v]! += dOut[o + v]! * rho[v]! - Math.exp(logits[r * vocab + v]! - lse) * gRho;
    }
    if (dWeights) {
      for (let j = 0; j < srcLen; j++) {
        const id = ids[b * srcLen + j]!;
        if (id >= 0) dWeights[r * srcLen + j]! += dOut[o + id]! * invP[id]!;
      }
    }
    clearMass(ids, b, srcLen, mass);
  }
}
