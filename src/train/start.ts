import { resolve } from "node:path";
import { applyOverrides, loadConfig, validateConfig } from "../config/load.js";
import { chooseRunDir, readJson, resumeRunDir, runPaths, type RunInfo } from "./runFolder.js";
import { trainRun, type TrainResult } from "./trainer.js";
import { ATTN_VERSION } from "../version.js";
import { activeThreads, kernels } from "../kernels/index.js";

export interface TrainCommandOptions {
  config?: string;
  set?: string[];
  runDir?: string;
  name?: string;
  resume?: string;
  quiet?: boolean;
}

/**
 * `attn train`: a new run from --config (with --set overrides), or --resume of a run folder (its
 * saved config, with --set overrides such as a larger training.maxSteps).
 */
export async function startTraining(o: TrainCommandOptions): Promise<TrainResult> {
  const sets = o.set ?? [];
  if (o.resume) {
    const paths = resumeRunDir(o.resume);
    const info = readJson(paths.run, "run.json") as RunInfo;
    const config = validateConfig(applyOverrides(readJson(paths.config, "config.json"), sets), paths.config);
    return trainRun(config, paths, info, { resume: true, quiet: Boolean(o.quiet) });
  }
  if (!o.config) throw new Error("startTraining: --config or --resume is required");
  const { config, baseDir } = loadConfig(o.config, sets);
  const dir = chooseRunDir({ ...(o.runDir ? { runDir: o.runDir } : {}), ...(o.name ? { name: o.name } : {}) }, config.name, o.config, config.output.runsDir);
  const info: RunInfo = { baseDir, configSource: resolve(o.config), attnVersion: ATTN_VERSION, created: new Date().toISOString(), kernels: kernels().name, threads: activeThreads() };
  return trainRun(config, runPaths(dir), info, { quiet: Boolean(o.quiet) });
}
