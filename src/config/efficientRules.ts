import type { ConfigRule } from "./rules.js";
import type { Config } from "./schema.js";
import { isTransformer } from "./ruleConditions.js";

/**
 * The config rules of efficient self-attention (model.transformer.selfAttention,
 * docs/attention.md#efficient-attention): it replaces a Transformer's softmax self-attention, so
 * it needs a Transformer encoder, the softmax normaliser, and no position term that is added to
 * an n×n score matrix (relative, t5, alibi, adaptive span; rotary and absolute positions work).
 */

const efficient = (c: Config) => c.model.transformer.selfAttention !== "full";

export const EFFICIENT_ATTENTION_RULES: readonly ConfigRule[] = [
  {
    path: "model.transformer.selfAttention",
    doc: "An efficient self-attention (`window`, `linformer`, `performer`) replaces a Transformer's: it needs `model.encoder.type` \"transformer\" (the hybrid encoder layers keep exact attention).",
    check: (c, show) =>
      efficient(c) && !isTransformer(c)
        ? `replaces the self-attention of Transformer encoder and decoder layers; got ${show("model.encoder.type")}; expected "transformer" or selfAttention "full"`
        : null,
  },
  {
    path: "model.transformer.selfAttention",
    doc: "An efficient self-attention never forms the n×n score matrix, so positions that add to it (`relative`, `t5`, `alibi`, an adaptive span) do not combine with it; `sinusoidal`, `learned` and `rotary` do.",
    check: (c, show) => {
      if (!efficient(c) || !isTransformer(c)) return null;
      const t = c.model.transformer;
      if (t.positions === "relative" || t.positions === "t5" || t.positions === "alibi") return `never forms the n×n scores that ${show("model.transformer.positions")} adds to; expected positions sinusoidal, learned or rotary`;
      if (t.adaptiveSpan) return `never forms the n×n weights that model.transformer.adaptiveSpan masks; expected no adaptiveSpan or selfAttention "full"`;
      return null;
    },
  },
  {
    path: "model.transformer.normalizer",
    doc: "An efficient self-attention approximates or restricts the softmax: `normalizer` must be `softmax` without `topK`.",
    check: (c, show) => {
      if (!efficient(c) || !isTransformer(c)) return null;
      const t = c.model.transformer;
      if (t.normalizer !== "softmax") return `is not the softmax that ${show("model.transformer.selfAttention")} restricts or approximates; expected "softmax"`;
      if (t.topK !== undefined) return `topK needs the full score rows, which ${show("model.transformer.selfAttention")} never forms; expected no model.transformer.topK`;
      return null;
    },
  },
];
