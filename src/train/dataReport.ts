import { describeLimit, positionLimit } from "../config/positionLimit.js";
import type { Config } from "../config/schema.js";
import type { EncodedSplit, PreparedData } from "../data/dataset.js";
import { UserError } from "../errors.js";

type SplitName = "train" | "valid" | "test";

/** Pairs per split and how many each length limit dropped (recorded in run.json as "data"). */
export function dataSummary(data: PreparedData): Record<SplitName, { pairs: number; droppedByLengthFilter: number; droppedTooLongForModel: number }> {
  const one = (s: EncodedSplit) => ({ pairs: s.examples.length, droppedByLengthFilter: s.removed, droppedTooLongForModel: s.tooLongForModel });
  return { train: one(data.train), valid: one(data.valid), test: one(data.test) };
}

/** The start summary's line about pairs too long for learned positions, or "" when none were dropped. */
export function tooLongLine(config: Config, data: PreparedData): string {
  const limit = positionLimit(config.model);
  const counts = [data.train, data.valid, data.test].map((s) => s.tooLongForModel);
  if (!limit || counts.every((n) => n === 0)) return "";
  return `  dropped as too long (${describeLimit(limit)}: at most ${limit.sentenceTokens} tokens a side): ${counts[0]} train / ${counts[1]} valid / ${counts[2]} test pairs\n`;
}

/**
 * Without validation pairs a run trains without validation, but settings that act on
 * validation results cannot work: they are refused rather than left with a metric that never moves.
 */
export function requireNoValidationNeeds(config: Config): void {
  const t = config.training;
  const why = "the valid split has no pairs (after reading, splitting and length filtering)";
  if (t.earlyStopping.patience > 0) throw new UserError(`training.earlyStopping.patience: ${t.earlyStopping.patience} stops on validation, but ${why}; expected 0, or validation data (data.valid or data.split.valid)`);
  if (t.schedule.type === "plateau") throw new UserError(`training.schedule.type: "plateau" follows the validation metric, but ${why}; expected another schedule, or validation data (data.valid or data.split.valid)`);
}
