/**
 * The config rules that run before anything is built: size limits, rules across options, the
 * model-size bound, and "(from --set)" on values the command line gave.
 */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { applyOverrides, validateConfig } from "../../src/config/load.js";
import { checkLimits, NOT_SIZES, SIZE_LIMITS } from "../../src/config/limits.js";
import { estimateModelSize, MAX_MODEL_BYTES, MIN_VOCAB, modelSizeProblem } from "../../src/config/modelSize.js";
import { ValueOrigins } from "../../src/config/origins.js";
import { CONFIG_RULES } from "../../src/config/rules.js";
import { ConfigSchema, type Config } from "../../src/config/schema.js";
import { UserError } from "../../src/errors.js";
import { buildModel } from "../../src/models/build.js";

const base = { data: { path: "data/x" } };

/** The validation error of `raw` with `--set` overrides `sets`. */
function errorOf(raw: unknown, sets: string[] = []): string {
  try {
    validateConfig(applyOverrides(raw, sets), "c.json", ValueOrigins.fromSets(sets));
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error(`expected a validation error for ${JSON.stringify(raw)} ${sets.join(" ")}`);
}

const valid = (raw: unknown, sets: string[] = []): Config => validateConfig(applyOverrides(raw, sets), "c.json", ValueOrigins.fromSets(sets));

/** Schema-valid (defaults filled) but not checked by the rules. */
const parsed = (raw: unknown): Config => ConfigSchema.parse(raw);

const transformer = (patch: Record<string, unknown> = {}) => ({
  ...base,
  model: {
    encoder: { type: "transformer", hiddenSize: 64, layers: 1 },
    decoder: { type: "transformer", hiddenSize: 64, layers: 1 },
    transformer: { heads: 4, ffSize: 32 },
    ...patch,
  },
});

/** One violating config per rule; `message` must match the whole error line. */
const ruleCases: { name: string; raw: unknown; sets?: string[]; message: RegExp }[] = [
  { name: "no data source", raw: { data: {} }, message: /^c\.json: data: expected "path" .* or "train"/ },
  { name: "both data.path and data.train", raw: { data: { path: "a", train: "b" } }, message: /^c\.json: data: give either "path" or "train", not both$/ },
  {
    name: "transformer decoder on a recurrent encoder",
    raw: { ...base, model: { decoder: { type: "transformer" } } },
    message: /^c\.json: model\.decoder\.type = "transformer": needs model\.encoder\.type = "gru" to be "transformer"$/,
  },
  {
    name: "transformer encoder with a recurrent decoder",
    raw: { ...base, model: { encoder: { type: "transformer" } } },
    sets: ["model.decoder.type=luong"],
    message: /^c\.json: model\.encoder\.type = "transformer": needs model\.decoder\.type = "luong" \(from --set\) to be "transformer"$/,
  },
  {
    name: "shared vocabulary across tokenizer types",
    raw: { ...base, vocab: { shared: true }, tokenizer: { source: { type: "char" } } },
    message: /^c\.json: vocab\.shared = true: .*tokenizer\.source\.type = "char" and tokenizer\.target\.type = "word"$/,
  },
  {
    name: "Transformer decoder size other than d_model",
    raw: transformer({ decoder: { type: "transformer", hiddenSize: 32 } }),
    message: /^c\.json: model\.decoder\.hiddenSize = 32: the Transformer's decoder works in d_model, model\.encoder\.hiddenSize = 64; expected the same$/,
  },
  {
    name: "scheduled sampling with the Transformer",
    raw: transformer(),
    sets: ["training.scheduledSampling=0.2"],
    message: /^c\.json: training\.scheduledSampling = 0\.2 \(from --set\): not available for the Transformer/,
  },
  {
    name: "Transformer heads not dividing d_model",
    raw: transformer(),
    sets: ["model.transformer.heads=3"],
    message: /^c\.json: model\.transformer\.heads = 3 \(from --set\): must divide d_model, model\.encoder\.hiddenSize = 64 .*; expected a divisor of 64 such as 2 or 4$/,
  },
  {
    name: "hybrid heads not dividing the encoder output size",
    raw: { ...base, model: { encoder: { hiddenSize: 15, bidirectional: true, selfAttentionLayers: 1 }, transformer: { heads: 4 } } },
    message: /^c\.json: model\.transformer\.heads = 4: must divide the size the hybrid self-attention layers work in, model\.encoder\.hiddenSize = 15 × 2 direction\(s\) = 30 .*such as 3 or 5$/,
  },
  {
    name: "multihead score heads not dividing the decoder size",
    raw: { ...base, model: { decoder: { type: "luong", hiddenSize: 30 }, attention: { score: "multihead" }, transformer: { heads: 4 } } },
    sets: ["model.decoder.hiddenSize=50"],
    message: /^c\.json: model\.transformer\.heads = 4: must divide the query size of the multihead score, model\.decoder\.hiddenSize = 50 \(from --set\) .*such as 2 or 5$/,
  },
  {
    name: "decoding longer than learned positions",
    raw: transformer({ transformer: { heads: 4, ffSize: 32, positions: "learned", maxPositions: 20 } }),
    sets: ["decoding.maxLen=21"],
    message: /^c\.json: decoding\.maxLen = 21 \(from --set\): 21 decoder steps need 21 target positions .*model\.transformer\.maxPositions = 20 with learned positions/,
  },
  {
    name: "hybrid layers on a Transformer encoder",
    raw: transformer({ encoder: { type: "transformer", hiddenSize: 64, selfAttentionLayers: 2 } }),
    message: /^c\.json: model\.encoder\.selfAttentionLayers = 2: only recurrent encoders take hybrid layers/,
  },
  {
    name: "decoder none without a bridge",
    raw: { ...base, model: { decoder: { type: "none", bridge: "none" } } },
    message: /^c\.json: model\.decoder\.bridge = "none": the "none" decoder sees the source only through the bridge/,
  },
  {
    name: "local-p with window 0",
    raw: { ...base, model: { decoder: { type: "luong" }, attention: { scope: "local-p", window: 0 } } },
    message: /^c\.json: model\.attention\.window = 0: local-p needs a window of at least 1/,
  },
  {
    name: "local attention with Bahdanau",
    raw: { ...base, model: { attention: { scope: "local-m" } } },
    message: /^c\.json: model\.attention\.scope = "local-m": local attention is Luong's .*model\.decoder\.type = "bahdanau"$/,
  },
  {
    name: "dot score with mismatched sizes",
    raw: { ...base, model: { encoder: { hiddenSize: 64 }, decoder: { type: "luong", hiddenSize: 100 }, attention: { score: "dot" } } },
    message: /^c\.json: model\.attention\.score = "dot": .*model\.decoder\.hiddenSize = 100 must equal the encoder output size 128/,
  },
  {
    name: "alpha with a normaliser that has no α",
    raw: { ...base, model: { attention: { normalizer: "sparsemax", alpha: 1.3 } } },
    message: /^c\.json: model\.attention\.alpha = 1\.3: only "entmax" read α; got model\.attention\.normalizer = "sparsemax"$/,
  },
  {
    name: "learnAlpha with softmax",
    raw: transformer(),
    sets: ["model.transformer.learnAlpha=true"],
    message: /^c\.json: model\.transformer\.learnAlpha = true \(from --set\): learns α, which only "entmax" read; got model\.transformer\.normalizer = "softmax"$/,
  },
  {
    name: "a learned α starting at its floor",
    raw: { ...base, model: { attention: { normalizer: "entmax", learnAlpha: true, alpha: 1.005 } } },
    message: /^c\.json: model\.attention\.alpha = 1\.005: a learned α = 1\.01 \+ softplus\(a\) stays above 1\.01/,
  },
  {
    name: "alpha on the Transformer's softmax",
    raw: transformer({ transformer: { heads: 4, ffSize: 32, alpha: 1.2 } }),
    message: /^c\.json: model\.transformer\.alpha = 1\.2: only "entmax" read α; got model\.transformer\.normalizer = "softmax"$/,
  },
  {
    name: "a learned Transformer α starting at its floor",
    raw: transformer({ transformer: { heads: 4, ffSize: 32, normalizer: "entmax", learnAlpha: true } }),
    sets: ["model.transformer.alpha=1.01"],
    message: /^c\.json: model\.transformer\.alpha = 1\.01 \(from --set\): a learned α/,
  },
  {
    name: "learnAlpha with entmax15 on a recurrent decoder",
    raw: { ...base, model: { attention: { normalizer: "entmax15", learnAlpha: true } } },
    message: /^c\.json: model\.attention\.learnAlpha = true: learns α, which only "entmax" read; got model\.attention\.normalizer = "entmax15"$/,
  },
  {
    name: "the multihead score with a local scope",
    raw: { ...base, model: { decoder: { type: "luong" }, attention: { score: "multihead", scope: "local-m" } } },
    message: /^c\.json: model\.attention\.scope = "local-m": model\.attention\.score = "multihead" attends globally; expected "global"$/,
  },
  {
    name: "tied embeddings with Bahdanau's deep output",
    raw: { ...base, model: { decoder: { type: "bahdanau", embeddingSize: 64, hiddenSize: 64, tieEmbeddings: true } } },
    message: /^c\.json: model\.decoder\.tieEmbeddings = true: the bahdanau output layer reads \[s_t; c_t; E y_\{t−1\}\].*cannot be tied/,
  },
  {
    name: "tied embeddings with mismatched Luong sizes",
    raw: { ...base, model: { decoder: { type: "luong", embeddingSize: 32, hiddenSize: 64 } } },
    sets: ["model.decoder.tieEmbeddings=true"],
    message: /^c\.json: model\.decoder\.tieEmbeddings = true \(from --set\): the output layer reads model\.decoder\.hiddenSize = 64 features but the target embedding has model\.decoder\.embeddingSize = 32; expected them equal$/,
  },
  {
    name: "rotary positions with an odd head size",
    raw: transformer({ encoder: { type: "transformer", hiddenSize: 12, layers: 1 }, decoder: { type: "transformer", hiddenSize: 12, layers: 1 } }),
    sets: ["model.transformer.positions=rotary"],
    message: /^c\.json: model\.transformer\.positions = "rotary" \(from --set\): rotates pairs of features in every head, so the head size must be even; got model\.encoder\.hiddenSize = 12 \/ model\.transformer\.heads = 4 = 3; expected an even head size$/,
  },
  {
    name: "T5 buckets ending before their exact distances",
    raw: transformer({ transformer: { heads: 4, ffSize: 32, positions: "t5", t5Buckets: 32 } }),
    sets: ["model.transformer.t5MaxDistance=16"],
    message: /^c\.json: model\.transformer\.t5MaxDistance = 16 \(from --set\): the decoder's T5 buckets are exact distances up to model\.transformer\.t5Buckets = 32 \/ 2 = 16 .*; expected more than 16$/,
  },
  {
    name: "an adaptive span without self-attention",
    raw: { ...base, model: { transformer: { adaptiveSpan: { maxSpan: 8 } } } },
    message: /^c\.json: model\.transformer\.adaptiveSpan: adapts the span of self-attention, which this model has none of; expected model\.encoder\.type = "gru" to be "transformer" or model\.encoder\.selfAttentionLayers > 0$/,
  },
  {
    name: "an efficient self-attention without a Transformer",
    raw: { ...base, model: { transformer: { selfAttention: "window" } } },
    message: /^c\.json: model\.transformer\.selfAttention = "window": replaces the self-attention of Transformer encoder and decoder layers; got model\.encoder\.type = "gru"; expected "transformer" or selfAttention "full"$/,
  },
  {
    name: "an efficient self-attention with ALiBi",
    raw: { ...base, model: { encoder: { type: "transformer", hiddenSize: 16 }, decoder: { type: "transformer", hiddenSize: 16 }, transformer: { selfAttention: "performer", positions: "alibi" } } },
    message: /^c\.json: model\.transformer\.selfAttention = "performer": never forms the n×n scores that model\.transformer\.positions = "alibi" adds to; expected positions sinusoidal, learned or rotary$/,
  },
  {
    name: "an efficient self-attention with sparsemax",
    raw: { ...base, model: { encoder: { type: "transformer", hiddenSize: 16 }, decoder: { type: "transformer", hiddenSize: 16 }, transformer: { selfAttention: "linformer", normalizer: "sparsemax" } } },
    message: /^c\.json: model\.transformer\.normalizer = "sparsemax": is not the softmax that model\.transformer\.selfAttention = "linformer" restricts or approximates; expected "softmax"$/,
  },
  {
    name: "local-p in the paper's form without the local-p scope",
    raw: { ...base, model: { decoder: { type: "luong" }, attention: { scope: "local-m", localP: "paper" } } },
    message: /^c\.json: model\.attention\.localP = "paper": shapes local-p's Gaussian; got model\.attention\.scope = "local-m"; expected scope "local-p" or localP "renormalised"$/,
  },
  {
    name: "coverage with the fixed-vector decoder",
    raw: { ...base, model: { decoder: { type: "none" }, attention: { coverage: true } } },
    message: /^c\.json: model\.attention\.coverage = true: coverage feeds past attention into a recurrent decoder's attention score; got model\.decoder\.type = "none"; expected "bahdanau" or "luong"$/,
  },
  {
    name: "coverage with the dot score",
    raw: { ...base, model: { encoder: { hiddenSize: 64 }, decoder: { type: "luong" }, attention: { score: "dot" } } },
    sets: ["model.attention.coverage=true"],
    message: /^c\.json: model\.attention\.coverage = true \(from --set\): the coverage term w_c c_t\(j\) enters the tanh of the additive and concat scores only; got model\.attention\.score = "dot"; expected "additive" or "concat"$/,
  },
  {
    name: "a coverage loss without coverage",
    raw: base,
    sets: ["training.coverageLoss=1"],
    message: /^c\.json: training\.coverageLoss = 1 \(from --set\): the coverage loss reads the coverage vector c_t; expected model\.attention\.coverage = false to be true/,
  },
  {
    name: "copy attention with the fixed-vector decoder",
    raw: { ...base, model: { decoder: { type: "none", copy: true } } },
    message: /^c\.json: model\.decoder\.copy = true: copy attention copies through a recurrent decoder's attention; got model\.decoder\.type = "none"; expected "bahdanau" or "luong"$/,
  },
  {
    name: "copy attention with a sparse normaliser",
    raw: { ...base, model: { decoder: { copy: true }, attention: { normalizer: "sparsemax" } } },
    message: /^c\.json: model\.decoder\.copy = true: copy attention needs every source position to keep some weight .*; got model\.attention\.normalizer = "sparsemax"; expected the "global" scope and the "softmax" normalizer without topK$/,
  },
  {
    name: "copy attention with a local window",
    raw: { ...base, model: { decoder: { type: "luong", copy: true }, attention: { scope: "local-m" } } },
    message: /^c\.json: model\.decoder\.copy = true: copy attention needs every source position to keep some weight .*; got model\.attention\.scope = "local-m"; expected the "global" scope/,
  },
  {
    name: "copy attention with label smoothing",
    raw: { ...base, model: { decoder: { copy: true } }, training: { labelSmoothing: 0.1 } },
    message: /^c\.json: training\.labelSmoothing = 0\.1: label smoothing is not defined for the copy mixture .*; expected 0 with model\.decoder\.copy = true$/,
  },
  {
    name: "a coverage penalty without attention",
    raw: { ...base, model: { decoder: { type: "none" } } },
    sets: ["decoding.coveragePenalty=0.2"],
    message: /^c\.json: decoding\.coveragePenalty = 0\.2 \(from --set\): the coverage penalty sums attention weights; the "none" decoder has none; expected 0$/,
  },
  {
    name: "a model too large for memory",
    raw: { ...base, model: { encoder: { embeddingSize: 8, hiddenSize: 4000, layers: 4 } } },
    sets: ["model.encoder.hiddenSize=6000"],
    message: /^c\.json: model: [\d,]+ parameters need about [\d.]+ GiB while training .* the largest part is the encoder RNN: model\.encoder\.hiddenSize = 6000 \(from --set\)$/,
  },
];

describe("rules across options", () => {
  for (const c of ruleCases) {
    it(c.name, () => {
      expect(errorOf(c.raw, c.sets)).toMatch(c.message);
    });
  }

  it("every rule in CONFIG_RULES is violated by one of the cases above, and by none of the presets' kind of config", () => {
    const fired = new Set<number>();
    for (const c of ruleCases) {
      const cfg = parsed(applyOverrides(c.raw, c.sets ?? []));
      CONFIG_RULES.forEach((r, i) => {
        if (r.check(cfg, (p) => p) !== null) fired.add(i);
      });
    }
    expect([...CONFIG_RULES.keys()].filter((i) => !fired.has(i)).map((i) => CONFIG_RULES[i]!.path)).toEqual([]);
  });

  it("accepts the satisfying neighbours of the violations", () => {
    expect(() => valid(transformer(), ["model.transformer.heads=8"])).not.toThrow();
    expect(() => valid({ ...base, model: { encoder: { hiddenSize: 15, bidirectional: true, selfAttentionLayers: 1 }, transformer: { heads: 5 } } })).not.toThrow();
    expect(() => valid({ ...base, model: { decoder: { type: "luong", hiddenSize: 30 }, attention: { score: "multihead" }, transformer: { heads: 6 } } })).not.toThrow();
    expect(() => valid({ ...base, model: { decoder: { type: "luong", embeddingSize: 64, hiddenSize: 64, tieEmbeddings: true } } })).not.toThrow();
    expect(() => valid({ ...base, model: { decoder: { type: "none", embeddingSize: 16, hiddenSize: 16, tieEmbeddings: true } } })).not.toThrow();
    expect(() => valid(transformer({ decoder: { type: "transformer", hiddenSize: 64, tieEmbeddings: true } }))).not.toThrow();
    expect(() => valid({ ...base, model: { decoder: { type: "luong", copy: true }, attention: { score: "concat", coverage: true } }, training: { coverageLoss: 1 }, decoding: { coveragePenalty: 0.2 } })).not.toThrow();
    expect(() => valid(transformer({ transformer: { heads: 4, ffSize: 32 } }), ["decoding.coveragePenalty=0.2"])).not.toThrow();
    // heads only matter where they split something: a plain Bahdanau model ignores them.
    expect(() => valid({ ...base, model: { encoder: { hiddenSize: 15 }, transformer: { heads: 4 } } })).not.toThrow();
  });

  it("reports every violated rule, one line each", () => {
    const lines = errorOf({ ...base, model: { decoder: { type: "none", bridge: "none", tieEmbeddings: true } } }).split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^c\.json: model\.decoder\.bridge/);
    expect(lines[1]).toMatch(/^c\.json: model\.decoder\.tieEmbeddings/);
  });
});

