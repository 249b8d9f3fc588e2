/** Generating a synthetic dataset and writing it as train/valid/test TSV plus Pharaoh alignments. */
import { existsSync, rmSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import { displayPath, fsUserError, makeDirs, withFsErrors } from "../../fsErrors.js";
import { Rng } from "../../tensor/rng.js";
import { plural } from "../readers/pairCollector.js";
import type { Splits } from "../split.js";
import { resolveTaskOptions } from "./index.js";
import type { SyntheticPair, SyntheticTask, TaskOptionValues } from "./task.js";

export interface GenerateOptions {
  task: SyntheticTask;
  /** Total number of pairs over the three splits. */
  n: number;
  seed: number;
  /** Validation pairs; default 10% of n. */
  valid?: number;
  /** Test pairs; default 10% of n. */
  test?: number;
  /** Task options by key (see the task's `options`); missing ones take their defaults. */
  options?: TaskOptionValues;
}

export interface SplitSizes {
  train: number;
  valid: number;
  test: number;
}

/**
 * Most pairs one `data generate` writes: every pair is held in memory before it is written, and
 * far larger sets than a toy trainer reads would take minutes and gigabytes before failing.
 */
export const MAX_GENERATED_PAIRS = 1_000_000;

export function splitSizes(n: number, valid?: number, test?: number): SplitSizes {
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--n ${n}: expected a positive integer`);
  if (n > MAX_GENERATED_PAIRS) throw new UserError(`--n ${n}: expected at most ${MAX_GENERATED_PAIRS.toLocaleString("en-US")} pairs per dataset`);
  for (const [flag, count] of [["--valid", valid], ["--test", test]] as const) {
    if (count !== undefined && (!Number.isInteger(count) || count < 0)) throw new UserError(`${flag} ${count}: expected an integer ≥ 0`);
  }
  const v = valid ?? Math.round(n * 0.1);
  const t = test ?? Math.round(n * 0.1);
  if (v + t >= n) throw new UserError(`--valid ${v} + --test ${t} leaves no training pairs out of --n ${n}; expected fewer than ${n} together`);
  return { train: n - v - t, valid: v, test: t };
}

/**
 * The three splits, drawn in one stream from Rng(seed): n pairs with distinct sources, the first
 * for train, then valid, then test. Same options and seed, same pairs.
 */
export function generateSplits(opts: GenerateOptions): Splits<SyntheticPair> {
  const sizes = splitSizes(opts.n, opts.valid, opts.test);
  const options = resolveTaskOptions(opts.task, opts.options ?? {});
  const capacity = opts.task.capacity?.(options) ?? Infinity;
  if (opts.n > capacity) {
    const flags = opts.task.options.map((o) => `${o.flag} ${options[o.key]}`).join(" ");
    throw new UserError(`--n ${opts.n}: the ${opts.task.name} task has only ${capacity} distinct sources with ${flags}; expected --n ≤ ${capacity} (widen the length range or the symbol set)`);
  }
  if (opts.task.generateSplits) return opts.task.generateSplits(sizes, options, new Rng(opts.seed));
  const pairs = opts.task.generate(opts.n, options, new Rng(opts.seed));
  return {
    train: pairs.slice(0, sizes.train),
    valid: pairs.slice(sizes.train, sizes.train + sizes.valid),
    test: pairs.slice(sizes.train + sizes.valid),
  };
}

export function formatTsv(pairs: readonly SyntheticPair[]): string {
  return pairs.map((p) => `${p.src}\t${p.tgt}\n`).join("");
}

/** Pharaoh format: one line per pair, "i-j" = source token i aligned to target token j. */
export function formatAlignments(pairs: readonly SyntheticPair[]): string {
  return pairs.map((p) => p.alignment.map(([i, j]) => `${i}-${j}`).join(" ") + "\n").join("");
}

/** The command line that regenerates a dataset (without --out). */
export function generateCommand(opts: GenerateOptions): string {
  const sizes = splitSizes(opts.n, opts.valid, opts.test);
  const options = resolveTaskOptions(opts.task, opts.options ?? {});
  const taskFlags = opts.task.options.map((o) => ` ${o.flag} ${options[o.key]}`).join("");
  return `attn data generate --task ${opts.task.name} --n ${opts.n} --seed ${opts.seed} --valid ${sizes.valid} --test ${sizes.test}${taskFlags}`;
}

/** The files `writeGeneratedDataset` writes, in order. */
export const GENERATED_FILES = ["train.tsv", "train.align", "valid.tsv", "valid.align", "test.tsv", "test.align", "meta.json", "README.md"] as const;

/**
 * Writes train/valid/test .tsv and .align, meta.json and README.md into `dir`; returns the file
 * names. `dir` must not be a file; a folder that already holds any of these files is refused
 * unless `force` (then only those files are replaced). Checked before generating anything.
 */
export async function writeGeneratedDataset(dir: string, opts: GenerateOptions, force = false): Promise<string[]> {
  checkOutputFolder(dir, force);
  const splits = generateSplits(opts);
  const options = resolveTaskOptions(opts.task, opts.options ?? {});
  withFsErrors("create the output folder", dir, () => makeDirs(dir));
  const files: [string, string][] = [];
  for (const name of ["train", "valid", "test"] as const) {
    files.push([`${name}.tsv`, formatTsv(splits[name])], [`${name}.align`, formatAlignments(splits[name])]);
  }
  const meta = {
    task: opts.task.name,
    description: opts.task.description,
    seed: opts.seed,
    n: opts.n,
    sizes: { train: splits.train.length, valid: splits.valid.length, test: splits.test.length },
    options,
    tokenizer: opts.task.tokenizer,
    alignment: `Pharaoh i-j per line of the .tsv: source token i ~ target token j, ${opts.task.tokenizer} tokens, 0-based`,
    command: generateCommand(opts),
  };
  files.push(["meta.json", JSON.stringify(meta, null, 2) + "\n"], ["README.md", datasetReadme(meta)]);
  await writeAll(dir, files);
  return files.map(([name]) => name);
}

/**
 * Write the files in order. When one fails (a full disk), the files this call created are
 * removed again, so a retry is not refused for a half-written dataset.
 */
async function writeAll(dir: string, files: readonly (readonly [string, string])[]): Promise<void> {
  const created: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    if (!existsSync(path)) created.push(path);
    try {
      await writeFile(path, text, "utf8");
    } catch (err) {
      for (const p of created) rmSync(p, { force: true });
      throw fsUserError(err, "write the generated file", path, created.length > 0 ? "removed the files this command had written" : "");
    }
  }
}

function checkOutputFolder(dir: string, force: boolean): void {
  let info;
  try {
    info = statSync(dir);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return;
    throw fsUserError(err, "use it as the --out folder", dir);
  }
  if (!info.isDirectory()) throw new UserError(`--out ${displayPath(dir)}: is a file; expected a folder (new, or one to overwrite with --force)`);
  const taken = GENERATED_FILES.filter((f) => existsSync(join(dir, f)));
  if (taken.length > 0 && !force) {
    const shown = taken.length > 3 ? `${taken.slice(0, 3).join(", ")}, …` : taken.join(", ");
    throw new UserError(`--out ${displayPath(dir)}: already holds a dataset (${shown}); pass --force to overwrite its files, or choose a new folder`);
  }
}

function datasetReadme(meta: { task: string; description: string; sizes: SplitSizes; tokenizer: string; command: string }): string {
  const { train, valid, test } = meta.sizes;
  return `# Synthetic task: ${meta.task}

${meta.description}.

- \`train.tsv\`, \`valid.tsv\`, \`test.tsv\`: \`source<TAB>target\`, ${plural(train, "pair")} / ${plural(valid, "pair")} / ${plural(test, "pair")}.
- \`*.align\`: gold alignments, line by line with the TSV, Pharaoh format: \`i-j\` means source
  token i corresponds to target token j (0-based, ${meta.tokenizer} tokens${meta.tokenizer === "char" ? ", a space is one token" : ""}).
- \`meta.json\`: task, seed, sizes and options.

Generated by attn; regenerate byte for byte with:

    ${meta.command} --out <this folder>
`;
}
