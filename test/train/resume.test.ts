/**
 * Resume equivalence and determinism through the real CLI: 2N steps straight must give the same
 * bytes as N steps, then `attn train --resume` to 2N — with dropout and scheduled sampling on (so
 * the RNG streams must be restored) and N in the middle of an epoch (so the data position must be).
 * The same config and seed twice give the same bytes.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readSafetensors } from "../../src/train/safetensors.js";
import { attn, readJsonFile, readJsonLines, tempFolder, trainTiny, writeTinyTask } from "../cli/fixture.js";

const N = 12;
const dir = tempFolder("resume");
const straight = join(dir, "straight");
const again = join(dir, "again");
const resumed = join(dir, "resumed");
const ckpt = (run: string, file: string) => join(run, "checkpoints", "last", file);

let halfMeta: Record<string, unknown>;
let resumeStderr = "";

beforeAll(async () => {
  const config = writeTinyTask(dir, {
    model: {
      encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, dropout: 0.2 },
      decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16, dropout: 0.3 },
    },
    // 64 pairs in batches of 8: 8 batches per epoch, so step N = 12 is in the middle of epoch 2.
    training: { batchSize: 8, lr: 0.01, validEvery: 6, logEvery: 3, scheduledSampling: 0.3, labelSmoothing: 0.1 },
  });
  await Promise.all([
    trainTiny(config, straight, "--set", `training.maxSteps=${2 * N}`),
    trainTiny(config, again, "--set", `training.maxSteps=${2 * N}`),
    trainTiny(config, resumed, "--set", `training.maxSteps=${N}`),
  ]);
  halfMeta = readJsonFile(ckpt(resumed, "meta.json"));
  const r = await attn(["train", "--resume", resumed, "--quiet", "--set", `training.maxSteps=${2 * N}`]);
  if (r.code !== 0) throw new Error(`attn train --resume exited ${r.code}:\n${r.stderr}`);
  resumeStderr = r.stderr;
});

/** Every tensor of two safetensors files equal bit for bit. */
function expectSameTensors(a: string, b: string): void {
  const ta = readSafetensors(a).tensors;
  const tb = readSafetensors(b).tensors;
  expect([...tb.keys()]).toEqual([...ta.keys()]);
  expect(ta.size).toBeGreaterThan(0);
  for (const [name, x] of ta) {
    const y = tb.get(name)!;
    expect(y.shape, name).toEqual(x.shape);
    const bitsX = new Uint32Array(x.data.buffer, x.data.byteOffset, x.data.length);
    const bitsY = new Uint32Array(y.data.buffer, y.data.byteOffset, y.data.length);
    expect(Buffer.from(bitsY.buffer, bitsY.byteOffset, bitsY.byteLength).equals(Buffer.from(bitsX.buffer, bitsX.byteOffset, bitsX.byteLength)), name).toBe(true);
  }
}

/** metrics.jsonl validation records without their wall-clock time. */
function validRecords(run: string): Record<string, unknown>[] {
  return readJsonLines(join(run, "metrics.jsonl"))
    .filter((r) => r.type === "valid")
    .map(({ time: _time, ...rest }) => rest);
}

describe("resume equivalence", () => {
  it("the half-way checkpoint is mid-epoch and carries the dropout and sampling streams", () => {
    expect(halfMeta.step).toBe(N);
    expect(halfMeta.epoch).toBe(1);
    expect(halfMeta.batchInEpoch).toBe(4);
    const streams = Object.keys(halfMeta.rngStates as object);
    expect(streams).toContain("scheduled-sampling");
    expect(streams.length).toBeGreaterThan(1);
    expect(resumeStderr).toContain(`resuming at step ${N} (epoch 2, batch 4)`);
  });

  it(`N = ${N} steps, then --resume to 2N: model and optimizer identical bit for bit to 2N straight`, () => {
    expect(readFileSync(ckpt(resumed, "model.safetensors")).equals(readFileSync(ckpt(straight, "model.safetensors")))).toBe(true);
    expect(readFileSync(ckpt(resumed, "optimizer.safetensors")).equals(readFileSync(ckpt(straight, "optimizer.safetensors")))).toBe(true);
    expectSameTensors(ckpt(straight, "model.safetensors"), ckpt(resumed, "model.safetensors"));
  });

  it("the resumed run's training state and validations match the straight run's", () => {
    const a = readJsonFile(ckpt(straight, "meta.json"));
    const b = readJsonFile(ckpt(resumed, "meta.json"));
    for (const k of ["step", "epoch", "batchInEpoch", "bestMetric", "optimizer", "scheduler", "rngStates", "config", "pipeline"]) expect(b[k], k).toEqual(a[k]);
    expect(validRecords(resumed)).toEqual(validRecords(straight));
    expect(validRecords(straight).map((r) => r.step)).toEqual([6, 12, 18, 24]);
  });

  it("resuming a finished run with no steps left changes nothing", async () => {
    const metricsBefore = readFileSync(join(resumed, "metrics.jsonl"), "utf8");
    const modelBefore = readFileSync(ckpt(resumed, "model.safetensors"));
    const metaTime = statSync(ckpt(resumed, "meta.json")).mtimeMs;
    const r = await attn(["train", "--resume", resumed, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`done: ${2 * N} steps in .* \\(max-steps\\)`));
    expect(readFileSync(join(resumed, "metrics.jsonl"), "utf8")).toBe(metricsBefore);
    expect(readFileSync(ckpt(resumed, "model.safetensors")).equals(modelBefore)).toBe(true);
    expect(statSync(ckpt(resumed, "meta.json")).mtimeMs).toBe(metaTime);
  });
});

describe("determinism", () => {
  it("the same config and seed twice: identical model.safetensors bytes, identical validations", () => {
    expect(readFileSync(ckpt(again, "model.safetensors")).equals(readFileSync(ckpt(straight, "model.safetensors")))).toBe(true);
    expect(readFileSync(ckpt(again, "optimizer.safetensors")).equals(readFileSync(ckpt(straight, "optimizer.safetensors")))).toBe(true);
    expect(validRecords(again)).toEqual(validRecords(straight));
    expect(readFileSync(join(again, "attention", `step-${2 * N}.csv`), "utf8")).toBe(readFileSync(join(straight, "attention", `step-${2 * N}.csv`), "utf8"));
  });
});
