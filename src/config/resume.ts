import { UserError } from "../errors.js";
import { showValue, valueAt, type ValueOrigins } from "./origins.js";
import type { Config } from "./schema.js";

/**
 * What `attn train --resume RUN --set path=value` may change. The checkpoint fixes the model,
 * the vocabularies, the optimizer state and the data position; everything that only steers the
 * loop from here on may change, and the trainer applies it. An entry covers the options beneath
 * it. docs/config.md lists both tables.
 */
export const RESUMABLE: Readonly<Record<string, string>> = {
  "training.lr": "the schedule continues at the saved step with the new rate (plateau: the current rate becomes the new one)",
  "training.schedule": "the schedule is rebuilt and continued at the saved step (plateau keeps its counters unless the type changes)",
  "training.clipNorm": "from the next step",
  "training.labelSmoothing": "from the next step",
  "training.scheduledSampling": "from the next step",
  "training.coverageLoss": "from the next step",
  "training.maxSteps": "counted from the start of the run",
  "training.maxEpochs": "counted from the start of the run",
  "training.maxMinutes": "wall time of the whole run, before the resume included",
  "training.validEvery": "validation and checkpoints at every multiple of it",
  "training.validBeam": "from the next validation",
  "training.validLimit": "from the next validation",
  "training.logEvery": "from the next step",
  "training.earlyStopping.patience": "validations without improvement before the resume count too",
  decoding: "validation decoding from the next validation, and translate's defaults",
  "output.attentionSamples": "from the next validation",
};

/** What cannot change on resume, and why. */
export const FIXED_ON_RESUME: Readonly<Record<string, string>> = {
  name: "the run folder is the one given to --resume",
  "output.runsDir": "the run folder is the one given to --resume",
  seed: "the random streams continue from the checkpoint",
  data: "the run's data and its position in the epoch are fixed",
  tokenizer: "the checkpoint's embeddings index the run's vocabularies",
  vocab: "the checkpoint's embeddings index the run's vocabularies",
  model: "the checkpoint's weights have this architecture",
  "training.batchSize": "the position in the epoch counts batches of this size",
  "training.maxTokens": "the position in the epoch counts batches of this size",
  "training.optimizer": "the optimizer state is restored from the checkpoint",
  "training.betas": "the optimizer state is restored from the checkpoint",
  "training.weightDecay": "the optimizer state is restored from the checkpoint",
  "training.momentum": "the optimizer state is restored from the checkpoint",
  "training.earlyStopping.metric": "the best value so far and checkpoints/best are measured in this metric",
};

export interface ConfigChange {
  path: string;
  /** The old value; null when it was not set. */
  from: unknown;
  to: unknown;
}

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Every option whose value differs, as dotted paths of leaves (arrays compare whole). */
export function configChanges(before: unknown, after: unknown, prefix = ""): ConfigChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => configChanges(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: prefix, from: before ?? null, to: after ?? null }];
}

/** The entry of `table` that covers `path` (itself or an ancestor), if any. */
function entryFor(table: Readonly<Record<string, string>>, path: string): string | undefined {
  for (let p = path; p !== ""; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") if (table[p] !== undefined) return table[p];
  return undefined;
}

export function isResumable(path: string): boolean {
  return entryFor(RESUMABLE, path) !== undefined;
}

/**
 * The changes `--set` makes to a run's saved config on resume. A change to an option outside
 * RESUMABLE is a UserError, one line per option: `where: path = value (from --set): cannot change
 * on resume (…)`.
 */
export function checkResumeChanges(saved: Config, next: Config, origins: ValueOrigins, where: string): ConfigChange[] {
  const changes = configChanges(saved, next);
  const refused = changes
    .filter((c) => !isResumable(c.path))
    .map((c) => {
      const why = entryFor(FIXED_ON_RESUME, c.path) ?? "only the settings listed in docs/config.md (Resuming a run) may change";
      const was = valueAt(saved, c.path);
      return `${showValue(next, c.path, origins)}: cannot change on resume (the run has ${was === undefined ? "none" : JSON.stringify(was)}; ${why}); start a new run with --config to change it`;
    });
  if (refused.length > 0) throw new UserError(`${where}: ${refused.join(`\n${where}: `)}`);
  return changes;
}
