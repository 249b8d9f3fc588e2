import { ATTENTION_RULES } from "./attentionRules.js";
import { COVERAGE_COPY_RULES } from "./coverageCopyRules.js";
import { MIN_VOCAB, modelSizeProblem } from "./modelSize.js";
import { showValue, type ValueOrigins } from "./origins.js";
import { positionLimit } from "./positionLimit.js";
import { POSITION_RULES } from "./positionRules.js";
import { EFFICIENT_ATTENTION_RULES } from "./efficientRules.js";
import type { Config } from "./schema.js";
import { directions, isTransformer, recurrentAttention } from "./ruleConditions.js";

/**
 * Rules that span several options, checked after the schema and the size limits and before
 * anything is built, so a combination the models cannot take is a config error naming the option
 * rather than a failure deep in a constructor (the model code keeps its own checks as a backstop
 * for callers that bypass the config). docs/config.md lists them from this table.
 */
export interface ConfigRule {
  /** The option an error is reported at. */
  path: string;
  /** What the rule requires, for docs/config.md. */
  doc: string;
  /**
   * null when the config satisfies the rule, else why not; the message follows
   * "path = value (from --set): ". `show(p)` renders another option the same way.
   */
  check(c: Config, show: (path: string) => string): string | null;
}

/** Multi-head attention splits a size into `heads` slices of size / heads features. */
function headsMustDivide(c: Config, sizeText: string, size: number): string | null {
  const heads = c.model.transformer.heads;
  if (size % heads === 0) return null;
  let below = Math.min(heads, size);
  while (size % below !== 0) below--;
  let above = heads;
  while (above < size && size % above !== 0) above++;
  const near = above === below || above > size ? `${below}` : `${below} or ${above}`;
  return `must divide ${sizeText} (each head gets an equal slice); expected a divisor of ${size} such as ${near}`;
}

