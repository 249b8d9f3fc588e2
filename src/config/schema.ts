import { z } from "zod";
import { ALPHA_FLOOR, ALPHA_NORMALIZERS, DEFAULT_ALPHA, describeChoices, LOCAL_P_MODES, NORMALIZER_NAMES, NORMALIZER_REGISTRY, SCOPE_NAMES, SCOPE_REGISTRY, SCORE_NAMES, SCORE_REGISTRY } from "../attention/registry.js";
import { SELF_ATTENTION_KINDS } from "../attention/efficient/base.js";

/**
 * The one source of truth for attn's configuration: options, defaults, validation and the
 * generated docs/config.md (`npm run docs:config`). Every object is strict, so a misspelt key is
 * an error naming its JSON path rather than a silently ignored option.
 */

/** Attention choices come from the attention registry (src/attention/registry.ts), the single source of their names and summaries. */
export const ATTENTION_SCORES = SCORE_NAMES;
export const ATTENTION_SCOPES = SCOPE_NAMES;
export const ATTENTION_NORMALIZERS = NORMALIZER_NAMES;
export const ENCODER_TYPES = ["gru", "lstm", "transformer"] as const;
export const DECODER_TYPES = ["none", "bahdanau", "luong", "transformer"] as const;
export const TOKENIZERS = ["word", "char", "bpe", "space"] as const;

const positiveInt = () => z.number().int().positive();
const nonNegInt = () => z.number().int().nonnegative();
const prob = () => z.number().min(0).lt(1);

const DataSourceSchema = z.union([
  z.string(),
  z.strictObject({ tsv: z.string() }),
  z.strictObject({ src: z.string(), tgt: z.string() }),
]);

export const DataSchema = z
  .strictObject({
    path: DataSourceSchema.optional().describe("One corpus split into train/valid/test by `split`: a TSV file (source<TAB>target; extra columns ignored), `{\"tsv\": file}`, `{\"src\": file, \"tgt\": file}` (line-aligned files), or a folder written by `attn data generate` (train.tsv, valid.tsv, test.tsv). Paths are relative to the config file."),
    train: DataSourceSchema.optional().describe("Training pairs (same forms as `path`). With `valid` and `test` no split is made."),
    valid: DataSourceSchema.optional().describe("Validation pairs; when absent, split off the training corpus."),
    test: DataSourceSchema.optional().describe("Test pairs; when absent, split off the training corpus."),
    split: z
      .strictObject({
        valid: z.number().min(0).lt(1).default(0.05).describe("Fraction held out for validation."),
        test: z.number().min(0).lt(1).default(0.05).describe("Fraction held out for test."),
        groupBySource: z.boolean().default(true).describe("Keep pairs that share a source sentence in one split, so no test source is seen in training."),
      })
      .prefault({})
      .describe("Deterministic split (seeded by the top-level seed) for splits without their own file."),
    lowercase: z.boolean().default(false).describe("Lowercase both sides."),
    stripAccents: z.boolean().default(false).describe("Remove accents and other combining marks on both sides."),
    onBadLine: z.enum(["error", "skip"]).default("error").describe("A TSV line without a tab: stop with file:line, or skip it and report the count."),
    limit: positiveInt().optional().describe("Read at most this many pairs per file (quick experiments)."),
    swap: z.boolean().default(false).describe("Translate in the other direction: the second column (or target file) becomes the source."),
    dedupe: z.boolean().default(false).describe("Remove repeated pairs, and training pairs that also occur in valid or test."),
    maxSrcLen: positiveInt().optional().describe("Drop pairs whose source has more tokens than this."),
    maxTgtLen: positiveInt().optional().describe("Drop pairs whose target has more tokens than this."),
    lengthFilter: z.enum(["train", "all"]).default("train").describe("Which splits the length limits apply to."),
  })
  .describe("Where the parallel text comes from and how it is cleaned.");

const TokenizerSideSchema = z.strictObject({
  type: z.enum(TOKENIZERS).default("word").describe("word (punctuation split off, exact round trip), char, bpe (merges learned on the training side), or space (the PyTorch tutorial's: a space before . ! ?, split on whitespace)."),
  vocabSize: positiveInt().default(8000).describe("BPE only: upper bound on subword symbols (characters + merges)."),
  minFrequency: positiveInt().default(2).describe("BPE only: a pair must occur this often in training to be merged."),
});

