/** `attn data stats`: reads a dataset and gathers its statistics (statsFormat.ts prints them). */
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { buildTextPipeline } from "./buildPipeline.js";
import { datasetFolder, type DataOptions } from "./dataset.js";
import { displayPath } from "../fsErrors.js";
import { readSource, type DataSource, type ReadOptions, type TextPair } from "./readers/index.js";
import { oovStats, sideStats, type OovStats, type SideStats } from "./stats.js";
import { splitPairs, type SplitOptions } from "./split.js";
import { TextPipeline } from "./textPipeline.js";
import { parseTokenizerKind, trainTokenizer, type Tokenizer, type TokenizerKind } from "./tokenizers/index.js";
import { Vocab, type VocabOptions } from "./vocab.js";

export interface StatsRequest extends ReadOptions {
  /** A TSV file or a dataset folder (train.tsv, valid.tsv, test.tsv). */
  data?: string;
  /** Two line-aligned files instead of `data`. */
  src?: string;
  tgt?: string;
  /** Default: the dataset's meta.json tokenizer, else "word". */
  tokenizer?: TokenizerKind;
  bpeVocabSize?: number;
  vocab?: VocabOptions & { shared?: boolean };
  /**
   * Split a single corpus as training would (valid and test fractions, seed, grouped by
   * source), to see the OOV rate of held-out pairs. Ignored for dataset folders.
   */
  split?: SplitOptions;
  /**
   * Vocabulary for the OOV rate: a run folder or its saved vocab/pipeline.json (its tokenizers
   * and normalisation are used too), a vocabulary JSON ({ "tokens": [...] }), or a TSV / dataset
   * folder to build one from. Default: built from the train split.
   */
  vocabFrom?: string;
}

export interface SplitStats {
  name: string;
  pairs: number;
  src: SideStats;
  tgt: SideStats;
  /** Against the report's vocabulary; absent for the split the vocabulary was built from. */
  oov?: { src: OovStats; tgt: OovStats };
}

export interface StatsReport {
  input: string;
  tokenizer: string;
  normalization: string;
  vocabBasis: string;
  vocabSizes: { src: number; tgt: number; shared: boolean };
  splits: SplitStats[];
  example?: { src: string[]; tgt: string[] };
  warnings: string[];
}

interface NamedPairs {
  name: string;
  pairs: TextPair[];
}

export async function gatherStats(req: StatsRequest, cwd: string): Promise<StatsReport> {
  const warnings: string[] = [];
  const input = await readInput(req, cwd, warnings);
  const tokenizerKind = req.tokenizer ?? input.metaTokenizer ?? "word";
  const basisSplit = input.splits.find((s) => s.name === "train") ?? input.splits[0]!;

  let pipeline: TextPipeline;
  let vocabBasis: string;
  const external = req.vocabFrom === undefined ? undefined : await loadVocabSource(req, tokenizerKind, cwd, warnings);
  if (external) {
    pipeline = external.pipeline;
    vocabBasis = external.basis;
  } else {
    pipeline = buildTextPipeline(basisSplit.pairs, dataOptions(req, tokenizerKind));
    vocabBasis = basisSplit.name === "all" ? "all pairs" : `the ${basisSplit.name} split`;
  }

  const splits = input.splits.map((split): SplitStats => {
    const pairs = split.pairs.map((p) => ({ src: pipeline.normalize(p.src), tgt: pipeline.normalize(p.tgt) }));
    const srcTokens = pairs.map((p) => pipeline.srcTokenizer.encode(p.src));
    const tgtTokens = pairs.map((p) => pipeline.tgtTokenizer.encode(p.tgt));
    const stats: SplitStats = { name: split.name, pairs: pairs.length, src: sideStats(srcTokens), tgt: sideStats(tgtTokens) };
    if (external || split !== basisSplit) stats.oov = { src: oovStats(srcTokens, pipeline.srcVocab), tgt: oovStats(tgtTokens, pipeline.tgtVocab) };
    return stats;
  });

  const first = basisSplit.pairs[0];
  return {
    input: input.description,
    tokenizer: describeTokenizers(pipeline.srcTokenizer, pipeline.tgtTokenizer),
    normalization: describeNormalization(pipeline.normalizeOptions),
    vocabBasis,
    vocabSizes: { src: pipeline.srcVocab.size, tgt: pipeline.tgtVocab.size, shared: pipeline.sharedVocab },
    splits,
    example: first && { src: pipeline.sourceTokens(first.src), tgt: pipeline.targetTokens(first.tgt) },
    warnings,
  };
}

function dataOptions(req: StatsRequest, kind: TokenizerKind): DataOptions {
  return { lowercase: req.lowercase, stripAccents: req.stripAccents, tokenizer: { kind, bpeVocabSize: req.bpeVocabSize }, vocab: req.vocab };
}

