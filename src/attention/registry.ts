import type { Rng } from "../tensor/rng.js";
import { AdditiveScore } from "./additive.js";
import { Attention, type DecoderAttention } from "./attention.js";
import { BilinearScore } from "./bilinear.js";
import { ConcatScore } from "./concat.js";
import { DotScore } from "./dot.js";
import { GeneralScore } from "./general.js";
import { MultiheadCrossAttention } from "./multiheadCross.js";
import type { Normalizer } from "./normalizer.js";
import { ALPHA_FLOOR, DEFAULT_ALPHA, EntmaxNormalizer } from "./normalizers/entmax.js";
import { Entmax15Normalizer } from "./normalizers/entmax15.js";
import { SoftmaxNormalizer } from "./normalizers/softmax.js";
import { SparsemaxNormalizer } from "./normalizers/sparsemax.js";
import { ScaledDotScore } from "./scaledDot.js";
import type { Scope, ScopeContext } from "./scope.js";
import { GlobalScope } from "./scopes/global.js";
import { LocalMonotonicScope } from "./scopes/localMonotonic.js";
import { LocalPredictiveScope } from "./scopes/localPredictive.js";
import type { AttentionScore, ScoreOptions } from "./score.js";
import type { AttentionSpec, NormalizerSpec } from "./spec.js";

/**
 * Every attention building block by its config name: scores, scopes and normalisers. This is the
 * single source of the options: config/schema.ts takes its enums and their descriptions from
 * these tables, config/attentionRules.ts its rules (equal sizes, global-only scores, windows, α),
 * docs/config.md is generated from the schema, and the tests iterate the tables. Adding a score,
 * scope or normaliser is one file, one entry here, and its tests.
 */

/** Builds a score module for queries of size Dq and keys of size Dk. */
export type ScoreFactory = (queryDim: number, keyDim: number, opts: ScoreOptions, rng: Rng) => AttentionScore;

/** What a decoder attention is built from. */
export interface AttentionContext {
  queryDim: number;
  keyDim: number;
  spec: AttentionSpec;
  /** Heads and attention dropout of the multihead score (model.transformer). */
  heads: number;
  dropout: number;
  rng: Rng;
}

export interface ScoreEntry {
  /** The formula, for docs/config.md. */
  readonly summary: string;
  /** Needs Dq = Dk: compares decoder states with encoder outputs directly. */
  readonly equalSizes: boolean;
  /** Composes with the global scope only. */
  readonly globalOnly: boolean;
  /** Takes the coverage term w_c c_t inside its tanh (model.attention.coverage; See et al. 2017 eq. 11). */
  readonly coverage: boolean;
  /** Size of the context vector for queries of size Dq over keys of size Dk. */
  contextSize(queryDim: number, keyDim: number): number;
  /** The score module composed with a scope and a normaliser by Attention; null for a whole attention (multihead). */
  readonly score: ScoreFactory | null;
  /** The decoder attention this score makes (for composed scores: Attention = score × scope × normaliser). */
  attention(ctx: AttentionContext): DecoderAttention;
}

/** A score composed by Attention with a scope and a normaliser. */
function composed(summary: string, score: ScoreFactory, equalSizes = false, coverage = false): ScoreEntry {
  return {
    summary,
    equalSizes,
    globalOnly: false,
    coverage,
    contextSize: (_q, k) => k,
    score,
    attention(ctx) {
      if (equalSizes && ctx.queryDim !== ctx.keyDim) throw new Error(`attention score "${ctx.spec.score}" needs equal query and key sizes; got ${ctx.queryDim} and ${ctx.keyDim}`);
      if (ctx.spec.coverage && !coverage) throw new Error(`attention score "${ctx.spec.score}" takes no coverage term`);
      return composeAttention(score(ctx.queryDim, ctx.keyDim, { size: ctx.spec.size, rank: ctx.spec.rank, ...(ctx.spec.coverage ? { coverage: true } : {}) }, ctx.rng), ctx);
    },
  };
}