export const TokenizerSchema = z
  .strictObject({
    source: TokenizerSideSchema.prefault({}).describe("Tokenizer of the source side."),
    target: TokenizerSideSchema.prefault({}).describe("Tokenizer of the target side."),
  })
  .describe("How text becomes tokens.");

export const VocabSchema = z
  .strictObject({
    minFreq: positiveInt().default(1).describe("Tokens seen fewer times in training are mapped to <unk>."),
    maxSize: positiveInt().optional().describe("At most this many entries per vocabulary, specials included (default: no limit)."),
    shared: z.boolean().default(false).describe("One vocabulary for both sides (source and target tokenizers must then be of the same type)."),
  })
  .describe("Vocabularies built from the training split: <pad>=0, <s>=1, </s>=2, <unk>=3, then by frequency.");

export const EncoderSchema = z
  .strictObject({
    type: z.enum(ENCODER_TYPES).default("gru").describe("Recurrent cell (gru, lstm) or a Transformer encoder."),
    embeddingSize: positiveInt().default(64).describe("Source embedding size."),
    hiddenSize: positiveInt().default(128).describe("Hidden size per direction (recurrent) or d_model (Transformer; embeddings then have d_model features and embeddingSize is not used)."),
    layers: positiveInt().default(1).describe("Stacked layers."),
    bidirectional: z.boolean().default(true).describe("Recurrent only: run a backward RNN too and concatenate both directions."),
    dropout: prob().default(0).describe("Dropout on embeddings and between layers."),
    selfAttentionLayers: nonNegInt().default(0).describe("Hybrid (recurrent encoders only): Transformer encoder layers (self-attention + feed-forward, settings from model.transformer) stacked on the RNN's outputs."),
  })
  .describe("The encoder: source embeddings followed by a recurrent or Transformer stack.");

export const DecoderSchema = z
  .strictObject({
    type: z.enum(DECODER_TYPES).default("bahdanau").describe("none = fixed thought-vector baseline (Sutskever et al. 2014 / Cho et al. 2014); bahdanau (2014); luong (2015); transformer."),
    cell: z.enum(["gru", "lstm"]).default("gru").describe("Recurrent cell of the decoder."),
    embeddingSize: positiveInt().default(64).describe("Target embedding size."),
    hiddenSize: positiveInt().default(128).describe("Decoder hidden size."),
    layers: positiveInt().default(1).describe("Stacked decoder layers."),
    dropout: prob().default(0).describe("Dropout on embeddings, between layers and before the output layer."),
    bridge: z.enum(["none", "linear-tanh"]).default("linear-tanh").describe("How the encoder's final state initialises the decoder: zeros, or tanh(Linear(final states))."),
    inputFeeding: z.boolean().default(true).describe("Luong only: feed the previous attentional state h̃_{t-1} into the next step's input (Luong et al. 2015 §3.3)."),
    tieEmbeddings: z.boolean().default(false).describe("Share the target embedding matrix with the output projection (sizes must agree)."),
    copy: z.boolean().default(false).describe("bahdanau, luong: copy attention (pointer-generator, See et al. 2017): P(w) = p_gen·P_vocab(w) + (1 − p_gen)·Σ_{j: src_j = w} a_t(j) with a learned p_gen = σ(w·[c_t; s_t; x_t] + b); source words outside the target vocabulary can be copied (extended ids per sentence, fed back as <unk>). Needs the global scope, the softmax normaliser without topK, and no label smoothing (docs/attention.md)."),
  })
  .describe("The decoder style and its sizes.");

/** How scores become weights: the same four keys in model.attention and model.transformer (docs/attention.md). */
const normalizerOptions = (which: string) => ({
  normalizer: z.enum(ATTENTION_NORMALIZERS).default("softmax").describe(`How ${which} turns scores into weights — ${describeChoices(NORMALIZER_REGISTRY)}.`),
  alpha: z.number().gt(1).optional().describe(`${ALPHA_NORMALIZERS.join(", ")} only: α > 1 (default ${DEFAULT_ALPHA}); near 1 it approaches softmax, 2 is sparsemax. With learnAlpha, the starting α of every head.`),
  learnAlpha: z.boolean().default(false).describe(`${ALPHA_NORMALIZERS.join(", ")} only: learn α per head (Correia et al. 2019) as α = ${ALPHA_FLOOR} + softplus(a), a trained (checkpoint tensor \`…normalizer.pre_alpha\`); alpha must then be above ${ALPHA_FLOOR}.`),
  topK: positiveInt().optional().describe("Keep only the k largest scores of each query among the allowed positions (ties: lowest position) and normalise over them; 1 = hard (argmax) attention. Default: all."),
});

