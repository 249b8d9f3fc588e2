/**
 * `attn train --resume RUN --set …` through the real CLI: a resumable change takes effect and is
 * recorded, a fixed one is refused before anything is written, and the vocabularies come from
 * the run folder (or its checkpoint), never from the data. Plus the schedule hand-over itself.
 */
import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createScheduler } from "../../src/optim/schedules.js";
import { continueSchedule } from "../../src/train/resume.js";
import { attn, readJsonFile, readJsonLines, stripAnsi, tempFolder, trainTiny, writeTinyTask, type Run } from "../cli/fixture.js";

const N = 12;
const dir = tempFolder("resume-changes");
const base = join(dir, "base");
const unchanged = join(dir, "unchanged");
const newLr = join(dir, "new-lr");
const refused = join(dir, "refused");
const noVocab = join(dir, "no-vocab");

/** Train records of metrics.jsonl after step `after`. */
const trainAfter = (run: string, after: number) => readJsonLines(join(run, "metrics.jsonl")).filter((r) => r.type === "train" && (r.step as number) > after);
const resumeRecords = (run: string) => readJsonLines(join(run, "metrics.jsonl")).filter((r) => r.type === "resume");
const resume = (run: string, ...sets: string[]) => attn(["train", "--resume", run, "--quiet", ...sets.flatMap((s) => ["--set", s])]);

let runs: Record<"unchanged" | "newLr" | "refused" | "noVocab", Run>;
let before: { config: string; metrics: string };

beforeAll(async () => {
  const config = writeTinyTask(dir, { training: { batchSize: 8, lr: 0.01, validEvery: 6, logEvery: 3 } });
  await trainTiny(config, base, "--set", `training.maxSteps=${N}`);
  for (const copy of [unchanged, newLr, refused, noVocab]) cpSync(base, copy, { recursive: true });
  before = { config: readFileSync(join(refused, "config.json"), "utf8"), metrics: readFileSync(join(refused, "metrics.jsonl"), "utf8") };
  rmSync(join(noVocab, "vocab", "pipeline.json"));
  const [a, b, c, d] = await Promise.all([
    resume(unchanged, `training.maxSteps=${2 * N}`),
    resume(newLr, `training.maxSteps=${2 * N}`, "training.lr=0.002"),
    resume(refused, `training.maxSteps=${2 * N}`, "model.decoder.hiddenSize=32"),
    resume(noVocab, `training.maxSteps=${N + 3}`),
  ]);
  runs = { unchanged: a!, newLr: b!, refused: c!, noVocab: d! };
  for (const [name, r] of Object.entries(runs)) if (name !== "refused" && r.code !== 0) throw new Error(`resume ${name} exited ${r.code}:\n${r.stderr}`);
}, 120_000);

describe("resume with a new learning rate", () => {
  it("the train records after the resume use the new rate; an unchanged resume keeps the old one", () => {
    const after = trainAfter(newLr, N);
    expect(after.length).toBeGreaterThan(0);
    for (const r of after) expect(r.lr).toBe(0.002);
    const same = trainAfter(unchanged, N);
    expect(same.map((r) => r.step)).toEqual(after.map((r) => r.step));
    for (const r of same) expect(r.lr).toBe(0.01);
  });

  it("the new rate changes what is learned", () => {
    const a = readFileSync(join(unchanged, "checkpoints", "last", "model.safetensors"));
    const b = readFileSync(join(newLr, "checkpoints", "last", "model.safetensors"));
    expect(b.equals(a)).toBe(false);
  });

  it("records the change in metrics.jsonl, config.json and the checkpoint", () => {
    expect(resumeRecords(newLr).map(({ time: _t, ...r }) => r)).toEqual([
      { type: "resume", step: N, changed: { "training.lr": { from: 0.01, to: 0.002 }, "training.maxSteps": { from: N, to: 2 * N } } },
    ]);
    expect((readJsonFile(join(newLr, "config.json")).training as Record<string, unknown>).lr).toBe(0.002);
    const meta = readJsonFile(join(newLr, "checkpoints", "last", "meta.json"));
    expect(((meta.config as Record<string, Record<string, unknown>>).training!).lr).toBe(0.002);
    expect(stripAnsi(runs.newLr.stderr)).toContain(`resuming at step ${N} (epoch 2, batch 4); changed: training.lr 0.01 → 0.002`);
  });

  it("a resume records exactly what --set changed", () => {
    expect(resumeRecords(unchanged).map((r) => r.changed)).toEqual([{ "training.maxSteps": { from: N, to: 2 * N } }]);
  });
});

