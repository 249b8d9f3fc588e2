/**
 * Checkpoints: one folder holding everything needed to translate with a model or to resume its
 * training bitwise-exactly (docs/checkpoint-format.md):
 *
 *   model.safetensors      the weights under their PyTorch-style names (encoder.rnn.weight_ih_l0 …)
 *   optimizer.safetensors  the optimizer's moment buffers, `<buffer>.<parameter name>`
 *                          (exp_avg.encoder.rnn.weight_ih_l0 …), each with its parameter's shape
 *   meta.json              everything else: training position, optimizer hyperparameters and
 *                          counters, schedule, RNG streams, config, tokenizers and vocabularies
 *
 * The folder is replaced atomically (atomic.ts), so an interrupted save leaves the previous
 * checkpoint complete, and meta.json is written last.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { displayPath, fsUserError } from "../fsErrors.js";
import { toJson } from "../json.js";
import { ATTN_VERSION } from "../version.js";
import type { Module } from "../nn/module.js";
import type { OptimizerStateDict } from "../optim/optimizer.js";
import type { SchedulerState } from "../optim/schedules.js";
import { shapesEqual, shapeStr } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { oldSibling, recoverDir, writeDirAtomic, writeFileAtomic } from "./atomic.js";
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, parseCheckpointMeta, type CheckpointMeta, type RngSnapshot } from "./checkpointMeta.js";
import { readSafetensors, writeSafetensors, type SafetensorsContents, type SafetensorsInput } from "./safetensors.js";

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointMeta, type RngSnapshot };

/** File names inside a checkpoint folder. */
export const CHECKPOINT_FILES = { model: "model.safetensors", optimizer: "optimizer.safetensors", meta: "meta.json" } as const;

/** What `saveCheckpoint` stores. Everything except the model and optimizer buffers goes to meta.json. */
export interface CheckpointInput {
  model: Module;
  /** Omit (or null) for a weights-only checkpoint. */
  optimizer?: { stateDict(): OptimizerStateDict } | null;
  scheduler?: { stateDict(): SchedulerState } | null;
  /** Named RNG streams (`Rng.getState()`), restored with `Rng.setState()`. */
  rngStates?: Record<string, RngSnapshot>;
  /** Optimizer steps taken. */
  step: number;
  /** Current epoch (0-based). */
  epoch: number;
  /** Index of the next batch within `epoch`. */
  batchInEpoch: number;
  /** Best value of the early-stopping metric so far, or null. */
  bestMetric?: number | null;
  /** Latest metrics (e.g. the validation that triggered the save). */
  metrics?: Record<string, number>;
  /** The resolved run config. */
  config: unknown;
  /** Tokenizers and vocabularies (`TextPipeline.toJSON()`), stored as given. */
  pipeline?: unknown;
  /** Anything else the trainer wants back on resume. */
  extra?: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  /** The folder actually read (the `.old` sibling when a save was interrupted, see atomic.ts). */
  dir: string;
  /** Weights by parameter name, in file order; pass to `restoreModel` or `Module.loadStateDict`. */
  weights: Map<string, Tensor>;
  /** For `Optimizer.loadStateDict`; absent for weights-only checkpoints or when not requested. */
  optimizerState?: OptimizerStateDict;
  meta: CheckpointMeta;
}

/** Write a checkpoint folder `dir` atomically, replacing any previous one. Returns what meta.json holds. */
export function saveCheckpoint(dir: string, input: CheckpointInput): CheckpointMeta {
  const named = input.model.namedParameters();
  const shapes = new Map(named.map(([n, t]) => [n, t.shape]));
  const weights = new Map<string, SafetensorsInput>();
  let parameters = 0;
  for (const [name, t] of named) {
    // Float64 storage exists only inside gradient checks; it is rounded to float32 here.
    weights.set(name, { shape: t.shape, data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data) });
    parameters += t.size;
  }
  const opt = input.optimizer ? input.optimizer.stateDict() : null;
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    attnVersion: attnVersion(),
    created: new Date().toISOString(),
    step: input.step,
    epoch: input.epoch,
    batchInEpoch: input.batchInEpoch,
    bestMetric: input.bestMetric ?? null,
    metrics: { ...(input.metrics ?? {}) },
    model: { tensors: named.length, parameters },
    optimizer: opt ? opt.meta : null,
    scheduler: input.scheduler ? input.scheduler.stateDict() : null,
    rngStates: { ...(input.rngStates ?? {}) },
    config: input.config,
    pipeline: input.pipeline ?? null,
    extra: { ...(input.extra ?? {}) },
  };
  for (const [field, v] of [["step", meta.step], ["epoch", meta.epoch], ["batchInEpoch", meta.batchInEpoch]] as const) {
    if (!isCount(v)) throw new Error(`saveCheckpoint: ${field} must be a non-negative integer, got ${v}`);
  }
  const fileMeta = { format: CHECKPOINT_FORMAT, version: String(CHECKPOINT_VERSION) };

  // A failed save (disk full, read-only) leaves the previous checkpoint as it was (atomic.ts).
  const hadPrevious = isCheckpointDir(dir);
  try {
    writeCheckpointFiles(dir, weights, opt, shapes, meta, fileMeta);
  } catch (err) {
    throw fsUserError(err, `save the checkpoint of step ${meta.step}`, dir, hadPrevious ? `the previous checkpoint in ${displayPath(dir)} is kept` : "no checkpoint was written");
  }
  return meta;
}