export const AttentionSchema = z
  .strictObject({
    score: z.enum(ATTENTION_SCORES).default("additive").describe(`How a query is compared with each key — ${describeChoices(SCORE_REGISTRY)}.`),
    scope: z.enum(ATTENTION_SCOPES).default("global").describe(`Which positions a query may attend to — ${describeChoices(SCOPE_REGISTRY)}.`),
    window: nonNegInt().default(5).describe("D, the half-width of the local window."),
    localP: z
      .enum(LOCAL_P_MODES)
      .default("renormalised")
      .describe("local-p only: where the Gaussian exp(−(s − p_t)²/2σ²) goes — renormalised: added (as its log) to the scores before the normaliser, so each row is a distribution; paper: multiplied with the normalised weights, exactly Luong et al. 2015 eq. 10 (rows sum to less than 1)."),
    size: positiveInt().default(128).describe("Hidden size of the additive/concat scorers."),
    rank: positiveInt().default(16).describe("Rank r of the low-rank bilinear score."),
    coverage: z.boolean().default(false).describe(`Feed the running sum of past attention c_t = Σ_{t'<t} a_{t'} into the score, e_j = vᵀtanh(W₁q + W₂k_j + w_c c_t(j)) (Tu et al. 2016; See et al. 2017 eq. 11); scores ${SCORE_NAMES.filter((n) => SCORE_REGISTRY[n].coverage).join(", ")} only.`),
    ...normalizerOptions("the recurrent decoder's attention (also the multihead score)"),
  })
  .describe("The attention mechanism of recurrent decoders (ignored by decoder type none).");

/** model.transformer.positions: where a Transformer's position information comes from (docs/attention.md#positions). */
export const TRANSFORMER_POSITIONS = ["sinusoidal", "learned", "relative", "rotary", "alibi", "t5"] as const;

export const AdaptiveSpanSchema = z
  .strictObject({
    maxSpan: positiveInt().default(64).describe("Giving model.transformer.adaptiveSpan (even {}) turns on the adaptive attention span of Sukhbaatar et al. 2019 in every self-attention (Transformer encoder and decoder, hybrid layers): each head learns z ∈ [0, 1], its span z·maxSpan. maxSpan is L, the largest span, in positions (distance from the query)."),
    ramp: positiveInt().default(32).describe("R, the width of the soft mask's ramp: m(x) = clamp((R + z·L − x)/R, 0, 1) over the distance x (the paper's R = 32)."),
    lossWeight: z.number().nonnegative().default(2e-6).describe("λ of the span loss λ·L·mean over heads of z, added to the training loss of each self-attention layer (the paper's λ = 2·10⁻⁶)."),
    init: z.number().min(0).max(1).default(0).describe("z of every head at the start (the span starts at init·L; 0 as the paper's code)."),
  })
  .describe("Adaptive span settings.");

