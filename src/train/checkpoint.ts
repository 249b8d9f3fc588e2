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
import { fileURLToPath } from "node:url";
import { displayPath } from "../data/readers/lines.js";
import { UserError } from "../errors.js";
import type { Module } from "../nn/module.js";
import type { OptimizerMeta, OptimizerStateDict } from "../optim/optimizer.js";
import type { SchedulerState } from "../optim/schedules.js";
import type { RngState } from "../tensor/rng.js";
import { shapesEqual, shapeStr } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { oldSibling, recoverDir, writeDirAtomic, writeFileAtomic } from "./atomic.js";
import { readSafetensors, writeSafetensors, type SafetensorsContents, type SafetensorsInput } from "./safetensors.js";

export const CHECKPOINT_FORMAT = "attn-checkpoint";
export const CHECKPOINT_VERSION = 1;

/** File names inside a checkpoint folder. */
export const CHECKPOINT_FILES = { model: "model.safetensors", optimizer: "optimizer.safetensors", meta: "meta.json" } as const;

/** `Rng.getState()`. */
export interface RngSnapshot {
  words: RngState;
  spareNormal: number | null;
}

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
    writeFileAtomic(join(tmp, CHECKPOINT_FILES.meta), JSON.stringify(meta, encodeNonFinite, 2) + "\n");
  });
  return meta;
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
  const where = source instanceof Map ? "checkpoint" : displayPath((source as LoadedCheckpoint).dir);
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
    throw new UserError(`${pathArg}: not found; expected a run folder (runs/<name>) or a checkpoint folder (runs/<name>/checkpoints/best)`);
  }
  if (!statSync(p).isDirectory()) {
    if (Object.values(CHECKPOINT_FILES).includes(basename(p) as never) && isCheckpointDir(dirname(p))) return dirname(p);
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
    out.push([name, { shape: t.shape, data: t.data }]);
  }
  return out;
}

function readMeta(file: string): CheckpointMeta {
  const where = displayPath(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`${where}: invalid JSON (${(err as Error).message})`);
  }
  const bad = (what: string): never => {
    throw new UserError(`${where}: ${what}`);
  };
  if (!isObject(json)) return bad("expected a JSON object");
  const j = json;
  if (j.format !== CHECKPOINT_FORMAT) bad(`not an attn checkpoint; expected "format": "${CHECKPOINT_FORMAT}"`);
  if (j.version !== CHECKPOINT_VERSION) {
    bad(
      typeof j.version === "number" && j.version > CHECKPOINT_VERSION
        ? `written by a newer attn (checkpoint format version ${j.version}); this attn reads version ${CHECKPOINT_VERSION}`
        : `unsupported checkpoint format version ${JSON.stringify(j.version)}; expected ${CHECKPOINT_VERSION}`,
    );
  }
  for (const field of ["step", "epoch", "batchInEpoch"]) {
    if (!isCount(j[field])) bad(`"${field}" must be a non-negative integer, got ${JSON.stringify(j[field])}`);
  }
  const bestMetric = j.bestMetric ?? null;
  if (bestMetric !== null && decodeNumber(bestMetric) === undefined) bad(`"bestMetric" must be a number or null, got ${JSON.stringify(bestMetric)}`);
  const metrics: Record<string, number> = {};
  if (j.metrics !== undefined) {
    if (!isObject(j.metrics)) bad(`"metrics" must be an object of numbers`);
    for (const [k, v] of Object.entries(j.metrics as Record<string, unknown>)) {
      const x = decodeNumber(v);
      if (x === undefined) bad(`"metrics.${k}" must be a number, got ${JSON.stringify(v)}`);
      metrics[k] = x!;
    }
  }
  const rngStates = j.rngStates ?? {};
  if (!isObject(rngStates)) bad(`"rngStates" must be an object`);
  for (const [k, s] of Object.entries(rngStates as Record<string, unknown>)) {
    const ok =
      isObject(s) &&
      Array.isArray(s.words) &&
      s.words.length === 4 &&
      s.words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) &&
      (s.spareNormal === null || typeof s.spareNormal === "number");
    if (!ok) bad(`"rngStates.${k}" must be { "words": [4 uint32], "spareNormal": number | null }`);
  }
  const optimizer = j.optimizer ?? null;
  if (optimizer !== null && !(isObject(optimizer) && typeof optimizer.type === "string")) bad(`"optimizer" must be null or an object with a "type"`);
  const scheduler = j.scheduler ?? null;
  if (scheduler !== null && !isObject(scheduler)) bad(`"scheduler" must be null or an object`);
  const extra = j.extra ?? {};
  if (!isObject(extra)) bad(`"extra" must be an object`);
  const model = isObject(j.model) ? j.model : {};
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    attnVersion: typeof j.attnVersion === "string" ? j.attnVersion : "unknown",
    created: typeof j.created === "string" ? j.created : "",
    step: j.step as number,
    epoch: j.epoch as number,
    batchInEpoch: j.batchInEpoch as number,
    bestMetric: bestMetric === null ? null : decodeNumber(bestMetric)!,
    metrics,
    model: { tensors: Number(model.tensors ?? 0), parameters: Number(model.parameters ?? 0) },
    optimizer: optimizer as OptimizerMeta | null,
    scheduler: scheduler as SchedulerState | null,
    rngStates: rngStates as Record<string, RngSnapshot>,
    config: j.config ?? null,
    pipeline: j.pipeline ?? null,
    extra: extra as Record<string, unknown>,
  };
}

/**
 * JSON has no NaN or ±Infinity (JSON.stringify would silently write null): they are written as
 * the strings "NaN", "Infinity", "-Infinity", the convention of the schedule state too.
 */
function encodeNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  return value;
}

function decodeNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
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

let cachedVersion: string | null = null;

function attnVersion(): string {
  if (cachedVersion === null) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { version?: unknown };
      cachedVersion = typeof pkg.version === "string" ? pkg.version : "unknown";
    } catch {
      cachedVersion = "unknown";
    }
  }
  return cachedVersion;
}
