/**
 * From a config's `data` section to encoded train/valid/test examples: read, normalise, skip bad
 * pairs, de-duplicate, split, tokenise, build vocabularies, filter by length, encode.
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";
import type { Example } from "./batching.js";
import { dedupePairs, filterByLength, removePairsIn } from "./filters.js";
import { displayPath } from "../fsErrors.js";
import { readSource, describeSource, type DataSource, type ReadOptions, type TextPair } from "./readers/index.js";
import { plural } from "./readers/pairCollector.js";
import { splitPairs, type SplitOptions, type Splits } from "./split.js";
import { buildTextPipeline } from "./buildPipeline.js";
import { withCopyIds } from "./copyVocab.js";
import type { TextPipeline } from "./textPipeline.js";
import type { TokenizerOptions } from "./tokenizers/index.js";
import type { VocabOptions } from "./vocab.js";

export { buildTextPipeline, buildTokenizers, buildVocabs } from "./buildPipeline.js";

/**
 * A config's `data` section. Give either `path` (one corpus, or a folder written by
 * `attn data generate`) or `train` (with optional `valid` and `test`). Relative paths are
 * resolved against the config file's folder.
 */
export interface DataOptions extends ReadOptions {
  /**
   * One corpus: a TSV file, `{ "tsv": file }` or `{ "src": file, "tgt": file }`, split into
   * train/valid/test by `split`; or a folder with train.tsv (and valid.tsv, test.tsv; a missing
   * one is split off train.tsv).
   */
  path?: DataSource;
  /** Training pairs; valid and test pairs are split off them unless given too. */
  train?: DataSource;
  /** Validation pairs; when absent, split off the training pairs (fraction `split.valid`). */
  valid?: DataSource;
  /** Test pairs; when absent, split off the training pairs (fraction `split.test`). */
  test?: DataSource;
  /** How to split valid and/or test off the training pairs when they have no files of their own. */
  split?: SplitOptions;
  /**
   * Remove repeated (source, target) pairs (before splitting), and training pairs that also
   * occur in a given valid or test file. Default false.
   */
  dedupe?: boolean;
  /** Drop pairs whose source has more tokens than this (</s> not counted). Default: no limit. */
  maxSrcLen?: number;
  /** Drop pairs whose target has more tokens than this (<s>, </s> not counted). Default: no limit. */
  maxTgtLen?: number;
  /** Which splits the length limits apply to: "train" (default; evaluation sees every pair) or "all". */
  lengthFilter?: "train" | "all";
  /**
   * Most tokens (</s>, <s> not counted) a source or target can have for the model to read it at
   * all (a Transformer with learned positions); longer pairs are dropped from every split and
   * counted apart (`EncodedSplit.tooLongForModel`). Default: no limit.
   */
  modelMaxLen?: number;
  /** Give examples the copy ids of copy attention (data/copyVocab.ts; targets in its extended vocabulary). Default false. */
  copy?: boolean;
  /** Tokenizer of both sides, unless `targetTokenizer` is given. Default { kind: "word" }. */
  tokenizer?: TokenizerOptions;
  /** A different tokenizer for the target side. */
  targetTokenizer?: TokenizerOptions;
  /**
   * Vocabulary limits, and `shared`: one vocabulary for both sides (built from both; with BPE
   * also one set of merges learned from both). Default separate.
   */
  vocab?: VocabOptions & { shared?: boolean };
}

export interface ParallelData extends Splits<TextPair> {
  /** Skipped lines, removed duplicates, missing files: one line each, for the user. */
  warnings: string[];
}

const SPLIT_NAMES = ["train", "valid", "test"] as const;
type SplitName = (typeof SPLIT_NAMES)[number];

/**
 * Reads, normalises and de-duplicates the pairs named by `opts`; a split without its own file
 * (valid, test, or both) is split off the training pairs by `opts.split`.
 */
export async function loadParallelData(opts: DataOptions, baseDir: string): Promise<ParallelData> {
  const sources = await resolveSources(opts, baseDir);
  const warnings: string[] = [];
  const read = async (name: SplitName): Promise<TextPair[] | undefined> => {
    const source = sources[name];
    if (source === undefined) return undefined;
    const r = await readSource(source, opts, baseDir);
    warnings.push(...r.warnings);
    return opts.dedupe ? dedupeWithWarning(r.pairs, describeSource(source), warnings) : r.pairs;
  };
  let train = (await read("train"))!;
  const valid = await read("valid");
  const test = await read("test");
  if (opts.dedupe && (valid || test)) {
    const { kept, removed } = removePairsIn(train, [valid ?? [], test ?? []]);
    if (removed > 0) warnings.push(`train: removed ${plural(removed, "pair")} that also occur in valid or test`);
    train = kept;
  }
  let splits: Splits<TextPair> = { train, valid: valid ?? [], test: test ?? [] };
  if (!valid || !test) {
    const held = splitPairs(train, { ...opts.split, valid: valid ? 0 : opts.split?.valid, test: test ? 0 : opts.split?.test });
    splits = { train: held.train, valid: valid ?? held.valid, test: test ?? held.test };
  }
  if (splits.train.length === 0) throw new UserError(`data: no training pairs in ${describeSource(sources.train)}`);
  return { ...splits, warnings };
}

