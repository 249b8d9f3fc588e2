/**
 * trainRun through its API (in-process, tiny models): resume equivalence for another architecture
 * and schedule than the CLI test (Luong local-p attention, LSTM, AdamW, plateau schedule, batches by
 * token count), the non-finite stop before any checkpoint exists, and a checkpoint round trip.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigSchema, type Config } from "../../src/config/schema.js";
import { buildModel } from "../../src/models/build.js";
import { buildOptimizer, buildScheduler } from "../../src/train/optimizerFactory.js";
import { loadCheckpoint, restoreModel, saveCheckpoint } from "../../src/train/checkpoint.js";
import { runPaths, type RunInfo } from "../../src/train/runFolder.js";
import { trainRun, type TrainResult } from "../../src/train/trainer.js";
import { TextPipeline } from "../../src/data/textPipeline.js";
import { readJsonFile, readJsonLines, tempFolder, tinyConfig, writeTinyTask } from "../cli/fixture.js";

const dir = tempFolder("trainer");
writeTinyTask(dir);

const info: RunInfo = { baseDir: dir, configSource: join(dir, "tiny.json"), attnVersion: "test", created: "2026-01-01T00:00:00.000Z" };

function config(patch: Record<string, Record<string, unknown>>, training: Record<string, unknown> = {}): Config {
  const raw = tinyConfig(patch);
  return ConfigSchema.parse({ ...raw, training: { ...(raw.training as object), ...training } });
}

async function train(c: Config, runName: string, resume = false): Promise<{ result: TrainResult; log: string[] }> {
  const log: string[] = [];
  const result = await trainRun(c, runPaths(join(dir, runName)), info, { quiet: true, resume, log: (l) => log.push(l) });
  return { result, log };
}

const last = (run: string, file: string) => join(dir, run, "checkpoints", "last", file);

const LUONG = {
  model: {
    encoder: { type: "lstm", embeddingSize: 8, hiddenSize: 8, dropout: 0.1 },
    decoder: { type: "luong", cell: "lstm", embeddingSize: 8, hiddenSize: 12, dropout: 0.2, inputFeeding: true },
    attention: { score: "general", scope: "local-p", window: 2 },
  },
};
const LUONG_TRAINING = {
  optimizer: "adamw",
  weightDecay: 0.01,
  maxTokens: 30,
  validEvery: 5,
  logEvery: 5,
  scheduledSampling: 0.2,
  // Exact match stays near 0 this early, so the plateau schedule halves the rate at most validations.
  schedule: { type: "plateau", factor: 0.5, patience: 0 },
  earlyStopping: { metric: "exactMatch", patience: 0 },
};

describe("trainRun", () => {
  it("resume equivalence: Luong local-p, LSTM, AdamW, plateau schedule, token batches", async () => {
    const a = await train(config(LUONG, { ...LUONG_TRAINING, maxSteps: 20 }), "luong-straight");
    const b = await train(config(LUONG, { ...LUONG_TRAINING, maxSteps: 10 }), "luong-resumed");
    expect(a.result.stopReason).toBe("max-steps");
    expect(b.result.steps).toBe(10);
    const half = readJsonFile(last("luong-resumed", "meta.json")) as { batchInEpoch: number; scheduler: { spec: unknown } };
    expect(half.batchInEpoch).toBeGreaterThan(0);
    const resumed = await train(config(LUONG, { ...LUONG_TRAINING, maxSteps: 20 }), "luong-resumed", true);
    expect(resumed.result.steps).toBe(20);
    expect(resumed.log.join("\n")).toContain("resuming at step 10");

    for (const f of ["model.safetensors", "optimizer.safetensors"]) {
      expect(readFileSync(last("luong-resumed", f)).equals(readFileSync(last("luong-straight", f))), f).toBe(true);
    }
    const ma = readJsonFile(last("luong-straight", "meta.json"));
    const mb = readJsonFile(last("luong-resumed", "meta.json"));
    for (const k of ["step", "epoch", "batchInEpoch", "bestMetric", "optimizer", "scheduler", "rngStates"]) expect(mb[k], k).toEqual(ma[k]);
    const lrs = (run: string) => readJsonLines(join(dir, run, "metrics.jsonl")).filter((r) => r.type === "valid").map((r) => [r.step, r.loss, r.lr]);
    expect(lrs("luong-resumed")).toEqual(lrs("luong-straight"));
    // The schedule did act, after the resume point too.
    const after = lrs("luong-straight").filter(([step]) => (step as number) > 10).map(([, , lr]) => lr);
    expect(new Set([0.01, ...after]).size).toBeGreaterThan(1);
  });

  it("a non-finite loss before the first checkpoint: the message says none was saved, even when quiet", async () => {
    const c = config({}, { optimizer: "sgd", lr: 0.1, clipNorm: 1e30, schedule: { type: "step", stepSize: 2, gamma: 1e36 }, validEvery: 30, maxSteps: 40 });
    const { result, log } = await train(c, "nan-early");
    expect(result.stopReason).toBe("non-finite");
    expect(result.steps).toBeLessThan(30);
    const errors = log.filter((l) => l.includes("error:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/error: (loss|gradient norm) became (NaN|-?Infinity) at step \d+; stopping\. No checkpoint had been saved yet \(the first comes at step 30\)\. Try a lower training\.lr or training\.clipNorm\./);
    expect(existsSync(join(dir, "nan-early", "checkpoints"))).toBe(false);
  });

  it("checkpoint round trip: load into a fresh model and optimizer, save again, same bytes", async () => {
    const c = config({}, { maxSteps: 8, validEvery: 4, scheduledSampling: 0.1 });
    await train(c, "roundtrip");
    const ckpt = loadCheckpoint(join(dir, "roundtrip", "checkpoints", "last"));
    const pipeline = TextPipeline.fromJSON(ckpt.meta.pipeline, "meta.json");
    const model = buildModel(c.model, { source: pipeline.srcVocab.size, target: pipeline.tgtVocab.size }, c.seed + 1);
    restoreModel(model, ckpt);
    const optimizer = buildOptimizer(c.training, model.namedParameters());
    optimizer.loadStateDict(ckpt.optimizerState!);
    const scheduler = buildScheduler(c.training);
    scheduler.loadStateDict(ckpt.meta.scheduler as never);
    const copy = join(dir, "roundtrip-copy");
    saveCheckpoint(copy, { ...ckpt.meta, model, optimizer, scheduler });
    for (const f of ["model.safetensors", "optimizer.safetensors"]) {
      expect(readFileSync(join(copy, f)).equals(readFileSync(last("roundtrip", f))), f).toBe(true);
    }
    const again = readJsonFile(join(copy, "meta.json"));
    const original = readJsonFile(last("roundtrip", "meta.json"));
    expect({ ...again, created: null }).toEqual({ ...original, created: null });
  });
});
