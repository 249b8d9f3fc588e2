/**
 * meta.json of a checkpoint folder: its zod schema (docs/checkpoint-format.md, "meta.json") and
 * the parse that turns a bad file into one line naming the file and the field.
 */
import { z } from "zod";
import { UserError } from "../errors.js";
import { decodeNumber } from "../json.js";
import type { OptimizerMeta } from "../optim/optimizer.js";
import type { SchedulerState } from "../optim/schedules.js";
import type { RngState } from "../tensor/rng.js";

export const CHECKPOINT_FORMAT = "attn-checkpoint";
export const CHECKPOINT_VERSION = 1;

/** `Rng.getState()`. */
export interface RngSnapshot {
  words: RngState;
  spareNormal: number | null;
}

/** meta.json as loaded (non-finite numbers of `bestMetric` and `metrics` decoded back to numbers). */
export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  attnVersion: string;
  /** ISO 8601 time of the save. */
  created: string;
  step: number;
  epoch: number;
  batchInEpoch: number;
  bestMetric: number | null;
  metrics: Record<string, number>;
  /** Number of tensors in model.safetensors and of scalar parameters. */
  model: { tensors: number; parameters: number };
  /** Optimizer type, lr, hyperparameters and counters (its buffers are in optimizer.safetensors), or null. */
  optimizer: OptimizerMeta | null;
  scheduler: SchedulerState | null;
  rngStates: Record<string, RngSnapshot>;
  config: unknown;
  pipeline: unknown;
  extra: Record<string, unknown>;
}

const count = z.number({ error: "expected a non-negative integer" }).int({ error: "expected a non-negative integer" }).nonnegative({ error: "expected a non-negative integer" });
/** A number as src/json.ts stores it: non-finite ones as "NaN", "Infinity", "-Infinity". */
const storedNumber = z
  .union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])], { error: 'expected a number (or "NaN", "Infinity", "-Infinity")' })
  .transform((v) => decodeNumber(v)!);
const uint32 = z.number().int().min(0).max(0xffffffff, { error: "expected a 32-bit unsigned integer" });

const OptimizerMetaSchema = z.looseObject({
  type: z.string(),
  lr: z.number().nonnegative(),
  stepCount: count,
  hyper: z.record(z.string(), z.union([z.number(), z.boolean()])).default({}),
  paramSteps: z.record(z.string(), count).default({}),
});

/** The schedule's own loadStateDict checks its spec in detail; here only its shape. */
const SchedulerStateSchema = z.looseObject({ spec: z.looseObject({ kind: z.string() }), lastStep: count });

export const CheckpointMetaSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT, { error: `not an attn checkpoint; expected "${CHECKPOINT_FORMAT}"` }),
  version: z.number().int().positive(),
  // Informational fields: a missing or odd value does not make the checkpoint unusable.
  attnVersion: z.string().catch("unknown"),
  created: z.string().catch(""),
  step: count,
  epoch: count,
  batchInEpoch: count,
  bestMetric: storedNumber.nullable().default(null),
  metrics: z.record(z.string(), storedNumber).default({}),
  model: z.object({ tensors: count, parameters: count }).catch({ tensors: 0, parameters: 0 }),
  optimizer: OptimizerMetaSchema.nullable().default(null),
  scheduler: SchedulerStateSchema.nullable().default(null),
  rngStates: z
    .record(z.string(), z.object({ words: z.tuple([uint32, uint32, uint32, uint32], { error: "expected [4 uint32]" }), spareNormal: z.number().nullable() }))
    .default({}),
  // Checked where they are used (validateConfig, TextPipeline.fromJSON).
  config: z.unknown().default(null),
  pipeline: z.unknown().default(null),
  extra: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Parse meta.json's text; `where` names the file in messages. Every problem is a one-line
 * UserError: invalid JSON, a newer format version, or the first fields that do not fit the schema.
 */
export function parseCheckpointMeta(text: string, where: string): CheckpointMeta {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${where}: invalid JSON (${(err as Error).message})`);
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version > CHECKPOINT_VERSION && (json as { format?: unknown }).format === CHECKPOINT_FORMAT) {
    throw new UserError(`${where}: written by a newer attn (checkpoint format version ${version}); this attn reads version ${CHECKPOINT_VERSION}`);
  }
  const result = CheckpointMetaSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((i) => describeIssue(i, json));
    const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : "";
    throw new UserError(`${where}: ${issues.join("; ")}${more}`);
  }
  const meta = result.data;
  if (meta.version !== CHECKPOINT_VERSION) throw new UserError(`${where}: unsupported checkpoint format version ${meta.version}; expected ${CHECKPOINT_VERSION}`);
  return { ...meta, format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, optimizer: meta.optimizer as OptimizerMeta | null, scheduler: meta.scheduler as SchedulerState | null, rngStates: meta.rngStates as Record<string, RngSnapshot> };
}

/** `"rngStates.encoder.words": expected [4 uint32]; got [1,2,3]` for one schema issue. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String);
  const value = path.reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), input);
  const shown = value === undefined ? "nothing" : (JSON.stringify(value) ?? String(value));
  return `"${path.join(".") || "(meta.json)"}": ${issue.message.replace(/^Invalid input: /, "").replace(/, received \w+$/, "")}; got ${shown.length > 60 ? `${shown.slice(0, 57)}…` : shown}`;
}
