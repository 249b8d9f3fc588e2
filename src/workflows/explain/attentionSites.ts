import { Attention } from "../../attention/attention.js";
import { MultiheadCrossAttention } from "../../attention/multiheadCross.js";
import type { AttentionWeightsTransform } from "../../attention/weightsTransform.js";
import { Seq2Seq } from "../../models/seq2seq.js";
import { TransformerSeq2Seq } from "../../models/transformer/transformerSeq2Seq.js";
import type { TranslationModel } from "../../models/types.js";

/**
 * One cross-attention of a decoder whose weights explain reads and replaces: the attention of a
 * recurrent decoder (layer 0; the multihead score's heads), or the cross-attention of each
 * Transformer decoder layer.
 */
export interface AttentionSite {
  layer: number;
  heads: number;
  /** The module that applies a weights transform (attention/weightsTransform.ts). */
  module: { weightsTransform: AttentionWeightsTransform | null };
}

/** The cross-attentions of `model`, by layer; an error for a decoder without attention. */
export function attentionSites(model: TranslationModel): AttentionSite[] {
  if (model instanceof TransformerSeq2Seq) {
    return [...model.decoderStack.layers].map((l, layer) => ({ layer, heads: l.multiheadAttn.numHeads, module: l.multiheadAttn }));
  }
  if (model instanceof Seq2Seq) {
    const a = model.decoder.attention;
    if (a instanceof Attention) return [{ layer: 0, heads: 1, module: a }];
    if (a instanceof MultiheadCrossAttention) return [{ layer: 0, heads: a.mha.numHeads, module: a.mha }];
  }
  throw new Error("explain: this model's decoder has no cross-attention");
}

/** Run `fn` with each site's transform (`transformOf(site)`), and take them off again whatever happens. */
export function withWeightsTransforms<T>(sites: readonly AttentionSite[], transformOf: (site: AttentionSite) => AttentionWeightsTransform, fn: () => T): T {
  for (const s of sites) s.module.weightsTransform = transformOf(s);
  try {
    return fn();
  } finally {
    for (const s of sites) s.module.weightsTransform = null;
  }
}
