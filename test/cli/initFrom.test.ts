/**
 * `attn train --config X --init-from RUN` as a real process: a new run B whose weights start as
 * run A's, on other data read through A's vocabularies, recorded in run.json, resumable like any
 * run; and the one-line errors of a bad --init-from.
 */
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCheckpoint } from "../../src/train/checkpoint.js";
import { attn, readJsonFile, stripAnsi, tempFolder, trainTiny, writeTinyTask, type Run } from "./fixture.js";

const dir = tempFolder("cli-init-from");
const runA = join(dir, "A");
let configA = "";
let configB = "";

beforeAll(async () => {
  configA = writeTinyTask(dir);
  await trainTiny(configA, runA, "--set", "training.maxSteps=20");
  // B's task: other training pairs, some with a symbol "z" A never saw.
  configB = writeTinyTask(join(dir, "b"));
  appendFileSync(join(dir, "b", "data", "train.tsv"), "z a b\tb a z\nc z\tz c\n");
}, 60_000);

/** Largest |a − b| over every tensor of two checkpoints with the same tensor names and shapes. */
function maxWeightDifference(ckptA: string, ckptB: string): number {
  const a = loadCheckpoint(ckptA, { optimizer: false }).weights;
  const b = loadCheckpoint(ckptB, { optimizer: false }).weights;
  expect([...b.keys()]).toEqual([...a.keys()]);
  let max = 0;
  for (const [name, t] of a) {
    const u = b.get(name)!;
    expect(u.shape, name).toEqual(t.shape);
    for (let i = 0; i < t.data.length; i++) max = Math.max(max, Math.abs(t.data[i]! - u.data[i]!));
  }
  return max;
}