async function readInput(req: StatsRequest, cwd: string, warnings: string[]): Promise<{ description: string; splits: NamedPairs[]; metaTokenizer?: TokenizerKind }> {
  if (req.data !== undefined && (req.src !== undefined || req.tgt !== undefined)) {
    throw new UserError("data stats: both --data and --src/--tgt given; expected one input");
  }
  if (req.data === undefined) {
    if (req.src === undefined || req.tgt === undefined) throw new UserError("data stats: no input; expected --data PATH or --src FILE --tgt FILE");
    const r = await readSource({ src: req.src, tgt: req.tgt }, req, cwd);
    warnings.push(...r.warnings);
    return { description: `${req.src} + ${req.tgt}`, splits: corpusSplits(r.pairs, req.split) };
  }
  const path = resolve(cwd, req.data);
  const info = await stat(path).catch(() => null);
  if (!info) throw new UserError(`${req.data}: file not found`);
  if (!info.isDirectory()) {
    const r = await readSource(path, req, cwd);
    warnings.push(...r.warnings);
    return { description: req.data, splits: corpusSplits(r.pairs, req.split) };
  }
  const folder = await datasetFolder(path);
  const splits: NamedPairs[] = [];
  for (const name of ["train", "valid", "test"] as const) {
    const source: DataSource | undefined = folder[name];
    if (source === undefined) continue;
    const r = await readSource(source, req, cwd);
    warnings.push(...r.warnings);
    splits.push({ name, pairs: r.pairs });
  }
  return { description: req.data, splits, metaTokenizer: await metaTokenizer(path) };
}

/** One corpus as a single split "all", or split into train/valid/test on request. */
function corpusSplits(pairs: TextPair[], split: SplitOptions | undefined): NamedPairs[] {
  if (!split) return [{ name: "all", pairs }];
  const s = splitPairs(pairs, split);
  return [
    { name: "train", pairs: s.train },
    { name: "valid", pairs: s.valid },
    { name: "test", pairs: s.test },
  ];
}

/** The tokenizer a generated dataset was made for (meta.json), if any. */
async function metaTokenizer(dir: string): Promise<TokenizerKind | undefined> {
  try {
    const meta = JSON.parse(await readFile(join(dir, "meta.json"), "utf8")) as { tokenizer?: string };
    return meta.tokenizer === undefined ? undefined : parseTokenizerKind(meta.tokenizer, join(dir, "meta.json"));
  } catch (err) {
    if (err instanceof UserError) throw err;
    return undefined;
  }
}

const RUN_PIPELINE = join("vocab", "pipeline.json");

async function loadVocabSource(
  req: StatsRequest,
  kind: TokenizerKind,
  cwd: string,
  warnings: string[],
): Promise<{ pipeline: TextPipeline; basis: string }> {
  let path = resolve(cwd, req.vocabFrom!);
  // A run folder: its saved pipeline (see src/train/runFolder.ts).
  if (await stat(join(path, RUN_PIPELINE)).then((s) => s.isFile(), () => false)) path = join(path, RUN_PIPELINE);
  const label = displayPath(path);
  if (path.endsWith(".json")) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, "utf8"));
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new UserError(`--vocab-from ${label}: ${code === "ENOENT" ? "file not found" : `not valid JSON (${(err as Error).message})`}`);
    }
    if ((json as { format?: string }).format === "attn-text-pipeline") {
      return { pipeline: TextPipeline.fromJSON(json, label), basis: `saved text pipeline ${label}` };
    }
    const vocab = Vocab.fromJSON(json, label);
    // A bare vocabulary has no BPE merges to split text with.
    if (kind === "bpe") warnings.push("--vocab-from a vocabulary JSON has no BPE merges; using the word tokenizer");
    const tokenizer = trainTokenizer({ kind: kind === "bpe" ? "word" : kind }, () => []);
    const normalize = { lowercase: req.lowercase, stripAccents: req.stripAccents };
    return { pipeline: new TextPipeline(normalize, tokenizer, tokenizer, vocab, vocab), basis: `vocabulary ${label}` };
  }
  const other = await readInput({ ...req, data: req.vocabFrom, src: undefined, tgt: undefined, split: undefined }, cwd, warnings);
  const basis = other.splits.find((s) => s.name === "train") ?? other.splits[0]!;
  return { pipeline: buildTextPipeline(basis.pairs, dataOptions(req, kind)), basis: `${label} (${basis.name})` };
}

function describeTokenizers(src: Tokenizer, tgt: Tokenizer): string {
  const one = (t: Tokenizer): string => {
    const json = t.toJSON();
    return json.kind === "bpe" ? `bpe (${json.merges.length} merges)` : json.kind;
  };
  return src === tgt || one(src) === one(tgt) ? one(src) : `${one(src)} → ${one(tgt)}`;
}

function describeNormalization(opts: { lowercase?: boolean; stripAccents?: boolean }): string {
  const parts = ["NFC"];
  if (opts.lowercase) parts.push("lowercase");
  if (opts.stripAccents) parts.push("accents stripped");
  return parts.join(", ");
}
