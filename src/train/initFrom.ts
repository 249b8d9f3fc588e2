/**
 * `attn train --config X --init-from RUN_OR_CHECKPOINT`: a new run whose parameters start from
 * another run's checkpoint instead of random initialisation (fine-tuning, curricula). Only the
 * weights and the text pipeline come along; the optimizer, schedule, step counter and RNG
 * streams start afresh from the new config, as in any new run, so nothing here touches the
 * training loop. The text pipeline must come along because the embedding and output rows index
 * the checkpoint's vocabularies: the new data is read through them (unseen tokens become <unk>),
 * never used to build new ones.
 */
import { join } from "node:path";
import { validateConfig } from "../config/load.js";
import { configChanges } from "../config/resume.js";
import type { Config } from "../config/schema.js";
import type { EncodedSplit, PreparedData } from "../data/dataset.js";
import { TextPipeline } from "../data/textPipeline.js";
import { BOS, EOS, PAD, UNK } from "../data/vocab.js";
import { UserError } from "../errors.js";
import { displayPath } from "../fsErrors.js";
import type { Module } from "../nn/module.js";
import { CHECKPOINT_FILES, loadCheckpoint, readCheckpointMeta, resolveCheckpointDir, restoreModel } from "./checkpoint.js";

export interface InitCheckpoint {
  /** The path as given to --init-from, for messages. */
  arg: string;
  /** The checkpoint folder, absolute; run.json records it as `initFrom`. */
  dir: string;
  /** The checkpoint's tokenizers and vocabularies, which the new run uses instead of building its own. */
  pipeline: TextPipeline;
  /** Text settings of the new config that were replaced by the checkpoint's (dotted paths). */
  replaced: string[];
}

/**
 * Read --init-from's checkpoint (a run folder's best, else last; a checkpoint folder; a file in
 * one) and make `config` describe the text pipeline the run will really use: its tokenizer, vocab
 * and data.lowercase/stripAccents settings become the checkpoint's, so config.json does not claim
 * vocabularies the run never built. Only meta.json is read here, before the run folder is made;
 * the weights are read by `initialiseModel`. Errors are one-line UserErrors starting `--init-from PATH`.
 */
export function startFromCheckpoint(arg: string, config: Config, source: string): { config: Config; init: InitCheckpoint } {
  return underFlag(arg, () => {
    const dir = resolveCheckpointDir(arg);
    const where = displayPath(join(dir, CHECKPOINT_FILES.meta));
    const meta = readCheckpointMeta(dir);
    if (meta.pipeline === null) throw new UserError(`${where}: no tokenizers/vocabularies stored (field "pipeline"); the weights cannot be used without them`);
    const pipeline = TextPipeline.fromJSON(meta.pipeline, where);
    const saved = (meta.config ?? {}) as { tokenizer?: unknown; vocab?: unknown };
    const normalize = pipeline.normalizeOptions;
    const raw = {
      ...config,
      ...(saved.tokenizer !== undefined ? { tokenizer: saved.tokenizer } : {}),
      ...(saved.vocab !== undefined ? { vocab: saved.vocab } : {}),
      // The pipeline normalises at translation time; the readers must normalise the new data alike.
      data: { ...config.data, lowercase: Boolean(normalize.lowercase), stripAccents: Boolean(normalize.stripAccents) },
    };
    const adopted = validateConfig(raw, source);
    return { config: adopted, init: { arg, dir, pipeline, replaced: configChanges(config, adopted).map((c) => c.path) } };
  });
}

/**
 * Overwrite every parameter of the freshly built `model` with the checkpoint's (restoreModel: a
 * model config that does not fit is one UserError listing the tensors).
 */
export function initialiseModel(model: Module, init: InitCheckpoint): void {
  underFlag(init.arg, () => restoreModel(model, loadCheckpoint(init.dir, { optimizer: false })));
}

/** The start summary's line: where the weights came from, and how much of the new data the old vocabularies miss. */
export function initSummaryLine(init: InitCheckpoint, data: PreparedData): string {
  const src = unknownTokens(data.train, "src");
  const tgt = unknownTokens(data.train, "tgt");
  const missing = src.unknown + tgt.unknown > 0 ? ` (its vocabularies miss ${src.unknown} of ${src.total} source and ${tgt.unknown} of ${tgt.total} target training tokens: read as <unk>)` : "";
  return `  initialised from ${init.dir}${missing}\n`;
}

/** The warning when the config's text settings were replaced, or null. */
export function initWarning(init: InitCheckpoint): string | null {
  if (init.replaced.length === 0) return null;
  return `--init-from ${init.arg}: ${init.replaced.join(", ")} taken from the checkpoint, not the config (its embeddings index the checkpoint's vocabularies)`;
}

function unknownTokens(split: EncodedSplit, side: "src" | "tgt"): { unknown: number; total: number } {
  let unknown = 0;
  let total = 0;
  for (const e of split.examples) {
    for (const id of e[side]) {
      if (id === PAD || id === BOS || id === EOS) continue;
      total++;
      if (id === UNK) unknown++;
    }
  }
  return { unknown, total };
}

/** Run `fn`; its UserError becomes one line naming the flag: `--init-from PATH: …`. */
function underFlag<T>(arg: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    // resolveCheckpointDir's messages already start with the path.
    const message = err.message.startsWith(`${arg}: `) ? err.message : `${arg}: ${err.message}`;
    throw new UserError(`--init-from ${message}`, err.exitCode);
  }
}
