import { expect } from "vitest";
import type { Attention, AttentionMemory, AttentionOutput } from "../../src/attention/attention.js";
import { composeAttention, createScore, NORMALIZER_NAMES, SCOPE_NAMES, SCORE_NAMES, scoreEntry, type ScopeName } from "../../src/attention/registry.js";
import type { LocalPredictiveScope } from "../../src/attention/scopes/localPredictive.js";
import type { NormalizerSpec } from "../../src/attention/spec.js";
import { gradCheck, type GradCheckOptions } from "../../src/autograd/gradcheck.js";
import { noGrad } from "../../src/autograd/tape.js";
import { concat, matmul, mul, reshape, sigmoid, tanh } from "../../src/ops/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { Tensor } from "../../src/tensor/tensor.js";

export type AttentionScope = ScopeName;

/**
 * Every registered score that composes with a scope and a normaliser, every scope and every
 * normaliser, read from the registry, for tests that sweep all combinations (a new entry is
 * tested without touching the tests).
 */
export const SCORE_KINDS = SCORE_NAMES.filter((k) => scoreEntry(k).score !== null);
export const SCOPES: readonly AttentionScope[] = SCOPE_NAMES;
export const NORMALIZERS = NORMALIZER_NAMES;

/** Scores that need Dq = Dk get equal sizes (registry: equalSizes); the others unequal ones so a swapped axis shows up. */
export function dimsFor(kind: string): { dq: number; dk: number } {
  return scoreEntry(kind).equalSizes ? { dq: 4, dk: 4 } : { dq: 3, dk: 4 };
}

export interface AttentionSetup {
  window?: number;
  /** Hidden size of additive / concat scores and of the local-p predictor. */
  size?: number;
  rank?: number;
  /** Normaliser (default softmax) with its alpha / learnAlpha / topK. */
  normalizer?: NormalizerSpec;
}

/** Score from the registry composed with a scope and a normaliser; tensors take the current dtype. */
export function makeAttention(kind: string, scope: AttentionScope, dq: number, dk: number, seed: number, setup: AttentionSetup = {}): Attention {
  const rng = new Rng(seed);
  const size = setup.size ?? 5;
  const score = createScore(kind, dq, dk, { size, rank: setup.rank ?? 2 }, rng);
  return composeAttention(score, { queryDim: dq, keyDim: dk, spec: { scope, window: setup.window ?? 1, size, ...(setup.normalizer ?? { normalizer: "softmax" }) }, rng });
}

/** [B·S] pad mask (1 = pad, padding on the right) for the given lengths. */
export function maskFromLengths(lengths: readonly number[], S: number): Uint8Array {
  const mask = new Uint8Array(lengths.length * S);
  lengths.forEach((len, b) => mask.fill(1, b * S + len, b * S + S));
  return mask;
}

/** Lengths from a right-padded [B, S] mask: the count of zeros (real positions) per row. */
export function lengthsFromMask(mask: Uint8Array, B: number, S: number): Int32Array {
  const lengths = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < S; s++) if (!mask[b * S + s]) lengths[b]!++;
  }
  return lengths;
}

/** Prepare and attend in one call, with a pad mask built from `lengths`. */
export function runAttention(attn: Attention, query: Tensor, keys: Tensor, lengths: readonly number[], step: number): AttentionOutput {
  const memory: AttentionMemory = attn.prepare(keys, maskFromLengths(lengths, keys.shape[1]!), Int32Array.from(lengths));
  return attn.attend(query, memory, step);
}

/** weights and context flattened into one tensor, so one gradient check covers both outputs. */
export function flatOutputs(out: AttentionOutput): Tensor {
  return concat([reshape(out.weights, [out.weights.size]), reshape(out.context, [out.context.size])], 0);
}

/**
 * The local-p predicted position p_t = S_b · sigmoid(v_pᵀ tanh(W_p q)) per batch row, recomputed
 * from the module's parameters (independently of Attention.attend) without recording a graph.
 */
export function predictedPositions(attn: Attention, query: Tensor, lengths: readonly number[]): number[] {
  return noGrad(() => {
    const scope = attn.scope as LocalPredictiveScope;
    const gate = sigmoid(matmul(tanh(scope.positionProj.forward(query)), scope.positionV));
    const lens = Tensor.from(lengths, [lengths.length, 1]);
    return Array.from(mul(gate, lens).data);
  });
}

/** The window centre of local-p: round(p_t), clipped to the last real position. */
export function localPCentre(p: number, length: number): number {
  return Math.min(Math.round(p), length - 1);
}

/** Assert gradCheck passes, naming the worst element when it does not. */
export function expectGradOk(f: () => Tensor, inputs: Tensor[], opts: GradCheckOptions = {}): void {
  const r = gradCheck(f, inputs, opts);
  expect(r.ok, `gradient check failed: worst ${r.worst} (max abs error ${r.maxAbsError})`).toBe(true);
}

/** Tensor of standard normal entries times `scale` (current dtype). */
export function gaussian(shape: readonly number[], rng: Rng, scale = 1): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal() * scale;
  return t;
}
