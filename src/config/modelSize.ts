import { normalizerEntry, scoreEntry } from "../attention/registry.js";
import type { NormalizerSpec } from "../attention/spec.js";
import type { ModelConfig } from "./schema.js";

/**
 * The size of the model a config describes, computed from the config alone (no tensor is
 * allocated), so a model too large for attn's memory is a config error before anything is built.
 * The count is exact: a test compares it with the built models' numParameters().
 */
export interface ModelSizePart {
  /** What the numbers are for, e.g. "encoder RNN". */
  label: string;
  /** The option that scales this part most, named in the error when the model is too large. */
  path: string;
  parameters: number;
  /** Floats held besides parameters (the sinusoidal position table). */
  bufferFloats: number;
}

export interface ModelSize {
  parameters: number;
  /** Persistent bytes while training: weights, gradients and two Adam moments (4 × 4 bytes per parameter) plus buffers. */
  bytes: number;
  parts: ModelSizePart[];
}

/**
 * Training keeps parameters, gradients and optimizer moments in one WebAssembly memory of at
 * most 4 GiB (src/tensor/storage.ts); half of it is left for the activations of a step.
 */
export const MAX_MODEL_BYTES = 2 * 1024 ** 3;
const BYTES_PER_PARAMETER = 16;

export interface VocabSizes {
  source: number;
  target: number;
}

/** The smallest vocabulary there is (<pad>, <s>, </s>, <unk>): the estimate before the data is read. */
export const MIN_VOCAB: VocabSizes = { source: 4, target: 4 };

const linear = (inF: number, outF: number, bias = true): number => inF * outF + (bias ? outF : 0);
const layerNorm = (d: number): number => 2 * d;
/** torch.nn.GRU / LSTM: per layer and direction G·H·(in + H) weights and 2·G·H biases. */
function rnn(cell: "gru" | "lstm", input: number, hidden: number, layers: number, dirs: number): number {
  const G = cell === "gru" ? 3 : 4;
  let n = 0;
  for (let l = 0; l < layers; l++) n += dirs * (G * hidden * ((l === 0 ? input : hidden * dirs) + hidden) + 2 * G * hidden);
  return n;
}
/** torch.nn.MultiheadAttention(E, kdim = vdim = K): Q, K, V projections with biases, out_proj. */
const multihead = (E: number, K: number): number => E * E + 2 * E * K + 3 * E + linear(E, E);
/** A learned α (normalizers that read one) is one parameter per head of each attention module (normalizer.pre_alpha). */
const learnedAlpha = (n: NormalizerSpec & { learnAlpha: boolean }, heads: number): number => (n.learnAlpha && normalizerEntry(n.normalizer).usesAlpha ? heads : 0);

export function estimateModelSize(m: ModelConfig, vocab: VocabSizes): ModelSize {
  const parts: ModelSizePart[] = [];
  const add = (label: string, path: string, parameters: number, bufferFloats = 0) => {
    if (parameters > 0 || bufferFloats > 0) parts.push({ label, path, parameters, bufferFloats });
  };
  if (m.encoder.type === "transformer") transformerParts(m, vocab, add);
  else recurrentParts(m, vocab, add);
  const parameters = parts.reduce((s, p) => s + p.parameters, 0);
  const buffers = parts.reduce((s, p) => s + p.bufferFloats, 0);
  return { parameters, bytes: BYTES_PER_PARAMETER * parameters + 4 * buffers, parts };
}

type Add = (label: string, path: string, parameters: number, bufferFloats?: number) => void;

function transformerParts(m: ModelConfig, vocab: VocabSizes, add: Add): void {
  const t = m.transformer;
  const d = m.encoder.hiddenSize;
  const dModel = "model.encoder.hiddenSize";
  const layers = m.encoder.layers + m.decoder.layers;
  // Shaw et al. 2018: key and value tables of 2k+1 distances per head dimension, in every self-attention.
  const relative = t.positions === "relative" ? 2 * (2 * t.maxRelativeDistance + 1) * Math.floor(d / t.heads) : 0;
  add(`source embeddings (${vocab.source} × ${d})`, dModel, vocab.source * d);
  add(`target embeddings (${vocab.target} × ${d})`, dModel, vocab.target * d);
  if (t.positions === "learned") add("learned positions", "model.transformer.maxPositions", 2 * t.maxPositions * d);
  if (t.positions === "sinusoidal") add("sinusoidal position table", "model.transformer.maxPositions", 0, t.maxPositions * d);
  if (relative > 0) add("relative positions", "model.transformer.maxRelativeDistance", layers * relative);
  // T5: a bias per bucket and head in every self-attention; adaptive span: z per head.
  if (t.positions === "t5") add("T5 relative bias", "model.transformer.t5Buckets", layers * t.t5Buckets * t.heads);
  if (t.adaptiveSpan) add("adaptive spans", "model.transformer.heads", layers * t.heads);
  // Linformer: E (and F) [k, maxPositions] per encoder layer; Performer: features [m, d/heads] per self-attention (stored, not trained).
  if (t.selfAttention === "linformer") add("Linformer projections", "model.transformer.projectedLength", m.encoder.layers * (t.shareKV ? 1 : 2) * t.projectedLength * t.maxPositions);
  if (t.selfAttention === "performer") add("Performer random features", "model.transformer.features", layers * t.features * Math.floor(d / t.heads));
  add("attention projections", dModel, (layers + m.decoder.layers) * (multihead(d, d) + learnedAlpha(t, t.heads)));
  add("feed-forward layers", "model.transformer.ffSize", layers * (linear(d, t.ffSize) + linear(t.ffSize, d)));
  add("layer norms", dModel, (2 * m.encoder.layers + 3 * m.decoder.layers + (t.normFirst ? 2 : 0)) * layerNorm(d));
  add("output layer", dModel, (m.decoder.tieEmbeddings ? 0 : vocab.target * d) + vocab.target);
}

