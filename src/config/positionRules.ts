import type { ConfigRule } from "./rules.js";
import { isTransformer } from "./ruleConditions.js";

/**
 * The config rules of Transformer positions and the adaptive span (docs/attention.md#positions):
 * rotary needs an even head size, T5's logarithmic buckets need room above the exact ones, and
 * an adaptive span needs a self-attention to adapt.
 */

export const POSITION_RULES: readonly ConfigRule[] = [
  {
    path: "model.transformer.positions",
    doc: "`rotary` rotates pairs of features in every head, so the head size d_model / `heads` must be even.",
    check: (c, show) => {
      const d = c.model.encoder.hiddenSize;
      const heads = c.model.transformer.heads;
      if (!isTransformer(c) || c.model.transformer.positions !== "rotary" || d % heads !== 0 || (d / heads) % 2 === 0) return null;
      return `rotates pairs of features in every head, so the head size must be even; got ${show("model.encoder.hiddenSize")} / ${show("model.transformer.heads")} = ${d / heads}; expected an even head size`;
    },
  },
  {
    path: "model.transformer.t5MaxDistance",
    doc: "`t5`: distances below `t5Buckets` / 2 have a bucket each (in the decoder), so `t5MaxDistance`, where the logarithmic buckets end, must be larger.",
    check: (c, show) => {
      const t = c.model.transformer;
      const exact = Math.floor(t.t5Buckets / 2);
      if (!isTransformer(c) || t.positions !== "t5" || t.t5MaxDistance > exact) return null;
      return `the decoder's T5 buckets are exact distances up to ${show("model.transformer.t5Buckets")} / 2 = ${exact} and logarithmic from there to t5MaxDistance; expected more than ${exact}`;
    },
  },
  {
    path: "model.transformer.adaptiveSpan",
    doc: "An adaptive span needs self-attention: a Transformer, or hybrid layers (`model.encoder.selfAttentionLayers` > 0).",
    check: (c, show) =>
      c.model.transformer.adaptiveSpan && !isTransformer(c) && c.model.encoder.selfAttentionLayers === 0
        ? `adapts the span of self-attention, which this model has none of; expected ${show("model.encoder.type")} to be "transformer" or model.encoder.selfAttentionLayers > 0`
        : null,
  },
];