export const CONFIG_RULES: readonly ConfigRule[] = [
  {
    path: "data",
    doc: 'Give `data.path` (one corpus to split) or `data.train` (with optional `valid` and `test`), not both.',
    check: (c) =>
      !c.data.path && !c.data.train
        ? 'expected "path" (one corpus to split) or "train" (with optional "valid" and "test")'
        : c.data.path && c.data.train
          ? 'give either "path" or "train", not both'
          : null,
  },
  {
    path: "model.decoder.type",
    doc: 'A `transformer` decoder needs a `transformer` encoder.',
    check: (c, show) => (c.model.decoder.type === "transformer" && !isTransformer(c) ? `needs ${show("model.encoder.type")} to be "transformer"` : null),
  },
  {
    path: "model.encoder.type",
    doc: 'A `transformer` encoder needs a `transformer` decoder.',
    check: (c, show) => (isTransformer(c) && c.model.decoder.type !== "transformer" ? `needs ${show("model.decoder.type")} to be "transformer"` : null),
  },
  {
    path: "vocab.shared",
    doc: "A shared vocabulary needs the same tokenizer type on both sides.",
    check: (c, show) =>
      c.vocab.shared && c.tokenizer.source.type !== c.tokenizer.target.type
        ? `a shared vocabulary needs the same tokenizer type on both sides; got ${show("tokenizer.source.type")} and ${show("tokenizer.target.type")}`
        : null,
  },
  {
    path: "model.decoder.hiddenSize",
    doc: "Transformer: the decoder works in d_model, so `model.decoder.hiddenSize` must equal `model.encoder.hiddenSize`.",
    check: (c, show) =>
      isTransformer(c) && c.model.decoder.hiddenSize !== c.model.encoder.hiddenSize ? `the Transformer's decoder works in d_model, ${show("model.encoder.hiddenSize")}; expected the same` : null,
  },
  {
    path: "training.scheduledSampling",
    doc: "Transformer: no scheduled sampling (its teacher-forced pass is parallel over positions).",
    check: (c) => (isTransformer(c) && c.training.scheduledSampling > 0 ? "not available for the Transformer (its teacher-forced pass is parallel over positions); expected 0" : null),
  },
  {
    path: "model.transformer.heads",
    doc: "Transformer: the heads must divide d_model (`model.encoder.hiddenSize`).",
    check: (c, show) => (isTransformer(c) ? headsMustDivide(c, `d_model, ${show("model.encoder.hiddenSize")}`, c.model.encoder.hiddenSize) : null),
  },
  {
    path: "model.transformer.heads",
    doc: "Hybrid (`model.encoder.selfAttentionLayers` > 0): the heads must divide the recurrent encoder's output size (`hiddenSize` × directions).",
    check: (c, show) =>
      !isTransformer(c) && c.model.encoder.selfAttentionLayers > 0
        ? headsMustDivide(c, `the size the hybrid self-attention layers work in, ${show("model.encoder.hiddenSize")} × ${directions(c)} direction(s) = ${c.model.encoder.hiddenSize * directions(c)}`, c.model.encoder.hiddenSize * directions(c))
        : null,
  },
  {
    path: "model.transformer.heads",
    doc: 'The `multihead` score of a recurrent decoder: the heads must divide `model.decoder.hiddenSize` (its query size).',
    check: (c, show) =>
      recurrentAttention(c) && c.model.attention.score === "multihead"
        ? headsMustDivide(c, `the query size of the multihead score, ${show("model.decoder.hiddenSize")}`, c.model.decoder.hiddenSize)
        : null,
  },
  {
    path: "decoding.maxLen",
    doc: "Learned positions: decoding step t reads position t, so `decoding.maxLen` ≤ `model.transformer.maxPositions`.",
    check: (c, show) => {
      const limit = positionLimit(c.model);
      if (!limit || c.decoding.maxLen <= limit.decodingSteps) return null;
      return `${c.decoding.maxLen} decoder steps need ${c.decoding.maxLen} target positions (step t reads position t), but ${show("model.transformer.maxPositions")} with learned positions; expected decoding.maxLen ≤ ${limit.decodingSteps}, a larger maxPositions, or positions without a length limit (sinusoidal, relative, rotary, alibi, t5)`;
    },
  },
  {
    path: "model.encoder.selfAttentionLayers",
    doc: "Hybrid self-attention layers sit on recurrent encoders only (a Transformer encoder's depth is `model.encoder.layers`).",
    check: (c, show) => (isTransformer(c) && c.model.encoder.selfAttentionLayers > 0 ? `only recurrent encoders take hybrid layers; the Transformer encoder's depth is ${show("model.encoder.layers")}; expected 0` : null),
  },
  {
    path: "model.decoder.bridge",
    doc: 'Decoder `none` sees the source only through the bridge, so it needs `linear-tanh`.',
    check: (c) => (c.model.decoder.type === "none" && c.model.decoder.bridge === "none" ? 'the "none" decoder sees the source only through the bridge; expected "linear-tanh"' : null),
  },
  // Scores, scopes and normalisers: rules read from the attention registry.
  ...ATTENTION_RULES,
  // Coverage and copy attention.
  ...COVERAGE_COPY_RULES,
  // Transformer positions and the adaptive span.
  ...POSITION_RULES,
  // Efficient self-attention (window, Linformer, Performer).
  ...EFFICIENT_ATTENTION_RULES,
  {
    path: "model.attention.scope",
    doc: "Local attention is Luong's: decoder `bahdanau` attends globally.",
    check: (c, show) => (c.model.decoder.type === "bahdanau" && c.model.attention.scope !== "global" ? `local attention is Luong's (decoder "luong"); got it with ${show("model.decoder.type")}` : null),
  },
  {
    path: "model.decoder.tieEmbeddings",
    doc: "Tied embeddings need the output layer's input size to equal `model.decoder.embeddingSize`: always true for the Transformer; `hiddenSize` = `embeddingSize` for decoders `luong` and `none`; never for `bahdanau` (its output reads [s_t; c_t; E y_{t−1}]).",
    check: (c, show) => {
      const d = c.model.decoder;
      if (!d.tieEmbeddings || isTransformer(c)) return null;
      if (d.type === "bahdanau") {
        return `the bahdanau output layer reads [s_t; c_t; E y_{t−1}], more features than the target embedding's ${show("model.decoder.embeddingSize")}, so it cannot be tied; expected false, or decoder "luong" or "none"`;
      }
      return d.hiddenSize === d.embeddingSize ? null : `the output layer reads ${show("model.decoder.hiddenSize")} features but the target embedding has ${show("model.decoder.embeddingSize")}; expected them equal`;
    },
  },
  {
    path: "model",
    doc: "The model must fit in training memory: 16 bytes per parameter (weights, gradients, Adam moments) plus buffers, at most 2 GiB; checked again once the vocabulary sizes are known.",
    check: (c, show) => modelSizeProblem(c.model, MIN_VOCAB, show),
  },
];

/** One line per violated rule: `path = value (from --set): why`. */
export function checkRules(c: Config, origins: ValueOrigins): string[] {
  const show = (path: string) => showValue(c, path, origins);
  const problems: string[] = [];
  for (const rule of CONFIG_RULES) {
    const why = rule.check(c, show);
    if (why !== null) problems.push(`${show(rule.path)}: ${why}`);
  }
  return problems;
}
