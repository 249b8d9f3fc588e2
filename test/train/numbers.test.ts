/**
 * No fake numbers (trainRun in-process, tiny models): training without validation pairs, a
 * diverging loss that stays finite, the NaN/Inf stop pointing at the right checkpoint, and
 * non-finite numbers written the same way in metrics.jsonl and meta.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigSchema, type Config } from "../../src/config/schema.js";
import { UserError } from "../../src/errors.js";
import { runPaths, type RunInfo } from "../../src/train/runFolder.js";
import { trainRun } from "../../src/train/trainer.js";
import { readJsonFile, readJsonLines, stripAnsi, tempFolder, tinyConfig, writeTinyTask } from "../cli/fixture.js";

const dir = tempFolder("numbers");
writeTinyTask(dir);
const info: RunInfo = { baseDir: dir, configSource: join(dir, "tiny.json"), attnVersion: "test", created: "2026-01-01T00:00:00.000Z" };

const TRANSFORMER = {
  model: {
    encoder: { type: "transformer", hiddenSize: 8, layers: 1 },
    decoder: { type: "transformer", hiddenSize: 8, layers: 1 },
    transformer: { heads: 2, ffSize: 16 },
  },
};

function config(patch: Record<string, Record<string, unknown>>, training: Record<string, unknown> = {}): Config {
  const raw = tinyConfig(patch);
  return ConfigSchema.parse({ ...raw, training: { ...(raw.training as object), ...training } });
}

async function train(c: Config, runName: string, resume = false) {
  const log: string[] = [];
  const result = await trainRun(c, runPaths(join(dir, runName)), info, { quiet: true, resume, log: (l) => log.push(stripAnsi(l)) });
  return { result, log, metrics: () => readJsonLines(join(dir, runName, "metrics.jsonl")), text: () => readFileSync(join(dir, runName, "metrics.jsonl"), "utf8") };
}

// Only a training file: valid and test are split off it, here with no pairs for validation.
const NO_VALID = { data: { train: "data/train.tsv", valid: undefined, test: "data/test.tsv", split: { valid: 0 } } };

describe("training without validation pairs", () => {
  it("trains, says so, writes no valid records and no best checkpoint, and saves checkpoints/last at the end", async () => {
    const r = await train(config(NO_VALID, { maxSteps: 13, validEvery: 5 }), "no-valid");
    expect(r.result.stopReason).toBe("max-steps");
    expect(r.result.best).toBeNull();
    expect(r.log.filter((l) => l.startsWith("warning: the valid split has no pairs: training without validation"))).toHaveLength(1);
    expect(r.log.join("\n")).toMatch(/0 valid/);
    expect(r.log.join("\n")).toMatch(/done: 13 steps .*\| no validation, best: none/);
    expect(r.metrics().filter((m) => m.type === "valid")).toEqual([]);
    expect(existsSync(join(dir, "no-valid", "checkpoints", "best"))).toBe(false);
    expect((readJsonFile(join(dir, "no-valid", "checkpoints", "last", "meta.json")) as { step: number }).step).toBe(13);
    expect(readJsonFile(join(dir, "no-valid", "run.json")).data).toMatchObject({ valid: { pairs: 0 } });
  });

  it("refuses settings that need validation, before anything is written", async () => {
    await expect(train(config(NO_VALID, { maxSteps: 4, earlyStopping: { patience: 2 } }), "no-valid-patience")).rejects.toThrow(
      /^training\.earlyStopping\.patience: 2 stops on validation, but the valid split has no pairs/,
    );
    await expect(train(config(NO_VALID, { maxSteps: 4, schedule: { type: "plateau" } }), "no-valid-plateau")).rejects.toThrow(UserError);
    expect(existsSync(join(dir, "no-valid-patience"))).toBe(false);
    expect(existsSync(join(dir, "no-valid-plateau"))).toBe(false);
  });
});

describe("a diverging learning rate", () => {
  it("a loss far above ln V is reported once (warning even when quiet, a metrics record) and training goes on", async () => {
    const r = await train(config(TRANSFORMER, { lr: 30, maxSteps: 20, validEvery: 10, logEvery: 5 }), "diverging");
    expect(r.result.stopReason).toBe("max-steps");
    const warnings = r.log.filter((l) => l.includes("training is diverging"));
    expect(warnings).toHaveLength(1);
    const records = r.metrics().filter((m) => m.type === "diverging");
    expect(records).toHaveLength(1);
    const record = records[0] as { step: number; loss: number; bound: number };
    expect(record.loss).toBeGreaterThan(record.bound);
    expect(warnings[0]).toContain(`at step ${record.step} is above ${record.bound.toFixed(2)}`);
    // The bound is 10 · ln V of the target vocabulary in run's pipeline.
    const pipeline = readJsonFile(join(dir, "diverging", "vocab", "pipeline.json")) as { tgtVocab: { tokens: string[] } | "shared"; srcVocab: { tokens: string[] } };
    const vocab = (pipeline.tgtVocab === "shared" ? pipeline.srcVocab : pipeline.tgtVocab).tokens.length;
    expect(record.bound).toBeCloseTo(10 * Math.log(vocab), 6);
    // Its validation loss is so high that the perplexity overflows: written as "Infinity", not null.
    const valid = r.metrics().filter((m) => m.type === "valid");
    expect(valid.length).toBeGreaterThan(0);
    expect(valid.every((v) => v.perplexity === "Infinity" || typeof v.perplexity === "number")).toBe(true);
    expect(valid.some((v) => v.perplexity === "Infinity")).toBe(true);
    expect(r.text()).not.toContain("null");
    const meta = readFileSync(join(dir, "diverging", "checkpoints", "last", "meta.json"), "utf8");
    expect(meta).toContain('"perplexity": "Infinity"');
    // A resume reads the stored validation back (a finished run is not validated again).
    const resumed = await train(config(TRANSFORMER, { lr: 30, maxSteps: 20, validEvery: 10, logEvery: 5 }), "diverging", true);
    expect(resumed.result.last?.perplexity).toBe(Infinity);
  });

  it("a healthy run is never reported", async () => {
    const r = await train(config({}, { maxSteps: 20, validEvery: 10 }), "healthy");
    expect(r.metrics().filter((m) => m.type === "diverging")).toEqual([]);
    expect(r.log.join("\n")).not.toContain("diverging");
  });
});

describe("the NaN/Inf stop", () => {
  it("after a validation: names checkpoints/best with its step, never calls last good, and records the value as a string", async () => {
    // The rate is multiplied by 1e36 every 4 steps: the loss overflows a few validations in.
    const c = config({}, { optimizer: "sgd", lr: 0.1, clipNorm: 1e30, schedule: { type: "step", stepSize: 4, gamma: 1e12 }, validEvery: 2, logEvery: 1, maxSteps: 40 });
    const r = await train(c, "nan-late");
    expect(r.result.stopReason).toBe("non-finite");
    const errors = r.log.filter((l) => l.includes("error:"));
    expect(errors).toHaveLength(1);
    const bestStep = r.result.best!.step;
    expect(errors[0]).toMatch(new RegExp(`error: (loss|gradient norm) became (NaN|-?Infinity) at step ${r.result.steps + 1}; stopping\\. Use checkpoints/best \\(step ${bestStep}, valid loss \\d+\\.\\d{4}\\)`));
    expect(errors[0]).not.toMatch(/good/);
    const stop = r.metrics().filter((m) => m.type === "non-finite");
    expect(stop).toHaveLength(1);
    expect(["NaN", "Infinity", "-Infinity"]).toContain(stop[0]!.value);
    expect(stop[0]!.step).toBe(r.result.steps + 1);
    expect(r.text()).not.toContain("null");
  });
});