describe("size limits", () => {
  it.each(Object.entries(SIZE_LIMITS))("%s ≤ %d: the bound passes, one more is an error naming the option", (path, max) => {
    const at = parsed(applyOverrides(base, [`${path}=${max}`]));
    expect(checkLimits(at, new ValueOrigins()).filter((l) => l.startsWith(`${path} `))).toEqual([]);
    const over = parsed(applyOverrides(base, [`${path}=${max + 1}`]));
    expect(checkLimits(over, ValueOrigins.fromSets([`${path}=${max + 1}`]))).toEqual([`${path} = ${max + 1} (from --set): expected at most ${max.toLocaleString("en-US")}`]);
  });

  it("a typo'd huge size is a one-line config error, from --set or from the file", () => {
    expect(errorOf(base, ["model.encoder.hiddenSize=1000000000"])).toBe("c.json: model.encoder.hiddenSize = 1000000000 (from --set): expected at most 16,384");
    expect(errorOf({ ...base, training: { batchSize: 1e9 } })).toBe("c.json: training.batchSize = 1000000000: expected at most 100,000");
  });

  it("every integer option of the schema has a bound (or is listed as not a size), and every bound is an integer option", () => {
    const integers: string[] = [];
    const walk = (s: { type?: unknown; properties?: Record<string, unknown> }, prefix: string) => {
      for (const [k, child] of Object.entries(s.properties ?? {})) {
        const c = child as { type?: unknown; properties?: Record<string, unknown>; anyOf?: { type?: unknown }[] };
        const path = prefix ? `${prefix}.${k}` : k;
        if (c.type === "object" && c.properties) walk(c, path);
        else if (c.type === "integer" || c.anyOf?.some((a) => a.type === "integer")) integers.push(path);
      }
    };
    walk(z.toJSONSchema(ConfigSchema, { io: "input", unrepresentable: "any" }) as never, "");
    expect(integers.filter((p) => SIZE_LIMITS[p] === undefined && NOT_SIZES[p] === undefined)).toEqual([]);
    expect(Object.keys(SIZE_LIMITS).filter((p) => !integers.includes(p))).toEqual([]);
  });
});