export const TransformerSchema = z
  .strictObject({
    heads: positiveInt().default(4).describe("Attention heads (d_model must be divisible by it). Also used by the hybrid encoder layers and the multihead score."),
    ffSize: positiveInt().default(512).describe("Inner size of the position-wise feed-forward network."),
    normFirst: z.boolean().default(false).describe("Pre-norm (LayerNorm before each sublayer, Xiong et al. 2020) instead of the original post-norm."),
    activation: z.enum(["relu", "gelu"]).default("relu").describe("Feed-forward activation."),
    positions: z
      .enum(TRANSFORMER_POSITIONS)
      .default("sinusoidal")
      .describe(
        "Position information: sinusoidal (Vaswani et al. 2017 §3.5) or learned absolute embeddings added to the embeddings; or inside every self-attention: relative (Shaw et al. 2018), rotary (queries and keys rotated per head, Su et al. 2021), alibi (−m_h·|i−j| added to the scores, Press et al. 2022), t5 (a learned bias per head and logarithmic distance bucket, Raffel et al. 2020). Cross-attention gets none. docs/attention.md#positions.",
      ),
    maxRelativeDistance: positiveInt().default(8).describe("relative: clipping distance k of relative positions."),
    t5Buckets: z.number().int().min(4).default(32).describe("t5: distance buckets per head (T5's relative_attention_num_buckets): the encoder gives half to each direction; the first half of a direction's buckets are exact distances, the rest logarithmic up to t5MaxDistance."),
    t5MaxDistance: positiveInt().default(128).describe("t5: distances from this on share the last bucket (T5's relative_attention_max_distance); must exceed t5Buckets / 2."),
    maxPositions: positiveInt().default(256).describe("learned: rows of the position tables, so sources and targets of at most maxPositions − 1 tokens (training and validation pairs over it are dropped and counted) and decoding.maxLen ≤ maxPositions. The other positions have no length limit."),
    adaptiveSpan: AdaptiveSpanSchema.optional().describe("Adaptive attention span (Sukhbaatar et al. 2019) in every self-attention (Transformer encoder and decoder, hybrid encoder layers): each head learns a span z·maxSpan, z ∈ [0, 1]. Absent: every head attends over all positions."),
    selfAttention: z
      .enum(SELF_ATTENTION_KINDS)
      .default("full")
      .describe(
        "Self-attention of the Transformer encoder and decoder layers (docs/attention.md#efficient-attention): full (exact softmax, O(n²)); window (Longformer sliding window of one-sided width `window` plus `globalTokens` global positions, causal in the decoder, O(n·w)); linformer (keys and values projected along the sequence to `projectedLength` rows by learned E, F of maxPositions columns; encoder only, the decoder keeps exact self-attention); performer (FAVOR+ with `features` orthogonal positive random features, causal by prefix sums in the decoder, O(n·m)).",
      ),
    window: positiveInt().default(16).describe("window: one-sided width w (query i attends keys i−w … i+w; i−w … i in the decoder)."),
    globalTokens: nonNegInt().default(0).describe("window: the first g positions attend everywhere and are attended by every position."),
    projectedLength: positiveInt().default(32).describe("linformer: k, the projected length of keys and values."),
    shareKV: z.boolean().default(false).describe("linformer: one projection for keys and values (F = E)."),
    features: positiveInt().default(64).describe("performer: m, random features per layer (shared by its heads)."),
    redrawEvery: nonNegInt().default(0).describe("performer: redraw the random features every this many training passes of a layer (0 = never); drawn from the config seed's stream, stored in the checkpoint."),
    dropout: prob().default(0.1).describe("Dropout in attention weights, after sublayers and on embeddings."),
    ...normalizerOptions("every Transformer attention (encoder self, decoder self, cross; the hybrid encoder layers too)"),
  })
  .describe("Settings of Transformer layers (model.encoder.type / model.decoder.type \"transformer\", the hybrid encoder layers, and the multihead score). d_model is model.encoder.hiddenSize.");

export const ModelSchema = z
  .strictObject({
    encoder: EncoderSchema.prefault({}),
    decoder: DecoderSchema.prefault({}),
    attention: AttentionSchema.prefault({}),
    transformer: TransformerSchema.prefault({}),
  })
  .describe("Architecture.");

export const ScheduleSchema = z
  .strictObject({
    type: z.enum(["constant", "step", "plateau", "noam"]).default("constant").describe("Learning-rate schedule."),
    stepSize: positiveInt().default(1000).describe("step: multiply the rate by `gamma` every this many steps."),
    gamma: z.number().positive().default(0.5).describe("step: decay factor."),
    factor: z.number().positive().default(0.5).describe("plateau: factor applied when the validation metric stops improving."),
    patience: nonNegInt().default(2).describe("plateau: validations without improvement before decaying."),
    minLr: z.number().nonnegative().default(0).describe("plateau: lower bound of the rate."),
    warmup: positiveInt().default(4000).describe("noam: warm-up steps; lr = lr · min(step/warmup, √(warmup/step))."),
  })
  .describe("Learning-rate schedule.");

