/**
 * `attn train` as a real process: the run folder it writes, the exact one-line errors of bad
 * configs and flags, the stop on a non-finite loss, and Ctrl-C followed by --resume.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ATTENTION_SCORES } from "../../src/config/schema.js";
import { attn, parseCsv, readJsonFile, readJsonLines, stripAnsi, tempFolder, tinyConfig, trainTiny, writeTinyTask, type Run } from "./fixture.js";

const dir = tempFolder("cli-train");
let config = "";

beforeAll(() => {
  config = writeTinyTask(dir);
});

describe("attn train: the run folder", () => {
  const run = join(dir, "run");
  let result: Run;
  beforeAll(async () => {
    result = await trainTiny(config, run, "--set", "training.maxSteps=40");
  });

  it("prints a summary on stderr and nothing on stdout", () => {
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`attn train → ${run}`);
    expect(result.stderr).toMatch(/done: 40 steps in .* \(max-steps\) \| best loss [\d.]+ at step \d+/);
  });

  it("config.json is the resolved config, every default filled in", () => {
    const c = readJsonFile(join(run, "config.json")) as Record<string, Record<string, Record<string, unknown>>>;
    expect(c.seed).toBe(7);
    expect(c.training!.maxSteps).toBe(40);
    expect(c.training!.optimizer).toBe("adam");
    expect(c.training!.clipNorm).toBe(1);
    expect(c.training!.earlyStopping).toEqual({ metric: "loss", patience: 0 });
    expect(c.model!.encoder).toMatchObject({ type: "gru", embeddingSize: 8, hiddenSize: 8, layers: 1, bidirectional: true, dropout: 0 });
    expect(c.model!.attention).toMatchObject({ score: "additive", scope: "global", size: 8 });
    expect(c.tokenizer!.source).toMatchObject({ type: "word" });
    expect(c.decoding).toMatchObject({ beam: 1, maxLen: 10, lengthPenalty: 0 });
  });

  it("run.json says where relative data paths resolve; vocab/pipeline.json holds both vocabularies", () => {
    const info = readJsonFile(join(run, "run.json"));
    expect(info.baseDir).toBe(dir);
    expect(info.configSource).toBe(config);
    expect(typeof info.attnVersion).toBe("string");
    expect(Number.isNaN(Date.parse(info.created as string))).toBe(false);
    const pipeline = JSON.stringify(readJsonFile(join(run, "vocab", "pipeline.json")));
    for (const token of ["<pad>", "<s>", "</s>", "<unk>", '"a"', '","']) expect(pipeline).toContain(token);
  });

  it("metrics.jsonl: a train record every logEvery steps and a valid record every validEvery steps", () => {
    const records = readJsonLines(join(run, "metrics.jsonl"));
    const train = records.filter((r) => r.type === "train");
    const valid = records.filter((r) => r.type === "valid");
    expect(train.length + valid.length).toBe(records.length);
    expect(train.map((r) => r.step)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
    expect(valid.map((r) => r.step)).toEqual([10, 20, 30, 40]);
    for (const r of train) {
      for (const k of ["loss", "lr", "gradNorm", "tokensPerSecond", "elapsedSeconds"]) expect(Number.isFinite(r[k]), k).toBe(true);
      expect(Number.isNaN(Date.parse(r.time as string))).toBe(false);
    }
    for (const r of valid) {
      for (const k of ["loss", "perplexity", "exactMatch", "bleu", "chrF", "lr"]) expect(Number.isFinite(r[k]), k).toBe(true);
      expect(r.perplexity as number).toBeCloseTo(Math.exp(r.loss as number), 9);
      expect(r.chrF as number).toBeGreaterThanOrEqual(0);
      expect(r.chrF as number).toBeLessThanOrEqual(100);
      expect(r.decoded).toBe(8);
      expect(typeof r.best).toBe("boolean");
    }
    expect(valid[0]!.best).toBe(true);
  });

  it("checkpoints/last and checkpoints/best hold model, optimizer and meta", () => {
    const valid = readJsonLines(join(run, "metrics.jsonl")).filter((r) => r.type === "valid");
    const bestStep = valid.filter((r) => r.best).at(-1)!.step;
    for (const [name, step] of [["last", 40], ["best", bestStep]] as const) {
      const ckpt = join(run, "checkpoints", name);
      expect(readdirSync(ckpt).sort()).toEqual(["meta.json", "model.safetensors", "optimizer.safetensors"]);
      const meta = readJsonFile(join(ckpt, "meta.json")) as Record<string, unknown> & { optimizer: { type: string }; rngStates: Record<string, unknown> };
      expect(meta.format).toBe("attn-checkpoint");
      expect(meta.version).toBe(1);
      expect(meta.step).toBe(step);
      expect(meta.optimizer.type).toBe("adam");
      expect(Object.keys(meta.rngStates)).toContain("scheduled-sampling");
      expect(meta.config).toEqual(readJsonFile(join(run, "config.json")));
      expect(meta.pipeline).toEqual(readJsonFile(join(run, "vocab", "pipeline.json")));
    }
    expect(readdirSync(join(run, "checkpoints")).sort()).toEqual(["best", "last"]);
  });

  it("attention/step-N.csv at every validation: the first attentionSamples validation sentences, rows summing to 1", () => {
    expect(readdirSync(join(run, "attention")).sort()).toEqual(["step-10.csv", "step-20.csv", "step-30.csv", "step-40.csv"]);
    const table = parseCsv(readFileSync(join(run, "attention", "step-40.csv"), "utf8"));
    expect(table[0]!.join(",")).toBe("sentence,kind,layer,head,target_index,target_token,source_index,source_token,weight");
    const sums = new Map<string, number>();
    for (const row of table.slice(1)) {
      expect(row).toHaveLength(9);
      const key = `${row[0]}/${row[4]}`;
      sums.set(key, (sums.get(key) ?? 0) + Number(row[8]));
    }
    expect(new Set([...sums.keys()].map((k) => k.split("/")[0]))).toEqual(new Set(["0", "1"]));
    for (const [key, sum] of sums) expect(Math.abs(sum - 1), key).toBeLessThan(1e-5);
  });

  it("an existing --run-dir is not overwritten", async () => {
    const r = await attn(["train", "--config", config, "--run-dir", run, "--quiet"]);
    expect(r.code).toBe(1);
    expect(stripAnsi(r.stderr)).toBe(`error: --run-dir ${run}: already holds a run; continue it with --resume ${run} or choose another folder\n`);
  });
});

describe.concurrent("attn train: bad configs and flags give one exact red line", () => {
  /** Run in `dir` with colours on; exit 1, one red line equal to `expected`, no stack trace, no run folder. */
  async function expectError(args: string[], expected: string): Promise<void> {
    const runDir = join(dir, `never-${Math.random().toString(36).slice(2)}`);
    const r = await attn(["train", ...args, "--run-dir", runDir, "--quiet"], { cwd: dir, env: { FORCE_COLOR: "1" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.startsWith("\x1b[31m")).toBe(true);
    expect(stripAnsi(r.stderr)).toBe(`error: ${expected}\n`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(runDir)).toBe(false);
  }

  it("a misspelt attention score lists the valid ones", async () => {
    const c = tinyConfig({ model: { attention: { score: "additve", size: 8 } } });
    writeFileSync(join(dir, "misspelt.json"), JSON.stringify(c, null, 2));
    expect(ATTENTION_SCORES.slice(0, 6).join(" | ")).toBe("additive | dot | general | bilinear | concat | scaled-dot");
    await expectError(["--config", "misspelt.json"], `misspelt.json: model.attention.score: expected one of ${ATTENTION_SCORES.join(" | ")}; got "additve"`);
  });

  it("an unknown key is named with its path", async () => {
    const c = tinyConfig({ training: { learningRate: 0.1 } });
    writeFileSync(join(dir, "unknown.json"), JSON.stringify(c, null, 2));
    await expectError(["--config", "unknown.json"], 'unknown.json: training: unknown key "learningRate"');
  });

  it("--set with a bad value, and a --set without '='", async () => {
    await Promise.all([
      expectError(["--config", "tiny.json", "--set", "training.maxSteps=abc"], 'tiny.json: training.maxSteps: expected number; got "abc" (from --set)'),
      expectError(["--config", "tiny.json", "--set", "training.maxSteps"], "--set training.maxSteps: expected path=value, e.g. --set training.maxSteps=100"),
    ]);
  });

  it("a missing config file", async () => {
    await expectError(["--config", "nope.json"], "config file not found: nope.json");
  });

  it("a missing data file: one line naming the file", async () => {
    await expectError(["--config", "tiny.json", "--set", "data.train=data/missing.tsv"], "data/missing.tsv: file not found");
  });

  it("--config and --resume together, and neither", async () => {
    await Promise.all([
      expectError(["--config", "tiny.json", "--resume", "run"], "attn train: give either --config or --resume, not both (a resumed run uses its saved config; adjust it with --set)"),
      expectError([], "attn train: expected --config <file> (a new run) or --resume <run folder>"),
    ]);
  });
});

