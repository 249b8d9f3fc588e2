/**
 * `attn import --from pytorch DIR`: a state_dict in safetensors or torch.save's `.pt` (read by
 * torchPickle.ts, no Python) with its config and pipeline (what `attn export` writes, or what its
 * train.py saves) → an attn run folder that translate,
 * dump-attention, eval and align read as if attn had trained it. Names and shapes are checked
 * against the model the config builds before anything is written. docs/export.md.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { UserError } from "../../errors.js";
import { displayPath, withFsErrors } from "../../fsErrors.js";
import { ATTN_VERSION } from "../../version.js";
import { validateConfig } from "../../config/load.js";
import { buildModel } from "../../models/build.js";
import { TextPipeline } from "../../data/textPipeline.js";
import { Tensor } from "../../tensor/tensor.js";
import type { OptimizerStateDict } from "../../optim/optimizer.js";
import type { SchedulerState } from "../../optim/schedules.js";
import { loadCheckpoint, restoreModel, saveCheckpoint } from "../../train/checkpoint.js";
import { readSafetensors } from "../../train/safetensors.js";
import { readTorchStateDict } from "./torchPickle.js";
import { chooseRunDir, runPaths, writeJson } from "../../train/runFolder.js";

export interface ImportOptions {
  from: string;
  dir: string;
  runDir?: string;
  /** The weights file inside DIR: safetensors, or `.pt` from torch.save (default model.safetensors, else model.pt). */
  weights?: string;
}

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UserError(`${displayPath(file)}: cannot read ${what}; expected the folder written by attn export or by its train.py`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`${displayPath(file)}: invalid JSON (${(err as Error).message})`);
  }
}

interface Manifest {
  step?: number;
  baseDir?: string | null;
  optimizer?: OptimizerStateDict["meta"] | null;
  scheduler?: SchedulerState | null;
}

/** Imports DIR into a new run folder; returns its path. */
export function importPytorch(o: ImportOptions): string {
  if (o.from !== "pytorch") throw new UserError(`--from ${o.from}: unknown import source; expected pytorch`);
  const dir = resolve(o.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${o.dir}: not a folder; expected the folder written by attn export or by its train.py`);
  const weightsName = o.weights ?? (!existsSync(join(dir, "model.safetensors")) && existsSync(join(dir, "model.pt")) ? "model.pt" : "model.safetensors");
  const configFile = join(dir, "config.json");
  const config = validateConfig(readJsonFile(configFile, "the model config"), displayPath(configFile));
  const pipelineFile = join(dir, "pipeline.json");
  const pipeline = TextPipeline.fromJSON(readJsonFile(pipelineFile, "the tokenizers and vocabularies"), displayPath(pipelineFile));
  const manifestFile = existsSync(join(dir, "trained.json")) ? join(dir, "trained.json") : join(dir, "export.json");
  const manifest = (existsSync(manifestFile) ? readJsonFile(manifestFile, "the training state") : {}) as Manifest;

  // The weights: F32, finite, exactly the names and shapes of the model the config builds.
  const weightsFile = join(dir, weightsName);
  const weights = new Map<string, Tensor>();
  const tensors = weightsName.endsWith(".pt") ? [...readTorchStateDict(weightsFile)].map(([name, t]) => [name, { ...t, dtype: "F32" }] as const) : readSafetensors(weightsFile).tensors;
  for (const [name, t] of tensors) {
    if (t.dtype !== "F32") throw new UserError(`${displayPath(weightsFile)}: tensor '${name}' is ${t.dtype}; expected F32 (save the state_dict as float32)`);
    const bad = t.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new UserError(`${displayPath(weightsFile)}: tensor '${name}' holds ${t.data[bad]} (element ${bad}); expected finite values`);
    weights.set(name, new Tensor(Float32Array.from(t.data), t.shape));
  }
  const model = buildModel(config.model, { source: pipeline.srcVocab.size, target: pipeline.tgtVocab.size }, config.seed);
  try {
    restoreModel(model, weights);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.message.replace(/^checkpoint:/, `${displayPath(weightsFile)}:`).replace("; was it trained with another model config?", `; expected the names and shapes that ${displayPath(configFile)} builds (docs/checkpoint-format.md)`));
    throw err;
  }

  // The optimizer state, when both its buffers and its counters came along.
  const optFile = join(dir, "optimizer.safetensors");
  let optimizer: { stateDict(): OptimizerStateDict } | null = null;
  if (manifest.optimizer && existsSync(optFile)) {
    const shapes = new Map(model.namedParameters().map(([n, p]) => [n, p.size]));
    const tensors: Record<string, Float32Array> = {};
    for (const [key, t] of readSafetensors(optFile).tensors) {
      const param = key.slice(key.indexOf(".") + 1);
      const size = shapes.get(param);
      if (t.dtype !== "F32" || size === undefined || t.data.length !== size) {
        throw new UserError(`${displayPath(optFile)}: buffer '${key}' does not fit the model (expected <buffer>.<parameter> with the parameter's ${size ?? "?"} elements as F32)`);
      }
      tensors[key] = Float32Array.from(t.data);
    }
    const state: OptimizerStateDict = { meta: manifest.optimizer, tensors };
    optimizer = { stateDict: () => state };
  }
  const scheduler = manifest.scheduler ? { stateDict: () => manifest.scheduler! } : null;

  const runDir = chooseRunDir(o.runDir ? { runDir: o.runDir } : {}, `${basename(dir)}-import`, dir, config.output.runsDir);
  const paths = runPaths(runDir);
  writeJson(paths.config, config);
  writeJson(paths.pipeline, pipeline.toJSON());
  writeJson(paths.run, { baseDir: manifest.baseDir ?? process.cwd(), configSource: configFile, attnVersion: ATTN_VERSION, created: new Date().toISOString(), importedFrom: dir });
  withFsErrors("write", paths.metrics, () => writeFileSync(paths.metrics, ""));
  saveCheckpoint(paths.last, {
    model,
    optimizer,
    scheduler,
    step: manifest.step ?? 0,
    epoch: 0,
    batchInEpoch: 0,
    config,
    pipeline: pipeline.toJSON(),
    extra: { importedFrom: dir },
  });
  // Read back as every command will (meta.json schema, buffers).
  loadCheckpoint(paths.last);
  return runDir;
}
