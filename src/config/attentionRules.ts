import { ALPHA_FLOOR, DEFAULT_ALPHA, normalizerEntry, NORMALIZER_REGISTRY, scopeEntry, scoreEntry, SCORE_REGISTRY, SCOPE_REGISTRY } from "../attention/registry.js";
import type { NormalizerSpec } from "../attention/spec.js";
import type { ConfigRule } from "./rules.js";
import type { Config } from "./schema.js";
import { directions, recurrentAttention } from "./ruleConditions.js";

/**
 * The config rules of attention, read from the attention registry (src/attention/registry.ts):
 * which scores need equal sizes or the global scope, the smallest window of each scope, and which
 * normalisers read α. A new registry entry brings its rules along.
 */

const namesWhere = <E>(registry: Record<string, E>, keep: (e: E) => boolean) =>
  Object.entries(registry)
    .filter(([, e]) => keep(e))
    .map(([n]) => `\`${n}\``)
    .join(", ");
const alphaReaders = namesWhere(NORMALIZER_REGISTRY, (e) => e.usesAlpha);

/** The α rules of one section holding normaliser keys (model.attention, model.transformer). */
function normalizerRules(section: "attention" | "transformer"): ConfigRule[] {
  const at = `model.${section}`;
  const spec = (c: Config): NormalizerSpec => c.model[section];
  const readsAlpha = (c: Config) => normalizerEntry(spec(c).normalizer).usesAlpha;
  return [
    {
      path: `${at}.alpha`,
      doc: `Only these normalizers read \`alpha\`: ${alphaReaders}.`,
      check: (c, show) => (spec(c).alpha !== undefined && !readsAlpha(c) ? `only ${alphaReaders.replace(/`/g, '"')} read α; got ${show(`${at}.normalizer`)}` : null),
    },
    {
      path: `${at}.learnAlpha`,
      doc: `\`learnAlpha\` learns α, so it needs one of: ${alphaReaders}.`,
      check: (c, show) => (spec(c).learnAlpha && !readsAlpha(c) ? `learns α, which only ${alphaReaders.replace(/`/g, '"')} read; got ${show(`${at}.normalizer`)}` : null),
    },
    {
      path: `${at}.alpha`,
      doc: `With \`learnAlpha\`, α = ${ALPHA_FLOOR} + softplus(a) starts at \`alpha\`, which must be above ${ALPHA_FLOOR}.`,
      check: (c) => {
        const s = spec(c);
        return s.learnAlpha && readsAlpha(c) && (s.alpha ?? DEFAULT_ALPHA) <= ALPHA_FLOOR ? `a learned α = ${ALPHA_FLOOR} + softplus(a) stays above ${ALPHA_FLOOR}, so it cannot start here; expected alpha > ${ALPHA_FLOOR}` : null;
      },
    },
  ];
}

export const ATTENTION_RULES: readonly ConfigRule[] = [
  ...normalizerRules("attention"),
  ...normalizerRules("transformer"),
  {
    path: "model.attention.window",
    doc: `Each scope's smallest window: ${Object.entries(SCOPE_REGISTRY)
      .filter(([, e]) => e.minWindow > 0)
      .map(([n, e]) => `\`${n}\` needs at least ${e.minWindow}`)
      .join(", ")}.`,
    check: (c) => {
      const { scope, window } = c.model.attention;
      const min = scopeEntry(scope).minWindow;
      return recurrentAttention(c) && window < min ? `${scope} needs a window of at least ${min}${scope === "local-p" ? " (σ = D/2)" : ""}` : null;
    },
  },
  {
    path: "model.attention.localP",
    doc: '`localP` shapes the Gaussian of the `local-p` scope, so `"paper"` needs scope `local-p`.',
    check: (c, show) =>
      c.model.attention.localP !== "renormalised" && c.model.attention.scope !== "local-p"
        ? `shapes local-p's Gaussian; got ${show("model.attention.scope")}; expected scope "local-p" or localP "renormalised"`
        : null,
  },
  {
    path: "model.attention.scope",
    doc: `Scores that attend globally only (scope \`global\`): ${namesWhere(SCORE_REGISTRY, (e) => e.globalOnly)}.`,
    check: (c, show) => {
      const { score, scope } = c.model.attention;
      return recurrentAttention(c) && scoreEntry(score).globalOnly && scope !== "global" ? `${show("model.attention.score")} attends globally; expected "global"` : null;
    },
  },
  {
    path: "model.attention.score",
    doc: `Scores that compare decoder states with encoder outputs directly, so \`model.decoder.hiddenSize\` must equal the encoder output size (\`hiddenSize\` × directions): ${namesWhere(SCORE_REGISTRY, (e) => e.equalSizes)}.`,
    check: (c, show) => {
      if (!recurrentAttention(c) || !scoreEntry(c.model.attention.score).equalSizes) return null;
      const keySize = c.model.encoder.hiddenSize * directions(c);
      if (keySize === c.model.decoder.hiddenSize) return null;
      return `compares decoder states with encoder outputs directly, so ${show("model.decoder.hiddenSize")} must equal the encoder output size ${keySize} (${show("model.encoder.hiddenSize")} × ${directions(c)} direction(s))`;
    },
  },
];