describe("(from --set) on schema errors", () => {
  it("marks values the command line gave, and only those", () => {
    expect(errorOf(base, ["model.encoder.hiddenSize=0"])).toMatch(/^c\.json: model\.encoder\.hiddenSize: .*; got 0 \(from --set\)$/);
    expect(errorOf({ ...base, model: { encoder: { hiddenSize: 0 } } })).toMatch(/^c\.json: model\.encoder\.hiddenSize: .*; got 0$/);
    expect(errorOf(base, ['model.encoder={"hiddenSize":-3}'])).toMatch(/^c\.json: model\.encoder\.hiddenSize: .*; got -3 \(from --set\)$/);
    expect(errorOf(base, ["model.decoder.hiddenSiz=8"])).toBe('c.json: model.decoder: unknown key "hiddenSiz" (from --set)');
    expect(errorOf(base, ["model.attention.score=additve"])).toMatch(/; got "additve" \(from --set\)$/);
  });
});

describe("model size estimate", () => {
  const vocab = { source: 23, target: 31 };
  const recurrent = (model: Record<string, unknown>) => parsed({ ...base, model });
  const configs: [string, Config][] = [
    ["default GRU + Bahdanau additive", recurrent({})],
    ["2-layer LSTM, unidirectional, luong general, input feeding", recurrent({ encoder: { type: "lstm", layers: 2, bidirectional: false, hiddenSize: 12 }, decoder: { type: "luong", cell: "lstm", layers: 2, hiddenSize: 12 }, attention: { score: "general" } })],
    ["luong local-p bilinear without input feeding, tied", recurrent({ decoder: { type: "luong", embeddingSize: 16, hiddenSize: 16, inputFeeding: false, tieEmbeddings: true }, attention: { score: "bilinear", scope: "local-p", rank: 3, size: 5 } })],
    ["bahdanau concat, no bridge", recurrent({ decoder: { type: "bahdanau", bridge: "none" }, attention: { score: "concat", size: 7 } })],
    ["luong dot", recurrent({ encoder: { hiddenSize: 8 }, decoder: { type: "luong", hiddenSize: 16 }, attention: { score: "scaled-dot" } })],
    ["thought vector, LSTM decoder", recurrent({ decoder: { type: "none", cell: "lstm", layers: 3 } })],
    ["hybrid + multihead score", recurrent({ encoder: { hiddenSize: 8, selfAttentionLayers: 2 }, decoder: { type: "bahdanau", hiddenSize: 12 }, attention: { score: "multihead" }, transformer: { heads: 4, ffSize: 20 } })],
    ["Transformer, sinusoidal", parsed(transformer())],
    ["Transformer, learned, pre-norm, tied", parsed(transformer({ decoder: { type: "transformer", hiddenSize: 64, layers: 2, tieEmbeddings: true }, transformer: { heads: 4, ffSize: 32, positions: "learned", maxPositions: 40, normFirst: true } }))],
    ["Transformer, relative", parsed(transformer({ transformer: { heads: 8, ffSize: 16, positions: "relative", maxRelativeDistance: 3 } }))],
    ["Transformer with learned entmax α", parsed(transformer({ transformer: { heads: 4, ffSize: 16, normalizer: "entmax", learnAlpha: true, alpha: 1.5 } }))],
    ["hybrid + multihead score with learned entmax α", recurrent({ encoder: { hiddenSize: 8, selfAttentionLayers: 1 }, decoder: { type: "luong", hiddenSize: 12 }, attention: { score: "multihead", normalizer: "entmax", learnAlpha: true, alpha: 1.5 }, transformer: { heads: 4, ffSize: 8, normalizer: "entmax", learnAlpha: true, alpha: 1.5 } })],
    ["additive score with learned entmax α", recurrent({ attention: { normalizer: "entmax", learnAlpha: true, alpha: 1.5 } })],
    ["bahdanau additive with coverage and copy attention", recurrent({ decoder: { type: "bahdanau", copy: true }, attention: { coverage: true, size: 9 } })],
    ["luong concat with coverage and copy, multi-layer LSTM", recurrent({ encoder: { type: "lstm", hiddenSize: 6 }, decoder: { type: "luong", cell: "lstm", layers: 2, hiddenSize: 10, copy: true }, attention: { score: "concat", coverage: true, size: 5 } })],
    ["luong general with copy attention", recurrent({ decoder: { type: "luong", copy: true }, attention: { score: "general" } })],
    ["Transformer, t5 buckets, adaptive span", parsed(transformer({ decoder: { type: "transformer", hiddenSize: 64, layers: 2 }, transformer: { heads: 4, ffSize: 16, positions: "t5", t5Buckets: 12, t5MaxDistance: 40, adaptiveSpan: { maxSpan: 20 } } }))],
    ["Transformer, rotary and alibi have no parameters", parsed(transformer({ transformer: { heads: 4, ffSize: 16, positions: "rotary" } }))],
    ["hybrid with an adaptive span", recurrent({ encoder: { hiddenSize: 8, selfAttentionLayers: 2 }, decoder: { type: "bahdanau", hiddenSize: 12 }, transformer: { heads: 2, ffSize: 20, positions: "alibi", adaptiveSpan: { maxSpan: 5, ramp: 2 } } })],
  ];
  it.each(configs)("%s: the count equals the built model's", (_name, c) => {
    expect(estimateModelSize(c.model, vocab).parameters).toBe(buildModel(c.model, vocab, 1).numParameters());
  });

  it("bounds the bytes of a model with large vocabularies, naming the option behind the largest part", () => {
    const c = parsed({ ...base, model: { encoder: { embeddingSize: 4096, hiddenSize: 16 }, decoder: { embeddingSize: 16, hiddenSize: 16 } } });
    expect(modelSizeProblem(c.model, MIN_VOCAB, (p) => p)).toBeNull();
    const big = { source: 200_000, target: 100 };
    expect(estimateModelSize(c.model, big).bytes).toBeGreaterThan(MAX_MODEL_BYTES);
    expect(modelSizeProblem(c.model, big, (p) => p)).toMatch(/the largest part is the source embeddings \(200000 × 4096\): model\.encoder\.embeddingSize$/);
  });
});
