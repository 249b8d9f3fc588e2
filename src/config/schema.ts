import { z } from "zod";

/**
 * The one source of truth for attn's configuration: options, defaults, validation and the
 * generated docs/config.md (`npm run docs:config`). Every object is strict, so a misspelt key is
 * an error naming its JSON path rather than a silently ignored option.
 */

export const ATTENTION_SCORES = ["additive", "dot", "general", "bilinear", "concat", "scaled-dot", "multihead"] as const;
export const ATTENTION_SCOPES = ["global", "local-m", "local-p"] as const;
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
  })
  .describe("The decoder style and its sizes.");

export const AttentionSchema = z
  .strictObject({
    score: z.enum(ATTENTION_SCORES).default("additive").describe("How a query is compared with each key: additive vᵀtanh(W₁q+W₂k), dot qᵀk, general qᵀWk, bilinear qᵀUVᵀk (low rank), concat vᵀtanh(W[q;k]), scaled-dot qᵀk/√d, multihead (multi-head scaled dot product with its own projections, heads from model.transformer)."),
    scope: z.enum(ATTENTION_SCOPES).default("global").describe("global: all source positions; local-m: window [t−D, t+D]; local-p: predicted centre with a Gaussian (Luong et al. 2015 §3.2)."),
    window: nonNegInt().default(5).describe("D, the half-width of the local window."),
    size: positiveInt().default(128).describe("Hidden size of the additive/concat scorers."),
    rank: positiveInt().default(16).describe("Rank r of the low-rank bilinear score."),
  })
  .describe("The attention mechanism of recurrent decoders (ignored by decoder type none).");

export const TransformerSchema = z
  .strictObject({
    heads: positiveInt().default(4).describe("Attention heads (d_model must be divisible by it). Also used by the hybrid encoder layers and the multihead score."),
    ffSize: positiveInt().default(512).describe("Inner size of the position-wise feed-forward network."),
    normFirst: z.boolean().default(false).describe("Pre-norm (LayerNorm before each sublayer, Xiong et al. 2020) instead of the original post-norm."),
    activation: z.enum(["relu", "gelu"]).default("relu").describe("Feed-forward activation."),
    positions: z.enum(["sinusoidal", "learned", "relative"]).default("sinusoidal").describe("Position information: sinusoidal (Vaswani et al. 2017 §3.5), learned absolute embeddings, or relative position representations in every self-attention (Shaw et al. 2018)."),
    maxRelativeDistance: positiveInt().default(8).describe("relative: clipping distance k of relative positions."),
    maxPositions: positiveInt().default(256).describe("Longest sequence the position tables cover (learned, sinusoidal)."),
    dropout: prob().default(0.1).describe("Dropout in attention weights, after sublayers and on embeddings."),
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
    maxSteps: positiveInt().optional().describe("Stop after this many optimizer steps."),
    maxEpochs: positiveInt().default(20).describe("Stop after this many passes over the training data."),
    maxMinutes: z.number().positive().optional().describe("Stop after this much wall-clock time."),
    validEvery: positiveInt().default(500).describe("Validate (and save checkpoints last and best) every this many steps, and once more when training stops."),
    validBeam: positiveInt().default(1).describe("Beam size used for exact match and BLEU during validation."),
    validLimit: positiveInt().default(1000).describe("Decode at most this many validation sentences for exact match and BLEU."),
    earlyStopping: z
      .strictObject({
        metric: z.enum(["loss", "perplexity", "exactMatch", "bleu"]).default("loss").describe("Metric that picks the best checkpoint and drives early stopping."),
        patience: nonNegInt().default(0).describe("Stop after this many validations without improvement; 0 = never stop early."),
      })
      .prefault({}),
    logEvery: positiveInt().default(50).describe("Append a training line to metrics.jsonl every this many steps."),
  })
  .describe("The training loop.");

export const DecodingSchema = z
  .strictObject({
    beam: positiveInt().default(1).describe("Beam size; 1 is greedy."),
    maxLen: positiveInt().default(100).describe("Maximum output length in tokens."),
    lengthPenalty: z.number().nonnegative().default(0).describe("α of the GNMT length penalty ((5+|y|)/6)^α; 0 = none."),
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