export const TrainingSchema = z
  .strictObject({
    batchSize: positiveInt().default(64).describe("Sentences per batch (ignored when maxTokens is set)."),
    maxTokens: positiveInt().optional().describe("Batch by at most this many (padded) target tokens instead of a sentence count."),
    optimizer: z.enum(["adam", "adamw", "sgd"]).default("adam").describe("Optimizer."),
    lr: z.number().positive().default(0.001).describe("Learning rate (peak rate for noam)."),
    betas: z.tuple([z.number(), z.number()]).default([0.9, 0.999]).describe("Adam betas."),
    weightDecay: z.number().nonnegative().default(0).describe("Weight decay (decoupled for adamw)."),
    momentum: z.number().min(0).lt(1).default(0.9).describe("SGD momentum."),
    clipNorm: z.number().positive().default(1).describe("Clip gradients to this global L2 norm."),
    labelSmoothing: z.number().min(0).lt(1).optional().describe("Label smoothing ε of the cross-entropy (default: 0.1 for the Transformer, as in Vaswani et al. 2017 §5.4; 0 for recurrent models)."),
    schedule: ScheduleSchema.prefault({}),
    scheduledSampling: z.number().min(0).max(1).default(0).describe("Probability of feeding the model's own previous prediction instead of the gold token (Bengio et al. 2015); 0 = pure teacher forcing."),
    coverageLoss: z.number().nonnegative().default(0).describe("λ of the coverage loss (See et al. 2017 eq. 12): λ·Σ_t Σ_j min(a_t(j), c_t(j)) added to the training loss, per target token like the cross-entropy; needs model.attention.coverage. Validation loss stays the cross-entropy alone."),
    maxSteps: positiveInt().optional().describe("Stop after this many optimizer steps."),
    maxEpochs: positiveInt().default(20).describe("Stop after this many passes over the training data."),
    maxMinutes: z.number().positive().optional().describe("Stop after this much wall-clock time."),
    validEvery: positiveInt().default(500).describe("Validate (and save checkpoints last and best) every this many steps, and once more when training stops."),
    validBeam: positiveInt().default(1).describe("Beam size used for exact match and BLEU during validation."),
    validLimit: positiveInt().default(1000).describe("Decode at most this many validation sentences for exact match and BLEU."),
    earlyStopping: z
      .strictObject({
        metric: z.enum(["loss", "perplexity", "exactMatch", "bleu", "chrF"]).default("loss").describe("Metric that picks the best checkpoint and drives early stopping."),
        patience: nonNegInt().default(0).describe("Stop after this many validations without improvement; 0 = never stop early."),
      })
      .prefault({}),
    logEvery: positiveInt().default(50).describe("Append a training line to metrics.jsonl every this many steps (and, when stderr is not a terminal, print a progress line; docs/training.md)."),
  })
  .describe("The training loop.");

export const DecodingSchema = z
  .strictObject({
    beam: positiveInt().default(1).describe("Beam size; 1 is greedy."),
    maxLen: positiveInt().default(100).describe("Maximum output length in tokens."),
    lengthPenalty: z.number().nonnegative().default(0).describe("α of the GNMT length penalty ((5+|y|)/6)^α; 0 = none."),
    coveragePenalty: z.number().nonnegative().default(0).describe("β of the GNMT coverage penalty (Wu et al. 2016 eq. 14): β·Σ_j log(min(Σ_t a_t(j), 1)) over the source words j (not </s>) added to a finished hypothesis's score when beam search ranks them; 0 = none. Needs a decoder with attention."),
  })
  .describe("Defaults for translate and validation decoding.");

export const OutputSchema = z
  .strictObject({
    runsDir: z.string().default("runs").describe("Folder under which runs/<name>/ is created (relative to the working directory)."),
    attentionSamples: nonNegInt().default(4).describe("Validation sentences whose attention is dumped to the run folder at each validation."),
  })
  .describe("Where results go.");

export const ConfigSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, "expected letters, digits, '.', '_' or '-'").optional().describe("Run name: the run folder is <runsDir>/<name>."),
    seed: z.number().int().default(1234).describe("The seed every random choice flows from (init, dropout, shuffling, splits)."),
    data: DataSchema,
    tokenizer: TokenizerSchema.prefault({}),
    vocab: VocabSchema.prefault({}),
    model: ModelSchema.prefault({}),
    training: TrainingSchema.prefault({}),
    decoding: DecodingSchema.prefault({}),
    output: OutputSchema.prefault({}),
  })
  .describe("An attn run configuration.");

/** A validated configuration with every default filled in. */
export type Config = z.infer<typeof ConfigSchema>;
export type ModelConfig = Config["model"];
export type TrainingConfig = Config["training"];

/** The label smoothing in force: the configured ε, else 0.1 for the Transformer and 0 otherwise. */
export function labelSmoothingOf(c: Config): number {
  return c.training.labelSmoothing ?? (c.model.encoder.type === "transformer" ? 0.1 : 0);
}
