import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ConfigChange } from "../config/resume.js";
import type { Config } from "../config/schema.js";
import { TextPipeline } from "../data/textPipeline.js";
import { UserError } from "../errors.js";
import type { LrScheduler } from "../optim/schedules.js";
import { CHECKPOINT_FILES } from "./checkpoint.js";
import type { MetricsLog } from "./metricsLog.js";
import { readJson, writeJson, type RunPaths } from "./runFolder.js";

/**
 * The tokenizers and vocabularies a resumed run continues with: the run's vocab/pipeline.json,
 * else the copy in checkpoints/last/meta.json (restored to vocab/ with a warning). Never rebuilt
 * from the data: rows of the saved embeddings index exactly these vocabularies, and the data may
 * have changed since.
 */
export function resumePipeline(paths: RunPaths, warn: (line: string) => void): TextPipeline {
  if (existsSync(paths.pipeline)) return TextPipeline.fromJSON(readJson(paths.pipeline, "text pipeline"), paths.pipeline);
  const metaPath = join(paths.last, CHECKPOINT_FILES.meta);
  const stored = existsSync(metaPath) ? (readJson(metaPath, "checkpoint meta.json") as { pipeline?: unknown }).pipeline : undefined;
  if (stored === undefined || stored === null) {
    throw new UserError(`${paths.pipeline}: missing, and ${metaPath} stores no vocabularies either; a resumed run needs the vocabularies it was trained with (it never rebuilds them from the data)`);
  }
  const pipeline = TextPipeline.fromJSON(stored, metaPath);
  writeJson(paths.pipeline, stored);
  warn(`warning: ${paths.pipeline} was missing; restored it from ${metaPath}`);
  return pipeline;
}

/** Whether the changes touch the learning-rate schedule (rate or schedule settings). */
export function changesSchedule(changes: readonly ConfigChange[]): boolean {
  return changes.some((c) => c.path === "training.lr" || c.path.startsWith("training.schedule."));
}

/**
 * The schedule of a resumed run whose rate or schedule settings changed: `fresh` (built from the
 * new config) continued where `saved` (restored from the checkpoint) stood. A step-indexed
 * schedule resumes at the saved update count, so its rate is the new schedule's rate for that
 * step; plateau keeps its counters and current rate, which becomes the new training.lr when that
 * changed. Switching to plateau starts it afresh at training.lr.
 */
export function continueSchedule(fresh: LrScheduler, saved: LrScheduler, step: number, lrChanged: boolean): LrScheduler {
  const state = saved.stateDict();
  if (fresh.kind !== "plateau") {
    // A plateau schedule counts validations, not updates: the update count is the step.
    fresh.loadStateDict({ spec: fresh.spec, lastStep: saved.kind === "plateau" ? step : state.lastStep });
  } else if (saved.kind === "plateau" && state.plateau) {
    fresh.loadStateDict({ ...state, spec: fresh.spec, plateau: { ...state.plateau, lr: lrChanged ? fresh.lr : state.plateau.lr } });
  }
  return fresh;
}

/**
 * Record what a resume changed: a `{"type":"resume","step":N,"changed":{path:{from,to}}}` line in
 * metrics.jsonl, and the new settings in the run's config.json (the checkpoints carry them from
 * their next save). A resume without changes writes nothing, so resuming a finished run leaves
 * the folder as it was.
 */
export function recordResume(metrics: MetricsLog, paths: RunPaths, config: Config, step: number, changes: readonly ConfigChange[]): void {
  if (changes.length === 0) return;
  metrics.write({ type: "resume", step, changed: Object.fromEntries(changes.map((c) => [c.path, { from: c.from, to: c.to }])) });
  writeJson(paths.config, config);
}

/** "training.lr 0.01 → 0.002, training.maxSteps 12 → 24" for the start summary. */
export function describeChanges(changes: readonly ConfigChange[]): string {
  return changes.map((c) => `${c.path} ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join(", ");
}