/**
 * `score` × the spec's scope × its normaliser. The score draws its parameters first, then the
 * scope (local-p's position predictor), from the same stream.
 */
export function composeAttention(score: AttentionScore, ctx: { queryDim: number; keyDim: number; spec: Omit<AttentionSpec, "score" | "rank">; rng: Rng }): Attention {
  const scope = scopeEntry(ctx.spec.scope);
  const normalizer = createNormalizer(ctx.spec, 1);
  return new Attention(score, (owner) => scope.create({ queryDim: ctx.queryDim, window: ctx.spec.window, size: ctx.spec.size, localP: ctx.spec.localP, rng: ctx.rng, owner }), normalizer, ctx.keyDim);
}

/** Attention scores (model.attention.score), in the order the docs list them. */
export const SCORE_REGISTRY = {
  additive: composed("vᵀtanh(W₁q+W₂k) (Bahdanau et al. 2014)", (q, k, o, rng) => new AdditiveScore(q, k, o, rng), false, true),
  dot: composed("qᵀk (Luong et al. 2015), needs equal sizes", () => new DotScore(), true),
  general: composed("qᵀWk (Luong et al. 2015)", (q, k, _o, rng) => new GeneralScore(q, k, rng)),
  bilinear: composed("qᵀUVᵀk (low rank r)", (q, k, o, rng) => new BilinearScore(q, k, o, rng)),
  concat: composed("vᵀtanh(W[q;k]) (Luong et al. 2015)", (q, k, o, rng) => new ConcatScore(q, k, o, rng), false, true),
  "scaled-dot": composed("qᵀk/√d (Vaswani et al. 2017), needs equal sizes", () => new ScaledDotScore(), true),
  multihead: {
    summary: "multi-head scaled dot product with its own projections, heads from model.transformer, global scope only",
    equalSizes: false,
    globalOnly: true,
    coverage: false,
    contextSize: (q) => q,
    score: null,
    attention: (ctx) => {
      if (ctx.spec.coverage) throw new Error('attention score "multihead" takes no coverage term');
      return new MultiheadCrossAttention(ctx.queryDim, ctx.keyDim, ctx.heads, ctx.rng, { dropout: ctx.dropout, dropoutRng: ctx.rng, normalizer: createNormalizer(ctx.spec, ctx.heads) });
    },
  },
} as const satisfies Record<string, ScoreEntry>;

export interface ScopeEntry {
  readonly summary: string;
  /** Smallest window D it works with. */
  readonly minWindow: number;
  create(ctx: ScopeContext): Scope;
}

/** Attention scopes (model.attention.scope). */
export const SCOPE_REGISTRY = {
  global: { summary: "all source positions", minWindow: 0, create: () => new GlobalScope() },
  "local-m": { summary: "window [t−D, t+D] (Luong et al. 2015 §3.2)", minWindow: 0, create: (ctx) => new LocalMonotonicScope(ctx.window) },
  "local-p": { summary: "predicted centre with a Gaussian of σ = D/2 (Luong et al. 2015 §3.2)", minWindow: 1, create: (ctx) => new LocalPredictiveScope(ctx) },
} as const satisfies Record<string, ScopeEntry>;

export interface NormalizerEntry {
  readonly summary: string;
  /** Reads alpha / learnAlpha. */
  readonly usesAlpha: boolean;
  /** The normaliser for `heads` heads (one α each when learned), with the spec's topK. */
  create(spec: NormalizerSpec, heads: number): Normalizer;
}

