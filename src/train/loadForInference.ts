import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import { validateConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { TextPipeline } from "../data/textPipeline.js";
import { UserError } from "../errors.js";
import { buildModel } from "../models/build.js";
import type { TranslationModel } from "../models/types.js";
import { loadCheckpoint, resolveCheckpointDir, restoreModel } from "./checkpoint.js";
import { readJson, type RunInfo } from "./runFolder.js";

export interface InferenceModel {
  model: TranslationModel;
  pipeline: TextPipeline;
  config: Config;
  checkpointDir: string;
  /** The run folder's run.json, when the checkpoint sits in a run folder. */
  runInfo: RunInfo | null;
  step: number;
}

/**
 * A trained model ready to decode, from a run folder (its best checkpoint, else last) or a
 * checkpoint folder: config, tokenizers and vocabularies come from the checkpoint's meta.json,
 * so translation uses exactly what training used.
 */
export function loadForInference(pathArg: string): InferenceModel {
  const dir = resolveCheckpointDir(pathArg);
  const ckpt = loadCheckpoint(dir, { optimizer: false });
  const config = validateConfig(ckpt.meta.config, join(dir, "meta.json"));
  if (!ckpt.meta.pipeline) throw new UserError(`${join(dir, "meta.json")}: no tokenizers/vocabularies stored (field "pipeline"); cannot translate`);
  const pipeline = TextPipeline.fromJSON(ckpt.meta.pipeline, join(dir, "meta.json"));
  const model = buildModel(config.model, { source: pipeline.srcVocab.size, target: pipeline.tgtVocab.size }, config.seed);
  restoreModel(model, ckpt);
  model.eval();
  const runJson = join(dirname(dirname(dir)), "run.json");
  const runInfo = existsSync(runJson) ? (readJson(runJson, "run.json") as RunInfo) : null;
  return { model, pipeline, config, checkpointDir: dir, runInfo, step: ckpt.meta.step };
}
