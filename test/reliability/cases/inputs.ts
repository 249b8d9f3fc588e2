import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { tinyConfig } from "../../cli/fixture.js";
import type { BadInputCase, SharedRun } from "../corpus.js";
import { copyRun } from "../runChecks.js";

/**
 * What commands read besides checkpoints: sentences to translate or dump (UTF-8, named by
 * file:line like the data readers do), dump-attention selections, config files (a BOM is fine,
 * other encodings are not), --set keys that would reach Object.prototype, and impossible
 * `data generate --n` values, which stop at once instead of looping.
 */

const LATIN1 = Buffer.from("a b\nd\xe9j\xe0 vu\n", "latin1");

/** A file in the case folder; returns its name (relative to the case folder, the working directory). */
function file(dir: string, name: string, content: string | Buffer): string {
  writeFileSync(join(dir, name), content);
  return name;
}

/** The tiny config as text, its data paths pointing at the shared task. */
function configText(shared: SharedRun, patch: Record<string, Record<string, unknown>> = {}): string {
  const config = tinyConfig({ training: { maxSteps: 2 }, ...patch });
  config.data = Object.fromEntries(["train", "valid", "test"].map((s) => [s, join(shared.taskDir, "data", `${s}.tsv`)]));
  return JSON.stringify(config, null, 2) + "\n";
}

const noRunFolder = (dir: string) => expect(existsSync(join(dir, "run")), "nothing was started").toBe(false);

/** `attn train` with a --set that must be refused before anything is written. */
function refusedSet(set: string, message: RegExp): BadInputCase {
  return {
    name: `--set ${set}`,
    args: (_dir, shared) => ["train", "--config", shared.config, "--run-dir", "run", "--quiet", "--set", set],
    message,
    exitCode: 1,
    after: noRunFolder,
  };
}

/** `attn data generate` arguments that must stop with a message, writing nothing. */
function refusedGenerate(name: string, args: string[], message: RegExp): BadInputCase {
  return {
    name: `data generate ${name}`,
    args: () => ["data", "generate", ...args, "--out", "gen"],
    message,
    exitCode: 1,
    after: (dir) => expect(existsSync(join(dir, "gen")), "no output folder").toBe(false),
  };
}