function recurrentParts(m: ModelConfig, vocab: VocabSizes, add: Add): void {
  const { encoder: enc, decoder: dec, attention: att, transformer: t } = m;
  const D = enc.hiddenSize * (enc.bidirectional ? 2 : 1);
  const H = dec.hiddenSize;
  const E = dec.embeddingSize;
  add(`source embeddings (${vocab.source} × ${enc.embeddingSize})`, "model.encoder.embeddingSize", vocab.source * enc.embeddingSize);
  add("encoder RNN", "model.encoder.hiddenSize", rnn(enc.type === "lstm" ? "lstm" : "gru", enc.embeddingSize, enc.hiddenSize, enc.layers, enc.bidirectional ? 2 : 1));
  const L = enc.selfAttentionLayers;
  add("hybrid self-attention", "model.encoder.hiddenSize", L * (multihead(D, D) + learnedAlpha(t, t.heads) + 2 * layerNorm(D)));
  add("hybrid feed-forward", "model.transformer.ffSize", L * (linear(D, t.ffSize) + linear(t.ffSize, D)));
  if (t.adaptiveSpan) add("hybrid adaptive spans", "model.transformer.heads", L * t.heads);

  add(`target embeddings (${vocab.target} × ${E})`, "model.decoder.embeddingSize", vocab.target * E);
  const attends = dec.type === "bahdanau" || dec.type === "luong";
  const ctx = att.score === "multihead" ? H : D;
  const rnnInput = dec.type === "bahdanau" ? E + ctx : dec.type === "luong" && dec.inputFeeding ? E + H : E;
  add("decoder RNN", "model.decoder.hiddenSize", rnn(dec.cell, rnnInput, H, dec.layers, 1));
  if (dec.bridge === "linear-tanh") add("bridge", "model.decoder.hiddenSize", (dec.cell === "lstm" ? 2 : 1) * linear(D, H));
  if (attends) attentionParts(m, D, add);
  if (dec.type === "luong") add("Luong combination W_c", "model.decoder.hiddenSize", (ctx + H) * H);
  // Copy attention: p_gen's Linear over [c_t; s_t; x_t] with a bias (models/copy.ts).
  if (attends && dec.copy) add("copy gate p_gen", "model.decoder.hiddenSize", linear(ctx + H + E, 1));
  const features = dec.type === "bahdanau" ? H + ctx + E : H;
  // Bahdanau's deep output reads [s_t; c_t; E y]: name the widest of the three.
  const widest = dec.type !== "bahdanau" || (H >= E && H >= ctx) ? "model.decoder.hiddenSize" : E >= ctx ? "model.decoder.embeddingSize" : att.score === "multihead" ? "model.decoder.hiddenSize" : "model.encoder.hiddenSize";
  add(`output layer (${features} × ${vocab.target})`, widest, (dec.tieEmbeddings ? 0 : vocab.target * features) + vocab.target);
}

function attentionParts(m: ModelConfig, D: number, add: Add): void {
  const { size: A, rank: r, score } = m.attention;
  const H = m.decoder.hiddenSize;
  if (m.attention.scope === "local-p" && score !== "multihead") add("local-p position predictor", "model.attention.size", A * H + A);
  add("learned entmax α", "model.attention.learnAlpha", learnedAlpha(m.attention, score === "multihead" ? m.transformer.heads : 1));
  // Coverage: w_c of the additive and concat scores (attention/coverage.ts).
  if (m.attention.coverage && scoreEntry(score).coverage) add("coverage weight w_c", "model.attention.size", A);
  switch (score) {
    case "additive":
      return add("additive score", "model.attention.size", A * H + A * D + A);
    case "concat":
      return add("concat score", "model.attention.size", A * (H + D) + A);
    case "general":
      return add("general score", "model.decoder.hiddenSize", H * D);
    case "bilinear":
      return add("bilinear score", "model.attention.rank", (H + D) * r);
    case "multihead":
      return add("multi-head attention", "model.decoder.hiddenSize", multihead(H, D));
    case "dot":
    case "scaled-dot":
      return;
    default: {
      // A new score must say here how many parameters it has.
      const unknown: never = score;
      throw new Error(`estimateModelSize: unknown attention score ${String(unknown)}`);
    }
  }
}

/** "1.5 GiB" / "300 MiB". */
export function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(n / 1024 ** 2)} MiB`;
}

/**
 * Why a model is too large to train, naming the option behind its largest part (`show` renders
 * it as "path = value (from --set)"), or null when it fits.
 */
export function modelSizeProblem(m: ModelConfig, vocab: VocabSizes, show: (path: string) => string): string | null {
  const size = estimateModelSize(m, vocab);
  if (size.bytes <= MAX_MODEL_BYTES) return null;
  const bytesOf = (p: ModelSizePart) => BYTES_PER_PARAMETER * p.parameters + 4 * p.bufferFloats;
  const biggest = size.parts.reduce((a, b) => (bytesOf(b) > bytesOf(a) ? b : a));
  return (
    `${size.parameters.toLocaleString("en-US")} parameters need about ${formatBytes(size.bytes)} while training (weights, gradients, Adam moments), ` +
    `more than the ${formatBytes(MAX_MODEL_BYTES)} attn allows; the largest part is the ${biggest.label}: ${show(biggest.path)}`
  );
}
