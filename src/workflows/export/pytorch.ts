/**
 * `attn export --to pytorch`: a run's checkpoint as a small, dependency-free (torch only) Python
 * package — model.py (the architecture in torch.nn, attn's parameter names), tokenizer.py (the
 * run's normalisation, tokenizers and vocabularies), translate.py (greedy / beam, the same outputs
 * as `attn translate`), train.py (continue training with torchrun), and the weights, config,
 * pipeline and a manifest (export.json). docs/export.md.
 */
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { UserError } from "../../errors.js";
import { displayPath, makeDirs, withFsErrors } from "../../fsErrors.js";
import { toJson } from "../../json.js";
import { packageFile } from "../../packageFiles.js";
import { ATTN_VERSION } from "../../version.js";
import { validateConfig } from "../../config/load.js";
import { type Config, labelSmoothingOf } from "../../config/schema.js";
import { loadCheckpoint, resolveCheckpointDir } from "../../train/checkpoint.js";
import type { RunInfo } from "../../train/runFolder.js";

export interface ExportOptions {
  checkpoint: string;
  to: string;
  out: string;
}

/** The Python sources of the package, in python/ beside this file. */
export const PYTHON_FILES = ["model.py", "transformer.py", "tokenizer.py", "translate.py", "train.py"] as const;

function pythonSource(name: string): string {
  return readFileSync(packageFile(`src/workflows/export/python/${name}`), "utf8");
}

/**
 * What the PyTorch package cannot express, as "where: why", or null; checked before anything is
 * written. Every model family the config can express exports (docs/export.md): only a tokenizer
 * kind other than word, char, space and BPE is refused.
 */
export function unsupportedForPytorch(pipeline: unknown): string | null {
  const p = pipeline as { srcTokenizer?: { kind?: string }; tgtTokenizer?: { kind?: string } | "shared" } | null;
  for (const [side, t] of [["srcTokenizer", p?.srcTokenizer], ["tgtTokenizer", p?.tgtTokenizer]] as const) {
    const kind = t === "shared" ? undefined : t?.kind;
    if (kind !== undefined && !["word", "char", "space", "bpe"].includes(kind)) return `tokenizer (vocab/pipeline.json ${side}): "${kind}" is not exported to PyTorch (word, char, space and bpe only)`;
  }
  return null;
}

/** The run folder's run.json above a checkpoint folder, or null. */
function runInfoOf(checkpointDir: string): RunInfo | null {
  const file = join(dirname(dirname(checkpointDir)), "run.json");
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as RunInfo;
  } catch {
    return null;
  }
}

/** Absolute data paths of the run (relative ones resolve against run.json's baseDir), for train.py. */
function dataPaths(config: Config, info: RunInfo | null): Record<string, string | null> {
  const base = info?.baseDir ?? process.cwd();
  const abs = (p: unknown): string | null => (typeof p === "string" && p !== "" ? (isAbsolute(p) ? p : resolve(base, p)) : null);
  const d = config.data as Record<string, unknown>;
  return { path: abs(d.path), train: abs(d.train), valid: abs(d.valid), test: abs(d.test), src: abs(d.src), tgt: abs(d.tgt) };
}

/** Writes the package; returns the files written (for the command's summary line). */
export function exportPytorch(o: ExportOptions): string[] {
  if (o.to !== "pytorch") throw new UserError(`--to ${o.to}: unknown export target; expected pytorch`);
  const dir = resolveCheckpointDir(o.checkpoint);
  const ckpt = loadCheckpoint(dir, { optimizer: false });
  const metaFile = join(dir, "meta.json");
  const config = validateConfig(ckpt.meta.config, displayPath(metaFile));
  if (!ckpt.meta.pipeline) throw new UserError(`${displayPath(metaFile)}: no tokenizers/vocabularies stored (field "pipeline"); cannot export`);
  const problem = unsupportedForPytorch(ckpt.meta.pipeline);
  if (problem) throw new UserError(`${displayPath(metaFile)}: ${problem}`);
  const out = resolve(o.out);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UserError(`--out ${o.out}: is a file; expected a folder to write the Python package into`);
  withFsErrors("create the --out folder", out, () => makeDirs(out));
  const written: string[] = [];
  const write = (name: string, text: string): void => {
    withFsErrors("write the export", join(out, name), () => writeFileSync(join(out, name), text));
    written.push(name);
  };
  const copy = (name: string): void => {
    withFsErrors("copy the checkpoint", join(out, name), () => copyFileSync(join(ckpt.dir, name), join(out, name)));
    written.push(name);
  };
  for (const f of PYTHON_FILES) write(f, pythonSource(f));
  copy("model.safetensors");
  const hasOptimizer = existsSync(join(ckpt.dir, "optimizer.safetensors")) && ckpt.meta.optimizer !== null;
  if (hasOptimizer) copy("optimizer.safetensors");
  write("config.json", toJson(ckpt.meta.config, 2) + "\n");
  write("pipeline.json", toJson(ckpt.meta.pipeline, 2) + "\n");
  const manifest = {
    format: "attn-pytorch-export",
    version: 1,
    attnVersion: ATTN_VERSION,
    checkpoint: ckpt.dir,
    step: ckpt.meta.step,
    epoch: ckpt.meta.epoch,
    baseDir: runInfoOf(ckpt.dir)?.baseDir ?? null,
    data: dataPaths(config, runInfoOf(ckpt.dir)),
    labelSmoothing: labelSmoothingOf(config),
    optimizer: hasOptimizer ? ckpt.meta.optimizer : null,
    scheduler: ckpt.meta.scheduler,
  };
  write("export.json", toJson(manifest, 2) + "\n");
  return written;
}