describe("attn train: stops", () => {
  it("a non-finite loss stops with exit code 3 and one line naming the checkpoint to use, which translates", async () => {
    // SGD with a step schedule whose gamma is 1e36: six sane steps (checkpoint at 6), then the weights explode.
    const run = join(dir, "run-nan");
    const r = await attn([
      "train", "--config", config, "--run-dir", run, "--quiet",
      "--set", "training.optimizer=sgd",
      "--set", "training.lr=0.1",
      "--set", "training.clipNorm=1e30",
      "--set", 'training.schedule={"type":"step","stepSize":6,"gamma":1e36}',
      "--set", "training.validEvery=6",
      "--set", "training.maxSteps=40",
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("error: "));
    expect(lines).toHaveLength(1);
    // The only validation (step 6) is the best one and the newest checkpoint.
    const m = /^error: (loss|gradient norm) became (NaN|Infinity|-Infinity) at step (\d+); stopping\. Use checkpoints\/best \(step 6, valid loss \d+\.\d{4}\), which is also the newest checkpoint before the failure\. Try a lower training\.lr or training\.clipNorm\.$/.exec(lines[0]!);
    expect(m, lines[0]).not.toBeNull();
    expect(Number(m![3])).toBeGreaterThan(6);
    expect(r.stderr).toMatch(/done: \d+ steps in .* \(non-finite\)/);

    const meta = readJsonFile(join(run, "checkpoints", "best", "meta.json"));
    expect(meta.step).toBe(6);
    const t = await attn(["translate", "--checkpoint", join(run, "checkpoints", "best")], { input: "a b c\nd e\n" });
    expect(t.code).toBe(0);
    expect(t.stdout.split("\n").slice(0, -1)).toHaveLength(2);
  });

  it("Ctrl-C saves checkpoints/last, exits 130 and says how to resume; --resume continues from that step", async () => {
    const run = join(dir, "run-sigint");
    const metrics = join(run, "metrics.jsonl");
    let signalled = false;
    const r = await attn(
      ["train", "--config", config, "--run-dir", run, "--quiet", "--set", "training.maxSteps=1000000", "--set", "training.maxEpochs=100000", "--set", "training.validEvery=100000"],
      {
        timeoutMs: 30_000,
        onSpawn: (child) => {
          const poll = setInterval(() => {
            if (existsSync(metrics) && readFileSync(metrics, "utf8").includes('"type":"train"')) {
              clearInterval(poll);
              signalled = child.kill("SIGINT");
            }
          }, 25);
          child.on("close", () => clearInterval(poll));
        },
      },
    );
    expect(signalled).toBe(true);
    expect(r.code).toBe(130);
    const m = /interrupted at step (\d+): saved (.+); continue with: attn train --resume (.+)\n/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const step = Number(m![1]);
    expect(step).toBeGreaterThanOrEqual(5);
    expect(m![2]).toBe(join(run, "checkpoints", "last"));
    expect(m![3]).toBe(run);
    expect(r.stderr).toMatch(/\(interrupted\)/);
    const meta = readJsonFile(join(run, "checkpoints", "last", "meta.json"));
    expect(meta.step).toBe(step);
    expect(existsSync(join(run, "checkpoints", "best"))).toBe(false);

    const resumed = await attn(["train", "--resume", run, "--quiet", "--set", `training.maxSteps=${step + 3}`]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming at step ${step} (epoch`);
    expect(resumed.stderr).toMatch(new RegExp(`done: ${step + 3} steps in .* \\(max-steps\\)`));
    expect(readJsonFile(join(run, "checkpoints", "last", "meta.json")).step).toBe(step + 3);
    const valid = readJsonLines(metrics).filter((x) => x.type === "valid");
    expect(valid.map((x) => x.step)).toEqual([step + 3]);
  });
});