interface ResolvedSources {
  train: DataSource;
  valid?: DataSource;
  test?: DataSource;
}

async function resolveSources(opts: DataOptions, baseDir: string): Promise<ResolvedSources> {
  if (opts.path !== undefined && opts.train !== undefined) {
    throw new UserError(`data: both data.path and data.train are set; expected one of them`);
  }
  if (opts.path !== undefined) {
    if (typeof opts.path === "string" && (await isDirectory(resolve(baseDir, opts.path)))) {
      return datasetFolder(resolve(baseDir, opts.path));
    }
    return { train: opts.path };
  }
  if (opts.train === undefined) throw new UserError(`data: no input; expected data.path (a corpus or dataset folder) or data.train`);
  return { train: opts.train, valid: opts.valid, test: opts.test };
}

/** A folder as written by `attn data generate`: train.tsv, and valid.tsv and test.tsv when present. */
export async function datasetFolder(dir: string): Promise<ResolvedSources> {
  const file = (name: SplitName): string => join(dir, `${name}.tsv`);
  if (!(await isFile(file("train")))) throw new UserError(`${displayPath(dir)}: a folder without train.tsv; expected a dataset folder or a TSV file`);
  return {
    train: file("train"),
    valid: (await isFile(file("valid"))) ? file("valid") : undefined,
    test: (await isFile(file("test"))) ? file("test") : undefined,
  };
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

function dedupeWithWarning(pairs: TextPair[], label: string, warnings: string[]): TextPair[] {
  const { kept, removed } = dedupePairs(pairs);
  if (removed > 0) warnings.push(`${label}: removed ${plural(removed, "duplicate pair")}`);
  return kept;
}

export interface EncodedSplit {
  /** The pairs kept; examples[i].index === i indexes this array (e.g. for BLEU references). */
  pairs: TextPair[];
  examples: Example[];
  /** Pairs dropped by the length limits (maxSrcLen, maxTgtLen). */
  removed: number;
  /** Pairs dropped because the model cannot read them (DataOptions.modelMaxLen). */
  tooLongForModel: number;
}

/**
 * Tokenises and encodes already-normalised pairs, dropping those over the length limits and
 * then those over the model's limit (so a pair both limits reject counts as `removed`).
 */
export function encodeSplit(pairs: readonly TextPair[], pipeline: TextPipeline, maxSrcLen?: number, maxTgtLen?: number, modelMaxLen?: number): EncodedSplit {
  const tokenized = pairs.map((pair) => ({
    pair,
    src: pipeline.srcTokenizer.encode(pair.src),
    tgt: pipeline.tgtTokenizer.encode(pair.tgt),
  }));
  const lengths = (t: (typeof tokenized)[number]) => [t.src.length, t.tgt.length] as const;
  const limited = filterByLength(tokenized, lengths, maxSrcLen, maxTgtLen);
  const { kept, removed: tooLongForModel } = filterByLength(limited.kept, lengths, modelMaxLen, modelMaxLen);
  return {
    pairs: kept.map((t) => t.pair),
    examples: kept.map((t, index) => ({ src: pipeline.sourceIds(t.src), tgt: pipeline.targetIds(t.tgt), index })),
    removed: limited.removed,
    tooLongForModel,
  };
}

export interface PreparedData {
  pipeline: TextPipeline;
  train: EncodedSplit;
  valid: EncodedSplit;
  test: EncodedSplit;
  warnings: string[];
}

/**
 * Everything the trainer needs. Pass `pipeline` (restored from a run folder) to resume or
 * evaluate with the saved tokenizers and vocabularies instead of learning new ones.
 */
export async function prepareData(opts: DataOptions, baseDir: string, pipeline?: TextPipeline): Promise<PreparedData> {
  const data = await loadParallelData(opts, baseDir);
  const pipe = pipeline ?? buildTextPipeline(data.train, opts);
  const warnings = [...data.warnings];
  const encoded = {} as Record<SplitName, EncodedSplit>;
  for (const name of SPLIT_NAMES) {
    const limited = name === "train" || opts.lengthFilter === "all";
    encoded[name] = encodeSplit(data[name], pipe, limited ? opts.maxSrcLen : undefined, limited ? opts.maxTgtLen : undefined, opts.modelMaxLen);
    if (opts.copy) encoded[name] = withCopyIds(encoded[name], pipe);
    if (encoded[name].removed > 0) {
      warnings.push(`${name}: dropped ${plural(encoded[name].removed, "pair")} longer than maxSrcLen ${opts.maxSrcLen ?? "∞"} / maxTgtLen ${opts.maxTgtLen ?? "∞"}`);
    }
  }
  // The model limit's counts are reported by the caller, which knows where the limit comes from.
  if (encoded.train.examples.length === 0) {
    const limits = [encoded.train.removed > 0 ? "maxSrcLen/maxTgtLen" : "", encoded.train.tooLongForModel > 0 ? `the ${opts.modelMaxLen} tokens a side the model can read` : ""];
    throw new UserError(`data: every training pair is longer than ${limits.filter((l) => l !== "").join(" or ")}`);
  }
  return { pipeline: pipe, ...encoded, warnings };
}
