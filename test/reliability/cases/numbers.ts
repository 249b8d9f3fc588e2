import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { attn, readJsonLines, trainTiny, writeTinyTask } from "../../cli/fixture.js";
import type { BadInputCase } from "../corpus.js";

/**
 * No fake numbers: settings that need validation pairs when there are none, evaluation of an
 * empty split, and a run whose loss overflows (exit 3, pointing at checkpoints/best).
 */
type Patch = Record<string, Record<string, unknown>>;

/** Only a training file (and test): the valid split comes from data.split.valid. */
const splitValid = (fraction: number, training: Record<string, unknown>): Patch => ({
  data: { train: "data/train.tsv", valid: undefined, test: "data/test.tsv", split: { valid: fraction } },
  training: { maxSteps: 4, validEvery: 2, ...training },
});

function refused(name: string, patch: Patch, message: RegExp): BadInputCase {
  return {
    name,
    args: (dir) => ["train", "--config", writeTinyTask(dir, patch), "--run-dir", join(dir, "run"), "--quiet"],
    message,
    exitCode: 1,
    after: (dir) => expect(existsSync(join(dir, "run")), "no run folder").toBe(false),
  };
}

export const cases: BadInputCase[] = [
  refused("early stopping with no validation pairs (split.valid 0)", splitValid(0, { earlyStopping: { patience: 2 } }), /^error: training\.earlyStopping\.patience: 2 stops on validation, but the valid split has no pairs/),
  // 64 pairs × 0.005 rounds to no validation pair at all.
  refused("a plateau schedule with a validation fraction that rounds to no pairs", splitValid(0.005, { schedule: { type: "plateau" } }), /^error: training\.schedule\.type: "plateau" follows the validation metric, but the valid split has no pairs/),
  {
    name: "early stopping when every validation pair is too long for the model",
    args: (dir) => {
      // Learned positions with 2 rows read 1 token a side: the training file has such pairs, the valid file none.
      const config = writeTinyTask(dir, {
        model: { encoder: { type: "transformer", hiddenSize: 8, layers: 1 }, decoder: { type: "transformer", hiddenSize: 8, layers: 1 }, transformer: { heads: 2, ffSize: 16, positions: "learned", maxPositions: 2 } },
        decoding: { maxLen: 2 },
        data: { train: "data/one.tsv", valid: "data/valid.tsv", test: "data/test.tsv" },
        training: { earlyStopping: { patience: 1 } },
      });
      writeFileSync(join(dir, "data", "one.tsv"), "a\ta\nb\tb\nc\tc\n");
      return ["train", "--config", config, "--run-dir", join(dir, "run"), "--quiet"];
    },
    message: /^error: training\.earlyStopping\.patience: 1 stops on validation, but the valid split has no pairs \(after reading, splitting and length filtering\)/,
    exitCode: 1,
    after: (dir) => expect(existsSync(join(dir, "run")), "no run folder").toBe(false),
  },
  {
    name: "eval --split valid of a run trained without validation pairs",
    args: async (dir) => {
      const run = join(dir, "run");
      await trainTiny(writeTinyTask(dir, splitValid(0, {})), run);
      return ["eval", "--checkpoint", run, "--split", "valid"];
    },
    message: /^error: --split valid: no pairs to evaluate/,
    exitCode: 1,
    timeoutMs: 90_000,
  },
  {
    name: "a loss that overflows after a validation: exit 3, pointing at checkpoints/best",
    args: (dir) => [
      "train",
      "--config",
      // SGD whose rate is multiplied by 1e12 every 4 steps: a few validations, then NaN/Inf.
      writeTinyTask(dir, { training: { optimizer: "sgd", lr: 0.1, clipNorm: 1e30, schedule: { type: "step", stepSize: 4, gamma: 1e12 }, validEvery: 2, logEvery: 1, maxSteps: 40 } }),
      "--run-dir",
      join(dir, "run"),
      "--quiet",
    ],
    message: /^error: (loss|gradient norm) became (NaN|-?Infinity) at step \d+; stopping\. Use checkpoints\/best \(step \d+, valid loss \d+\.\d{4}\)/,
    exitCode: 3,
    after: async (dir) => {
      const metrics = join(dir, "run", "metrics.jsonl");
      const stop = readJsonLines(metrics).filter((m) => m.type === "non-finite");
      expect(stop).toHaveLength(1);
      expect(["NaN", "Infinity", "-Infinity"]).toContain(stop[0]!.value);
      expect(readFileSync(metrics, "utf8"), "non-finite numbers are strings, never null").not.toContain("null");
      // The checkpoint it points at works.
      const r = await attn(["translate", "--checkpoint", join(dir, "run", "checkpoints", "best")], { input: "a b\n" });
      expect(r.code, r.stderr).toBe(0);
    },
    timeoutMs: 90_000,
  },
];