function writeCheckpointFiles(
  dir: string,
  weights: ReadonlyMap<string, SafetensorsInput>,
  opt: OptimizerStateDict | null,
  shapes: ReadonlyMap<string, readonly number[]>,
  meta: CheckpointMeta,
  fileMeta: Record<string, string>,
): void {
  writeDirAtomic(dir, (tmp) => {
    writeSafetensors(join(tmp, CHECKPOINT_FILES.model), weights, { ...fileMeta, content: "model" });
    if (opt) {
      const buffers = new Map<string, SafetensorsInput>();
      for (const [key, data] of Object.entries(opt.tensors)) {
        const param = key.slice(key.indexOf(".") + 1);
        const shape = shapes.get(param);
        buffers.set(key, { shape: shape && shape.reduce((a, b) => a * b, 1) === data.length ? shape : [data.length], data });
      }
      writeSafetensors(join(tmp, CHECKPOINT_FILES.optimizer), buffers, { ...fileMeta, content: "optimizer", optimizer: opt.meta.type });
    }
    // Last, so that a folder with meta.json is a complete one.
    writeFileAtomic(join(tmp, CHECKPOINT_FILES.meta), toJson(meta, 2) + "\n");
  });
}

/** Does `dir` hold a checkpoint (meta.json and model.safetensors)? */
export function isCheckpointDir(dir: string): boolean {
  return isFile(join(dir, CHECKPOINT_FILES.meta)) && isFile(join(dir, CHECKPOINT_FILES.model));
}

/**
 * Read a checkpoint folder. When `dir` is missing but an interrupted save left its previous
 * version in `.<name>.old`, that is read instead (without touching the disk).
 * Pass `{ optimizer: false }` to skip optimizer.safetensors (translation needs only weights).
 */
export function loadCheckpoint(dir: string, opts: { optimizer?: boolean } = {}): LoadedCheckpoint {
  let at = resolve(dir);
  if (!isCheckpointDir(at) && !existsSync(at) && isCheckpointDir(oldSibling(at))) at = oldSibling(at);
  const where = displayPath(at);
  if (!existsSync(at)) throw new UserError(`${where}: checkpoint folder not found`);
  for (const f of [CHECKPOINT_FILES.meta, CHECKPOINT_FILES.model]) {
    if (!isFile(join(at, f))) throw new UserError(`${where}: not a checkpoint folder (no ${f}; expected ${CHECKPOINT_FILES.model} and ${CHECKPOINT_FILES.meta})`);
  }
  const meta = readMeta(join(at, CHECKPOINT_FILES.meta));

  const model = readSafetensors(join(at, CHECKPOINT_FILES.model));
  const weights = new Map<string, Tensor>();
  for (const [name, data] of float32Entries(model, join(at, CHECKPOINT_FILES.model))) weights.set(name, new Tensor(data.data, data.shape));

  const result: LoadedCheckpoint = { dir: at, weights, meta };
  if (meta.optimizer && opts.optimizer !== false) {
    const file = join(at, CHECKPOINT_FILES.optimizer);
    if (!isFile(file)) throw new UserError(`${displayPath(file)}: missing, but meta.json records a '${meta.optimizer.type}' optimizer state`);
    const tensors: Record<string, Float32Array> = {};
    for (const [name, t] of float32Entries(readSafetensors(file), file)) tensors[name] = t.data;
    result.optimizerState = { meta: meta.optimizer, tensors };
  }
  return result;
}

/**
 * Copy checkpoint weights into `model`. Missing, unexpected and mis-shaped tensors are reported
 * together in one UserError (usually the checkpoint was trained with another model config).
 */
export function restoreModel(model: Module, source: LoadedCheckpoint | ReadonlyMap<string, Tensor>): void {
  const weights = source instanceof Map ? source : (source as LoadedCheckpoint).weights;
  const where = source instanceof Map ? "checkpoint" : displayPath(join((source as LoadedCheckpoint).dir, CHECKPOINT_FILES.model));
  const own = new Map(model.namedParameters());
  const missing = [...own.keys()].filter((k) => !weights.has(k));
  const unexpected = [...weights.keys()].filter((k) => !own.has(k));
  const mismatched: string[] = [];
  for (const [name, t] of weights) {
    const p = own.get(name);
    if (p && !shapesEqual(p.shape, t.shape)) mismatched.push(`${name} is ${shapeStr(t.shape)} in the checkpoint but ${shapeStr(p.shape)} in the model`);
  }
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`missing ${listSome(missing)}`);
  if (unexpected.length > 0) problems.push(`unexpected ${listSome(unexpected)}`);
  if (mismatched.length > 0) problems.push(listSome(mismatched));
  if (problems.length > 0) {
    throw new UserError(`${where}: the weights do not fit the model (${problems.join("; ")}); was it trained with another model config?`);
  }
  model.loadStateDict(weights);
}

