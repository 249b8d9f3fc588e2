import { copyFileSync, cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { readJsonFile, trainTiny, writeTinyTask } from "../../cli/fixture.js";
import type { BadInputCase, SharedRun } from "../corpus.js";

/**
 * Sentences a Transformer with learned positions cannot read: maxPositions 5 rows hold 4 tokens
 * a side (</s> or <s> takes one) and 5 decoding steps. A decoding length over that is refused
 * with the config; an over-long sentence given to translate or dump-attention is an error naming
 * where it came from, never truncated.
 */
const P = 5;
const learned = (extra: Record<string, Record<string, unknown>> = {}) => ({
  model: {
    encoder: { type: "transformer", hiddenSize: 8, layers: 1 },
    decoder: { type: "transformer", hiddenSize: 8, layers: 1 },
    transformer: { heads: 2, ffSize: 16, positions: "learned", maxPositions: P },
  },
  decoding: { maxLen: P },
  ...extra,
});

/** One run with learned positions, trained once for every case of this file that needs it. */
let learnedRun: Promise<string> | null = null;
function trainedLearned(shared: SharedRun): Promise<string> {
  learnedRun ??= (async () => {
    const dir = join(dirname(shared.taskDir), "lengths-learned");
    const run = join(dir, "run");
    await trainTiny(writeTinyTask(dir, learned({ training: { maxSteps: 4, validEvery: 4 } })), run);
    return run;
  })();
  return learnedRun;
}

const TOO_LONG_SOURCE = "a b c d e"; // 5 tokens + </s> = 6 positions
const TOO_LONG = /the (source|target) has 5 tokens, but this model reads at most 4 \(learned positions, model\.transformer\.maxPositions 5, and <\/?s> takes one\)/;
const noRunFolder = (dir: string) => expect(existsSync(join(dir, "run")), "nothing is trained or written").toBe(false);

export const cases: BadInputCase[] = [
  {
    name: "decoding.maxLen past the learned positions (config file)",
    args: (dir) => ["train", "--config", writeTinyTask(dir, learned({ decoding: { maxLen: P + 1 } })), "--run-dir", join(dir, "run"), "--quiet"],
    message: /tiny\.json: decoding\.maxLen\b.*6 decoder steps need 6 target positions .*model\.transformer\.maxPositions\b.*5 with learned positions; expected decoding\.maxLen ≤ 5/,
    exitCode: 1,
    after: noRunFolder,
  },
  {
    name: "decoding.maxLen past the learned positions (--set)",
    args: (dir) => ["train", "--config", writeTinyTask(dir, learned()), "--run-dir", join(dir, "run"), "--quiet", "--set", "decoding.maxLen=100"],
    message: /decoding\.maxLen\b.*100 decoder steps need 100 target positions .*expected decoding\.maxLen ≤ 5/,
    exitCode: 1,
    after: noRunFolder,
  },
  {
    name: "translate: an over-long sentence on stdin names its line",
    args: async (_dir, shared) => ["translate", "--checkpoint", await trainedLearned(shared)],
    input: `a b\n${TOO_LONG_SOURCE}\n`,
    message: new RegExp(`^error: <stdin>:2: ${TOO_LONG.source}; shorten or split the sentence$`),
    exitCode: 1,
    after: (_dir, run) => expect(run.stdout, "no partial output").toBe(""),
  },
  {
    name: "translate --input: an over-long sentence names file:line",
    args: async (dir, shared) => {
      writeFileSync(join(dir, "long.txt"), `a\nb c\n${TOO_LONG_SOURCE}\n`);
      return ["translate", "--checkpoint", await trainedLearned(shared), "--input", "long.txt", "--output", "out.txt"];
    },
    message: /^error: long\.txt:3: the source has 5 tokens/,
    exitCode: 1,
    after: (dir) => expect(existsSync(join(dir, "out.txt")), "no output file").toBe(false),
  },
  {
    name: "translate --max-len past the learned positions",
    args: async (_dir, shared) => ["translate", "--checkpoint", await trainedLearned(shared), "--max-len", "6"],
    input: "a b\n",
    message: /^error: --max-len 6: this model decodes at most 5 steps \(learned positions, model\.transformer\.maxPositions 5\); expected --max-len ≤ 5$/,
    exitCode: 1,
  },
  {
    name: "dump-attention --source too long",
    args: async (_dir, shared) => ["dump-attention", "--checkpoint", await trainedLearned(shared), "--source", TOO_LONG_SOURCE],
    message: new RegExp(`^error: --source: ${TOO_LONG.source}`),
    exitCode: 1,
  },
  {
    name: "dump-attention --target too long",
    args: async (_dir, shared) => ["dump-attention", "--checkpoint", await trainedLearned(shared), "--source", "a b", "--target", "e d c b a"],
    message: /^error: --target: the target has 5 tokens, but this model reads at most 4 \(.*and <s> takes one\)/,
    exitCode: 1,
  },
  {
    name: "dump-attention --input: an over-long forced target names file:line",
    args: async (dir, shared) => {
      writeFileSync(join(dir, "pairs.tsv"), "a b\tb a\nc\te d c b a\n");
      return ["dump-attention", "--checkpoint", await trainedLearned(shared), "--input", "pairs.tsv"];
    },
    message: /^error: pairs\.tsv:2: the target has 5 tokens/,
    exitCode: 1,
  },
  {
    name: "eval on a split whose every pair is too long for the model",
    args: async (dir, shared) => {
      // The trained run, pointed at a data folder whose test pairs all have 5 tokens.
      cpSync(await trainedLearned(shared), join(dir, "run"), { recursive: true });
      mkdirSync(join(dir, "data"));
      for (const f of ["train.tsv", "valid.tsv"]) copyFileSync(join(shared.taskDir, "data", f), join(dir, "data", f));
      writeFileSync(join(dir, "data", "test.tsv"), "a b c d e\te d c b a\nb b b b b\tb b b b b\n");
      writeFileSync(join(dir, "run", "run.json"), JSON.stringify({ ...readJsonFile(join(dir, "run", "run.json")), baseDir: dir }));
      return ["eval", "--checkpoint", join(dir, "run"), "--split", "test"];
    },
    message: /^error: --split test: no pairs to evaluate \(the split is empty after reading, splitting and length filtering\)/,
    exitCode: 1,
  },
];