export const cases: BadInputCase[] = [
  {
    name: "translate --input with Latin-1 bytes: file:line",
    args: (dir, shared) => ["translate", "--checkpoint", shared.runDir, "--input", file(dir, "latin1.txt", LATIN1)],
    message: /^error: latin1\.txt:2: invalid UTF-8; expected UTF-8 text/,
    exitCode: 1,
  },
  {
    name: "translate with invalid UTF-8 on stdin: <stdin>:line",
    args: (_dir, shared) => ["translate", "--checkpoint", shared.runDir],
    input: Buffer.from("a b\nc d\n\xff\xfe e\n", "latin1"),
    message: /^error: <stdin>:3: invalid UTF-8; expected UTF-8 text/,
    exitCode: 1,
  },
  {
    name: "dump-attention --input with Latin-1 bytes: file:line",
    args: (dir, shared) => ["dump-attention", "--checkpoint", shared.runDir, "--input", file(dir, "latin1.txt", LATIN1), "--output", "out.csv"],
    message: /^error: latin1\.txt:2: invalid UTF-8/,
    exitCode: 1,
    after: (dir) => expect(existsSync(join(dir, "out.csv")), "no CSV written").toBe(false),
  },
  {
    name: "eval on a split with Latin-1 bytes: file:line",
    args: (dir, shared) => {
      const run = copyRun(dir, shared);
      cpSync(shared.taskDir, join(dir, "task"), { recursive: true });
      const test = join(dir, "task", "data", "test.tsv");
      writeFileSync(test, Buffer.concat([readFileSync(test).subarray(0, 12), Buffer.from("\n\xe9\tb\n", "latin1")]));
      const info = JSON.parse(readFileSync(join(run, "run.json"), "utf8")) as Record<string, unknown>;
      writeFileSync(join(run, "run.json"), JSON.stringify({ ...info, baseDir: join(dir, "task") }));
      return ["eval", "--checkpoint", "run"];
    },
    message: /^error: task\/data\/test\.tsv:\d+: invalid UTF-8/,
    exitCode: 1,
  },
  {
    name: "dump-attention --layer beyond the model's layers",
    args: (_dir, shared) => ["dump-attention", "--checkpoint", shared.runDir, "--source", "a b", "--layer", "1"],
    message: /^error: --layer 1: out of range; this model's attention has only layer 0$/,
    exitCode: 1,
  },
  {
    name: "dump-attention --head beyond the model's heads",
    args: (_dir, shared) => ["dump-attention", "--checkpoint", shared.runDir, "--source", "a b", "--kind", "cross", "--head", "3"],
    message: /^error: --head 3: out of range; this model's cross attention has only head 0$/,
    exitCode: 1,
  },
  {
    name: "dump-attention --kind the model does not have",
    args: (_dir, shared) => ["dump-attention", "--checkpoint", shared.runDir, "--source", "a b", "--kind", "decoder-self", "--output", "out.csv"],
    message: /^error: --kind decoder-self: this model has no decoder-self attention; expected cross$/,
    exitCode: 1,
    after: (dir) => expect(existsSync(join(dir, "out.csv")), "no empty CSV written").toBe(false),
  },
  {
    name: "a config file in Latin-1: file:line",
    args: (dir, shared) => ["train", "--config", file(dir, "latin1.json", Buffer.from(configText(shared).replace('"tiny"', '"caf\xe9"'), "latin1")), "--run-dir", "run", "--quiet"],
    message: /^error: latin1\.json:2: invalid UTF-8; expected UTF-8 text/,
    exitCode: 1,
    after: noRunFolder,
  },
  {
    name: "a config file with a UTF-8 BOM is read (its schema error is reported, not the BOM)",
    args: (dir, shared) => ["train", "--config", file(dir, "bom.json", "\uFEFF" + configText(shared, { training: { lr: "fast" } })), "--run-dir", "run", "--quiet"],
    message: /^error: bom\.json: training\.lr: .*"fast"/,
    exitCode: 1,
    after: noRunFolder,
  },
  {
    name: "a config file with a UTF-8 BOM and a syntax error: line:column as in the editor",
    args: (dir, shared) => ["train", "--config", file(dir, "bom.json", "\uFEFF" + configText(shared).replace('"seed": 7', '"seed": 7,,')), "--run-dir", "run", "--quiet"],
    message: /^error: bom\.json:3:\d+: invalid JSON/,
    exitCode: 1,
    after: noRunFolder,
  },
  refusedSet("__proto__.polluted=1", /^error: --set __proto__\.polluted=1: "__proto__" is not a config key \(__proto__, constructor, prototype are refused\)/),
  refusedSet("constructor.prototype.polluted=1", /^error: --set constructor\.prototype\.polluted=1: "constructor" is not a config key/),
  refusedSet("training.__proto__.lr=5", /^error: --set training\.__proto__\.lr=5: "__proto__" is not a config key/),
  refusedSet("model.prototype=1", /^error: --set model\.prototype=1: "prototype" is not a config key/),
  refusedGenerate("--n 0", ["--task", "copy", "--n", "0"], /^error: --n 0: expected a positive integer$/),
  refusedGenerate("--n -3", ["--task", "copy", "--n", "-3"], /^error: --n -3: expected a positive integer$/),
  refusedGenerate("--n 2.5", ["--task", "copy", "--n", "2.5"], /^error: --n "2\.5": expected an integer$/),
  refusedGenerate("--n 99999999999 (more than one dataset may hold)", ["--task", "dates", "--n", "99999999999"], /^error: --n 99999999999: expected at most 1,000,000 pairs per dataset$/),
  refusedGenerate(
    "--n larger than the copy task's 14 distinct sources",
    ["--task", "copy", "--n", "100", "--symbols", "2", "--min-len", "1", "--max-len", "3"],
    /^error: --n 100: the copy task has only 14 distinct sources with --min-len 1 --max-len 3 --symbols 2; expected --n ≤ 14/,
  ),
  refusedGenerate(
    "--n larger than the sort task's distinct sources",
    ["--task", "sort", "--n", "5000", "--symbols", "2", "--min-len", "1", "--max-len", "10"],
    /^error: --n 5000: the sort task has only 2046 distinct sources with --min-len 1 --max-len 10 --symbols 2; expected --n ≤ 2046/,
  ),
  refusedGenerate("--valid -1", ["--task", "copy", "--n", "20", "--valid", "-1"], /^error: --valid -1: expected an integer ≥ 0$/),
];