/**
 * The checkpoint folder a user's path names: a checkpoint folder itself (or a file in one), a
 * run folder (its checkpoints/best, else checkpoints/last; `prefer: "last"` reverses that), or a
 * run's checkpoints/ folder. One-line UserError listing what was looked for otherwise.
 */
export function resolveCheckpointDir(pathArg: string, prefer: "best" | "last" = "best"): string {
  const p = resolve(pathArg);
  if (!existsSync(p)) {
    // A save interrupted between its two renames left only `.<name>.old` (atomic.ts): read that.
    if (isCheckpointDir(oldSibling(p))) return oldSibling(p);
    if (isCheckpointFileName(p) && !existsSync(dirname(p)) && isCheckpointDir(oldSibling(dirname(p)))) return oldSibling(dirname(p));
    throw new UserError(`${pathArg}: not found; expected a run folder (runs/<name>) or a checkpoint folder (runs/<name>/checkpoints/best)`);
  }
  if (!statSync(p).isDirectory()) {
    if (isCheckpointFileName(p) && isCheckpointDir(dirname(p))) return dirname(p);
    throw new UserError(`${pathArg}: is a file; expected a run folder (runs/<name>) or a checkpoint folder (runs/<name>/checkpoints/best)`);
  }
  if (isCheckpointDir(p)) return p;
  const order = prefer === "best" ? (["best", "last"] as const) : (["last", "best"] as const);
  const candidates = [...order.map((w) => join(p, "checkpoints", w)), ...order.map((w) => join(p, w))];
  for (const c of candidates) {
    if (isCheckpointDir(c)) return c;
    if (!existsSync(c) && isCheckpointDir(oldSibling(c))) return oldSibling(c);
  }
  const shown = pathArg.replace(/[/\\]+$/, "");
  throw new UserError(
    `${pathArg}: no checkpoint found; looked for ${shown}/${CHECKPOINT_FILES.meta} + ${CHECKPOINT_FILES.model}, ` +
      `${shown}/checkpoints/${order[0]}/ and ${shown}/checkpoints/${order[1]}/`,
  );
}

function isCheckpointFileName(path: string): boolean {
  return (Object.values(CHECKPOINT_FILES) as string[]).includes(basename(path));
}

/**
 * Repair checkpoint folders of a run after a crash during a save (see atomic.ts): restores
 * `checkpoints/<x>` from `.<x>.old` and removes stale temporary folders. Call at the start of a
 * run or resume. Returns one line per repair, for logging.
 */
export function recoverCheckpoints(runDir: string): string[] {
  const root = join(resolve(runDir), "checkpoints");
  if (!existsSync(root)) return [];
  const targets = new Set<string>();
  for (const name of readdirSync(root)) {
    const m = /^\.(.+?)\.(?:old|tmp-\d+-\d+)$/.exec(name);
    if (m) targets.add(m[1]!);
  }
  const lines: string[] = [];
  for (const t of targets) {
    const dir = join(root, t);
    const r = recoverDir(dir);
    if (r.restored) lines.push(`restored ${displayPath(dir)} from an interrupted save`);
    for (const removed of r.removed) lines.push(`removed leftover ${displayPath(removed)}`);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------

function float32Entries(contents: SafetensorsContents, file: string): [string, { shape: number[]; data: Float32Array }][] {
  const out: [string, { shape: number[]; data: Float32Array }][] = [];
  for (const [name, t] of contents.tensors) {
    if (t.dtype !== "F32") throw new UserError(`${displayPath(file)}: tensor '${name}' is ${t.dtype}; attn checkpoints hold F32 tensors only`);
    const bad = t.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      // A diverged or damaged checkpoint would only translate into garbage (or spread NaN on resume).
      throw new UserError(`${displayPath(file)}: tensor '${name}' holds ${t.data[bad]} (element ${bad} of ${shapeStr(t.shape)}); expected finite values: the checkpoint is damaged or from a diverged run, use another one`);
    }
    out.push([name, { shape: t.shape, data: t.data }]);
  }
  return out;
}

/** A checkpoint folder's meta.json, checked (one-line UserError naming the file otherwise); the weights are not read. */
export function readCheckpointMeta(dir: string): CheckpointMeta {
  return readMeta(join(dir, CHECKPOINT_FILES.meta));
}

function readMeta(file: string): CheckpointMeta {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw fsUserError(err, "read the checkpoint's meta.json", file);
  }
  return parseCheckpointMeta(text, displayPath(file));
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function listSome(items: string[], max = 6): string {
  return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

function attnVersion(): string {
  return ATTN_VERSION;
}