describe("a refused change", () => {
  it("exits non-zero with one line naming the option, before writing anything", () => {
    expect(runs.refused.code).toBe(1);
    const errors = stripAnsi(runs.refused.stderr).split("\n").filter((l) => l.startsWith("error: "));
    expect(errors).toEqual([
      `error: --resume ${refused}: model.decoder.hiddenSize = 32 (from --set): cannot change on resume (the run has 16; the checkpoint's weights have this architecture); start a new run with --config to change it`,
    ]);
    expect(readFileSync(join(refused, "config.json"), "utf8")).toBe(before.config);
    expect(readFileSync(join(refused, "metrics.jsonl"), "utf8")).toBe(before.metrics);
  });
});

describe("vocabularies on resume", () => {
  it("come from the checkpoint when vocab/pipeline.json is missing (restored, with a warning), not from the data", () => {
    expect(stripAnsi(runs.noVocab.stderr)).toMatch(/warning: .*vocab\/pipeline\.json was missing; restored it from .*checkpoints\/last\/meta\.json/);
    expect(readJsonFile(join(noVocab, "vocab", "pipeline.json"))).toEqual(readJsonFile(join(base, "vocab", "pipeline.json")));
    expect(trainAfter(noVocab, N).length).toBeGreaterThan(0);
  });
});

describe("continueSchedule", () => {
  const saved = (spec: Parameters<typeof createScheduler>[0], steps: number, metrics: number[] = []) => {
    const s = createScheduler(spec);
    for (let i = 0; i < steps; i++) s.step();
    for (const m of metrics) s.step(m);
    return s;
  };

  it("a constant rate continues with the new rate", () => {
    const next = continueSchedule(createScheduler({ kind: "constant", lr: 0.002 }), saved({ kind: "constant", lr: 0.01 }, 12), 12, true);
    expect(next.lastStep).toBe(12);
    expect(next.step()).toBe(0.002);
  });

  it("a step-indexed schedule resumes at the saved update count with the new settings", () => {
    const next = continueSchedule(createScheduler({ kind: "inverse_sqrt", peakLr: 0.004, warmup: 10 }), saved({ kind: "constant", lr: 0.01 }, 40), 40, false);
    expect(next.step()).toBeCloseTo(0.004 * Math.sqrt(10 / 41), 12);
    const decay = continueSchedule(createScheduler({ kind: "step", lr: 1, stepSize: 5, gamma: 0.5 }), saved({ kind: "step", lr: 1, stepSize: 10, gamma: 0.5 }, 12), 12, false);
    expect(decay.step()).toBe(0.25); // update 13 of a 5-step decay: lr · 0.5²
  });

  it("plateau keeps its counters and current rate, unless the rate itself changed", () => {
    const old = saved({ kind: "plateau", lr: 1, patience: 0, factor: 0.5 }, 0, [3, 4]); // one bad validation: 0.5
    expect(old.lr).toBe(0.5);
    const kept = continueSchedule(createScheduler({ kind: "plateau", lr: 1, patience: 0, factor: 0.1 }), old, 30, false);
    expect(kept.lr).toBe(0.5);
    expect(kept.step(5)).toBeCloseTo(0.05, 12); // the best (3) is remembered, so 5 is bad again
    const reset = continueSchedule(createScheduler({ kind: "plateau", lr: 0.2, patience: 0, factor: 0.5 }), saved({ kind: "plateau", lr: 1, patience: 0, factor: 0.5 }, 0, [3, 4]), 30, true);
    expect(reset.lr).toBe(0.2);
  });

  it("switching from plateau to a step-indexed schedule counts updates, not validations", () => {
    const next = continueSchedule(createScheduler({ kind: "inverse_sqrt", peakLr: 1, warmup: 100 }), saved({ kind: "plateau", lr: 1 }, 0, [3, 2]), 50, false);
    expect(next.lastStep).toBe(50);
  });
});