describe("attn train --init-from: a new run from another run's weights", () => {
  const runB = join(dir, "B");
  const control = join(dir, "control");
  // The schema allows neither 0 steps nor lr 0: one plain SGD step at lr 1e-6 with gradients
  // clipped to norm 1 moves each weight by at most 1e-6 (plus float32 rounding), while weights
  // not taken from A (another seed, A's 20 Adam steps at lr 0.01) differ by far more.
  const oneTinyStep = ["--set", "training.maxSteps=1", "--set", "training.optimizer=sgd", "--set", "training.momentum=0", "--set", "training.lr=0.000001", "--set", "seed=8"];
  let b: Run;
  beforeAll(async () => {
    // vocab.minFreq=2 would build other vocabularies: it is replaced by A's setting, with a warning.
    [b] = await Promise.all([trainTiny(configB, runB, "--init-from", runA, "--set", "vocab.minFreq=2", ...oneTinyStep), trainTiny(configA, control, ...oneTinyStep)]);
  }, 60_000);

  it("starts from A's best checkpoint: before its first update B holds exactly A's weights", () => {
    const bestA = join(runA, "checkpoints", "best");
    expect(maxWeightDifference(bestA, join(runB, "checkpoints", "last"))).toBeLessThan(1.5e-6);
    // The same step on A's data (same vocabularies, so same shapes) without --init-from ends far from A: the comparison above can tell.
    expect(maxWeightDifference(bestA, join(control, "checkpoints", "last"))).toBeGreaterThan(1e-2);
  });

  it("with a fresh optimizer, schedule and step counter", () => {
    const meta = readJsonFile(join(runB, "checkpoints", "last", "meta.json")) as { step: number; epoch: number; optimizer: { type: string } };
    expect(meta.step).toBe(1);
    expect(meta.epoch).toBe(0);
    expect(meta.optimizer.type).toBe("sgd");
  });

  it("reads its own data through A's vocabularies: vocab/pipeline.json is A's, and z is <unk>", () => {
    expect(readJsonFile(join(runB, "vocab", "pipeline.json"))).toEqual(readJsonFile(join(runA, "vocab", "pipeline.json")));
    expect(JSON.stringify(readJsonFile(join(runA, "vocab", "pipeline.json")))).not.toContain('"z"');
    const info = readJsonFile(join(runB, "run.json")) as { data: { train: { pairs: number } } };
    expect(info.data.train.pairs).toBe(66);
  });

  it("config.json keeps the checkpoint's text settings; the start summary says where the weights came from", () => {
    const c = readJsonFile(join(runB, "config.json")) as { seed: number; vocab: { minFreq: number } };
    expect(c.vocab.minFreq).toBe(1);
    expect(c.seed).toBe(8);
    const err = stripAnsi(b.stderr);
    expect(err).toContain(`warning: --init-from ${runA}: vocab.minFreq taken from the checkpoint, not the config`);
    expect(err).toMatch(new RegExp(`initialised from ${join(runA, "checkpoints", "best")} \\(its vocabularies miss 2 of \\d+ source and 2 of \\d+ target training tokens: read as <unk>\\)`));
  });

  it("run.json records the checkpoint folder as initFrom", () => {
    expect(readJsonFile(join(runB, "run.json")).initFrom).toBe(join(runA, "checkpoints", "best"));
    expect(readJsonFile(join(control, "run.json")).initFrom).toBeUndefined();
  });

  it("--resume continues B like any run, without reading A again", async () => {
    const r = await attn(["train", "--resume", runB, "--quiet", "--set", "training.maxSteps=3"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("resuming at step 1 (epoch 1, batch 1)");
    expect(r.stderr).not.toContain("initialised from");
    expect(r.stderr).toMatch(/done: 3 steps in .* \(max-steps\)/);
    expect((readJsonFile(join(runB, "checkpoints", "last", "meta.json")) as { step: number }).step).toBe(3);
    expect(readJsonFile(join(runB, "run.json")).initFrom).toBe(join(runA, "checkpoints", "best"));
  });
});

describe.concurrent("attn train --init-from: bad uses give one line", () => {
  /** Run in `dir`: exit 1, one line equal to `expected`, no stack trace, no run folder left. */
  async function expectError(args: string[], expected: string | RegExp): Promise<void> {
    const runDir = join(dir, `never-${Math.random().toString(36).slice(2)}`);
    const r = await attn(["train", ...args, "--run-dir", runDir, "--quiet"], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr.endsWith("\n")).toBe(true);
    const line = r.stderr.slice(0, -1);
    if (typeof expected === "string") expect(line).toBe(`error: ${expected}`);
    else expect(line).toMatch(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(runDir)).toBe(false);
  }

  it("together with --resume, or without --config", async () => {
    const both = "attn train: --init-from starts a new run from another run's weights, --resume continues a run; expected one of them";
    await Promise.all([
      expectError(["--resume", "A", "--init-from", "A"], both),
      expectError(["--config", "tiny.json", "--resume", "A", "--init-from", "A"], both),
      expectError(["--init-from", "A"], "attn train: --init-from starts a new run; expected --config <file> with it"),
    ]);
  });

  it("a path that does not exist, or holds no checkpoint", async () => {
    await Promise.all([
      expectError(["--config", "tiny.json", "--init-from", "nowhere"], "--init-from nowhere: not found; expected a run folder (runs/<name>) or a checkpoint folder (runs/<name>/checkpoints/best)"),
      expectError(["--config", "tiny.json", "--init-from", "data"], "--init-from data: no checkpoint found; looked for data/meta.json + model.safetensors, data/checkpoints/best/ and data/checkpoints/last/"),
    ]);
  });

  it("weights that do not fit the new config's model", async () => {
    await expectError(
      ["--config", "tiny.json", "--init-from", "A/checkpoints/last", "--set", "model.decoder.hiddenSize=12"],
      /^error: --init-from A\/checkpoints\/last: A\/checkpoints\/last\/model\.safetensors: the weights do not fit the model \(.*decoder.* in the checkpoint but .* in the model.*\); was it trained with another model config\?$/,
    );
  });
});
