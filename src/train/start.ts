import { resolve } from "node:path";
import { applyOverrides, loadConfig, validateConfig } from "../config/load.js";
import { ValueOrigins } from "../config/origins.js";
import { checkResumeChanges } from "../config/resume.js";
import { checkRunDirWritable, chooseRunDir, readJson, resumeRunDir, runPaths, type RunInfo } from "./runFolder.js";
import { startFromCheckpoint } from "./initFrom.js";
import { trainRun, type TrainResult } from "./trainer.js";
import { ATTN_VERSION } from "../version.js";
import { activeThreads, kernels } from "../kernels/index.js";

export interface TrainCommandOptions {
  config?: string;
  set?: string[];
  runDir?: string;
  name?: string;
  resume?: string;
  /** A new run's weights and vocabularies from this run folder or checkpoint (initFrom.ts). */
  initFrom?: string;
  quiet?: boolean;
}

/**
 * `attn train`: a new run from --config (with --set overrides), or --resume of a run folder (its
 * saved config, with --set overrides such as a larger training.maxSteps or a new training.lr;
 * overrides of settings the checkpoint fixes are refused, see config/resume.ts). A new run may
 * start from another run's weights and vocabularies with --init-from (initFrom.ts).
 */
export async function startTraining(o: TrainCommandOptions): Promise<TrainResult> {
  const sets = o.set ?? [];
  if (o.resume && o.initFrom) throw new Error("startTraining: --init-from starts a new run; it does not combine with --resume");
  if (o.resume) {
    const paths = resumeRunDir(o.resume);
    // A read-only or full run folder fails here, before data is read and a model built.
    checkRunDirWritable(paths.dir, `--resume ${o.resume}`);
    const info = readJson(paths.run, "run.json") as RunInfo;
    const saved = validateConfig(readJson(paths.config, "config.json"), paths.config);
    const origins = ValueOrigins.fromSets(sets);
    const config = validateConfig(applyOverrides(saved, sets), paths.config, origins);
    checkResumeChanges(saved, config, origins, `--resume ${o.resume}`);
    return trainRun(config, paths, info, { resume: true, quiet: Boolean(o.quiet), savedConfig: saved });
  }
  if (!o.config) throw new Error("startTraining: --config or --resume is required");
  const { config: fromFile, baseDir } = loadConfig(o.config, sets);
  // Read before the run folder is made: a bad --init-from path leaves nothing behind.
  const { config, init } = o.initFrom ? startFromCheckpoint(o.initFrom, fromFile, o.config) : { config: fromFile, init: undefined };
  const dir = chooseRunDir({ ...(o.runDir ? { runDir: o.runDir } : {}), ...(o.name ? { name: o.name } : {}) }, config.name, o.config, config.output.runsDir);
  // Before data is read and a model built; a run that then fails before writing anything leaves no empty folder.
  const abandon = checkRunDirWritable(dir, o.runDir ? `--run-dir ${o.runDir}` : `output.runsDir ${config.output.runsDir}`);
  const info: RunInfo = {
    baseDir,
    configSource: resolve(o.config),
    attnVersion: ATTN_VERSION,
    created: new Date().toISOString(),
    kernels: kernels().name,
    threads: activeThreads(),
    ...(init ? { initFrom: init.dir } : {}),
  };
  return trainRun(config, runPaths(dir), info, { quiet: Boolean(o.quiet), ...(init ? { init } : {}) }).catch((err: unknown) => {
    abandon();
    throw err;
  });
}
