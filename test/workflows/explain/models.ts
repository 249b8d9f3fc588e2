/**
 * Small untrained models for the explain tests (their attention already moves their output), and
 * the surgery that makes a model's output ignore its context vector.
 */
import { ConfigSchema } from "../../../src/config/schema.js";
import { buildModel } from "../../../src/models/build.js";
import type { TranslationModel } from "../../../src/models/types.js";
import type { Tensor } from "../../../src/tensor/tensor.js";
import { attentionSites } from "../../../src/workflows/explain/attentionSites.js";
import type { ExplainSetup } from "../../../src/workflows/explain/explainSentence.js";
import { type AttentionChoice, resolveChoice } from "../../../src/workflows/explain/selection.js";

/** Ids 4…9 are symbols (0–3: <pad> <s> </s> <unk>). */
export const VOCAB = 10;

export function model(m: Record<string, unknown>, seed = 3): TranslationModel {
  const cfg = ConfigSchema.parse({ data: { train: "x" }, model: m }).model;
  const net = buildModel(cfg, { source: VOCAB, target: VOCAB }, seed);
  net.eval();
  return net;
}

export const recurrent = (decoder: Record<string, unknown>, attention: Record<string, unknown> = {}, seed = 3): TranslationModel =>
  model({ encoder: { embeddingSize: 6, hiddenSize: 5 }, decoder: { embeddingSize: 6, hiddenSize: 7, ...decoder }, attention: { size: 6, ...attention } }, seed);

export const transformer = (extra: Record<string, unknown> = {}, seed = 3): TranslationModel =>
  model({ encoder: { type: "transformer", hiddenSize: 8, layers: 1 }, decoder: { type: "transformer", hiddenSize: 8, layers: 2 }, transformer: { heads: 2, ffSize: 16, dropout: 0, ...extra } }, seed);

export function setup(net: TranslationModel, permutations: number, choice: AttentionChoice = { layer: null, head: null }): ExplainSetup {
  const sites = attentionSites(net);
  return { sites, choice: resolveChoice(sites, choice), permutations };
}

export function param(net: TranslationModel, name: string): Tensor {
  const p = net.namedParameters().find(([n]) => n === name)?.[1];
  if (!p) throw new Error(`no parameter ${name}: ${net.namedParameters().map(([n]) => n).join(", ")}`);
  return p;
}

/** Zero columns [from, to) of a weight [rows, cols]. */
export function zeroColumns(w: Tensor, from: number, to: number): void {
  const cols = w.shape[1]!;
  for (let r = 0; r < w.shape[0]!; r++) w.data.fill(0, r * cols + from, r * cols + to);
}
