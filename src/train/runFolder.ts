import { existsSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { displayPath, fsUserError, makeDirs } from "../fsErrors.js";
import { toJson } from "../json.js";
import { oldSibling } from "./atomic.js";

/**
 * The run folder is a documented product (docs/checkpoint-format.md):
 *   config.json        the resolved config (every default filled in)
 *   run.json           where relative data paths resolve, attn version, creation time
 *   vocab/pipeline.json  normalisation, tokenizers and vocabularies
 *   metrics.jsonl      one JSON object per training log line and per validation
 *   checkpoints/last/, checkpoints/best/   model.safetensors, optimizer.safetensors, meta.json
 *   attention/         CSV dumps of validation sentences' attention at each validation
 */
export interface RunPaths {
  dir: string;
  config: string;
  run: string;
  pipeline: string;
  metrics: string;
  last: string;
  best: string;
  attention: string;
}

export function runPaths(dir: string): RunPaths {
  return {
    dir,
    config: join(dir, "config.json"),
    run: join(dir, "run.json"),
    pipeline: join(dir, "vocab", "pipeline.json"),
    metrics: join(dir, "metrics.jsonl"),
    last: join(dir, "checkpoints", "last"),
    best: join(dir, "checkpoints", "best"),
    attention: join(dir, "attention"),
  };
}

/** What run.json holds. */
export interface RunInfo {
  /** Folder that relative data paths in config.json resolve against (the config file's folder). */
  baseDir: string;
  configSource: string;
  attnVersion: string;
  created: string;
  /** The kernel set the run started with (e.g. "wasm-fma"); same seed + same kernels ⇒ same bits. Absent in runs from before it was recorded. */
  kernels?: string;
  /** Kernel threads the run started with (the results do not depend on it). */
  threads?: number;
  /** The checkpoint folder a run's weights and vocabularies started from (`attn train --init-from`). */
  initFrom?: string;
}

/**
 * The folder of a new run: --run-dir as given, else <runsDir>/<name> where the name comes from
 * --name, the config's `name`, or the config file's base name. An existing run is never
 * overwritten: a taken default name gets a numeric suffix (-2, -3, …); an explicit --run-dir that
 * already holds a run is an error.
 */
export function chooseRunDir(opts: { runDir?: string; name?: string }, configName: string | undefined, configPath: string, runsDir: string): string {
  if (opts.runDir) {
    const dir = resolve(opts.runDir);
    if (existsSync(join(dir, "checkpoints")) || existsSync(join(dir, "metrics.jsonl"))) {
      throw new UserError(`--run-dir ${opts.runDir}: already holds a run; continue it with --resume ${opts.runDir} or choose another folder`);
    }
    return dir;
  }
  const name = opts.name ?? configName ?? basename(configPath, extname(configPath));
  const base = resolve(runsDir, name);
  if (!existsSync(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!existsSync(candidate)) return candidate;
  }
}

export function writeJson(path: string, value: unknown): void {
  try {
    makeDirs(dirname(path));
    writeFileSync(path, toJson(value, 2) + "\n");
  } catch (err) {
    throw fsUserError(err, "write", path);
  }
}

export function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new UserError(`${what} not found: ${path}`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw fsUserError(err, `read the ${what}`, path);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path}: invalid JSON (${(err as Error).message})`);
  }
}

/**
 * Make sure training can write its run folder before any data is read or model built: create
 * `dir` (and its parents) and write and remove a small probe file. `what` names the setting the
 * folder came from in messages ("--run-dir runs/x", "output.runsDir runs", "--resume runs/x").
 * Returns `abandon`, for when the run fails before writing anything: it removes the folder again
 * if this call created it and it is still empty.
 */
export function checkRunDirWritable(dir: string, what: string): () => void {
  const blocker = existingNonFolder(dir);
  if (blocker !== null) {
    throw new UserError(`${what}: ${displayPath(blocker)} is a file; expected a folder${blocker === resolve(dir) ? "" : " (the run folder would be below it)"}`);
  }
  const existed = existsSync(dir);
  const probe = join(dir, `.attn-write-probe-${process.pid}`);
  try {
    makeDirs(dir);
    writeFileSync(probe, "attn checks that it can write the run folder\n");
    rmSync(probe);
  } catch (err) {
    try {
      rmSync(probe, { force: true });
    } catch {
      // the probe was never written
    }
    if (!existed) rmEmptyDir(dir);
    throw fsUserError(err, `write the run folder (${what})`, dir);
  }
  return () => {
    if (!existed) rmEmptyDir(dir);
  };
}

function rmEmptyDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (the run wrote something worth keeping) or already gone
  }
}

/** The nearest existing path of `dir` and its parents, when that is not a folder; else null. */
function existingNonFolder(dir: string): string | null {
  for (let p = resolve(dir); ; p = dirname(p)) {
    try {
      return statSync(p).isDirectory() ? null : p;
    } catch {
      if (dirname(p) === p) return null;
    }
  }
}

/** Resolve the run folder of --resume: it must contain config.json and a last checkpoint. */
export function resumeRunDir(arg: string): RunPaths {
  const paths = runPaths(resolve(arg));
  if (!existsSync(paths.config)) throw new UserError(`--resume ${arg}: not a run folder (no config.json in ${paths.dir})`);
  if (!existsSync(paths.last) && !existsSync(oldSibling(paths.last))) {
    throw new UserError(`--resume ${arg}: the run has no checkpoints/last to continue from`);
  }
  return paths;
}