/** Normalisers (model.attention.normalizer, model.transformer.normalizer). */
export const NORMALIZER_REGISTRY = {
  softmax: { summary: "dense exp/Σexp", usesAlpha: false, create: (o) => new SoftmaxNormalizer(o.topK ?? null) },
  sparsemax: { summary: "sparse Euclidean projection onto the simplex (Martins & Astudillo 2016)", usesAlpha: false, create: (o) => new SparsemaxNormalizer(o.topK ?? null) },
  entmax15: { summary: "1.5-entmax, exact by sorting (Peters et al. 2019)", usesAlpha: false, create: (o) => new Entmax15Normalizer(o.topK ?? null) },
  entmax: {
    summary: `α-entmax by bisection, α from alpha (default ${DEFAULT_ALPHA}) or learned per head with learnAlpha (Correia et al. 2019)`,
    usesAlpha: true,
    create: (o, heads) => new EntmaxNormalizer(o.alpha ?? DEFAULT_ALPHA, o.learnAlpha ?? false, heads, o.topK ?? null),
  },
} as const satisfies Record<string, NormalizerEntry>;

export { ALPHA_FLOOR, DEFAULT_ALPHA };
/** The forms of local-p's Gaussian (model.attention.localP). */
export { LOCAL_P_MODES } from "./scopes/localPredictive.js";

/** The normalisers that read alpha / learnAlpha. */
export const ALPHA_NORMALIZERS = Object.keys(NORMALIZER_REGISTRY).filter((n) => normalizerEntry(n).usesAlpha);

export type ScoreName = keyof typeof SCORE_REGISTRY;
export type ScopeName = keyof typeof SCOPE_REGISTRY;
export type NormalizerName = keyof typeof NORMALIZER_REGISTRY;

/** The names of a registry, in its order, as a non-empty tuple (for z.enum). */
function namesOf<K extends string>(registry: Record<K, unknown>): readonly [K, ...K[]] {
  return Object.keys(registry) as [K, ...K[]];
}

export const SCORE_NAMES = namesOf(SCORE_REGISTRY);
export const SCOPE_NAMES = namesOf(SCOPE_REGISTRY);
export const NORMALIZER_NAMES = namesOf(NORMALIZER_REGISTRY);

/** "name: summary; name: summary" for a registry, for option descriptions. */
export function describeChoices(registry: Record<string, { summary: string }>): string {
  return Object.entries(registry)
    .map(([name, e]) => `${name}: ${e.summary}`)
    .join("; ");
}

function lookup<E>(registry: Record<string, E>, name: string, what: string): E {
  const entry = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!entry) throw new Error(`unknown ${what} "${name}"; expected one of ${Object.keys(registry).join(" | ")}`);
  return entry;
}

export function scoreEntry(name: string): ScoreEntry {
  return lookup<ScoreEntry>(SCORE_REGISTRY, name, "attention score");
}

export function scopeEntry(name: string): ScopeEntry {
  return lookup<ScopeEntry>(SCOPE_REGISTRY, name, "attention scope");
}

export function normalizerEntry(name: string): NormalizerEntry {
  return lookup<NormalizerEntry>(NORMALIZER_REGISTRY, name, "attention normalizer");
}

/** A score module alone (composed scores only), e.g. for tests. */
export function createScore(kind: string, queryDim: number, keyDim: number, opts: ScoreOptions, rng: Rng): AttentionScore {
  const entry = scoreEntry(kind);
  if (!entry.score) throw new Error(`attention score "${kind}" is a whole attention, not a score to compose`);
  if (entry.equalSizes && queryDim !== keyDim) throw new Error(`attention score "${kind}" needs equal query and key sizes; got ${queryDim} and ${keyDim}`);
  if (opts.coverage && !entry.coverage) throw new Error(`attention score "${kind}" takes no coverage term`);
  return entry.score(queryDim, keyDim, opts, rng);
}

/** The normaliser a spec names, for `heads` heads. */
export function createNormalizer(spec: NormalizerSpec, heads = 1): Normalizer {
  return normalizerEntry(spec.normalizer).create(spec, heads);
}

/** A recurrent decoder's attention as the spec describes it (score × scope × normaliser, or multihead). */
export function createAttention(ctx: AttentionContext): DecoderAttention {
  return scoreEntry(ctx.spec.score).attention(ctx);
}
