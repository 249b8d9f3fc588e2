import { SCORE_REGISTRY, scoreEntry } from "../attention/registry.js";
import type { ConfigRule } from "./rules.js";
import { recurrentAttention } from "./ruleConditions.js";

/**
 * The config rules of coverage (model.attention.coverage, training.coverageLoss,
 * decoding.coveragePenalty) and copy attention (model.decoder.copy): what they need of the
 * decoder, the score, the normaliser and the loss (docs/attention.md, "Coverage" and "Copy").
 */

const coverageScores = Object.entries(SCORE_REGISTRY)
  .filter(([, e]) => e.coverage)
  .map(([n]) => n);
const quoted = coverageScores.map((n) => `"${n}"`).join(" or ");

export const COVERAGE_COPY_RULES: readonly ConfigRule[] = [
  {
    path: "model.attention.coverage",
    doc: "Coverage feeds past attention into the score of a recurrent decoder's attention: decoders `bahdanau` and `luong` only.",
    check: (c, show) => (c.model.attention.coverage && !recurrentAttention(c) ? `coverage feeds past attention into a recurrent decoder's attention score; got ${show("model.decoder.type")}; expected "bahdanau" or "luong"` : null),
  },
  {
    path: "model.attention.coverage",
    doc: `The coverage term w_c c_t(j) sits inside the tanh of these scores only: ${coverageScores.map((n) => `\`${n}\``).join(", ")}.`,
    check: (c, show) =>
      c.model.attention.coverage && recurrentAttention(c) && !scoreEntry(c.model.attention.score).coverage
        ? `the coverage term w_c c_t(j) enters the tanh of the ${coverageScores.join(" and ")} scores only; got ${show("model.attention.score")}; expected ${quoted}`
        : null,
  },
  {
    path: "training.coverageLoss",
    doc: "The coverage loss reads the coverage vector, so it needs `model.attention.coverage: true`.",
    check: (c, show) => (c.training.coverageLoss > 0 && !(c.model.attention.coverage && recurrentAttention(c)) ? `the coverage loss reads the coverage vector c_t; expected ${show("model.attention.coverage")} to be true (with a bahdanau or luong decoder)` : null),
  },
  {
    path: "model.decoder.copy",
    doc: "Copy attention mixes the attention of a recurrent decoder into its output: decoders `bahdanau` and `luong` only.",
    check: (c, show) => (c.model.decoder.copy && !recurrentAttention(c) ? `copy attention copies through a recurrent decoder's attention; got ${show("model.decoder.type")}; expected "bahdanau" or "luong"` : null),
  },
  {
    path: "model.decoder.copy",
    doc: "Copy attention needs every source position to keep some weight (the `global` scope and the `softmax` normaliser without `topK`): a word to copy whose positions got exactly 0 would have probability 0 and an infinite loss.",
    check: (c, show) => {
      const a = c.model.attention;
      if (!c.model.decoder.copy || !recurrentAttention(c) || (a.scope === "global" && a.normalizer === "softmax" && a.topK === undefined)) return null;
      const got = a.scope !== "global" ? show("model.attention.scope") : a.topK !== undefined ? show("model.attention.topK") : show("model.attention.normalizer");
      return `copy attention needs every source position to keep some weight (a word to copy whose positions get exactly 0 would have probability 0 and an infinite loss); got ${got}; expected the "global" scope and the "softmax" normalizer without topK`;
    },
  },
  {
    path: "training.labelSmoothing",
    doc: "Label smoothing is not defined for the copy mixture (its extended vocabulary changes per sentence): 0 with `model.decoder.copy`.",
    check: (c, show) =>
      c.model.decoder.copy && (c.training.labelSmoothing ?? 0) > 0 ? `label smoothing is not defined for the copy mixture (its extended vocabulary changes per sentence); expected 0 with ${show("model.decoder.copy")}` : null,
  },
  {
    path: "decoding.coveragePenalty",
    doc: 'The coverage penalty sums attention weights, which decoder `none` does not have.',
    check: (c) => (c.decoding.coveragePenalty > 0 && c.model.decoder.type === "none" ? 'the coverage penalty sums attention weights; the "none" decoder has none; expected 0' : null),
  },
];
