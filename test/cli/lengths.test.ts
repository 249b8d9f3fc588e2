/**
 * Sentence lengths through the CLI: a Transformer with learned positions drops training,
 * validation and test pairs it cannot read (counted in the summary, run.json and eval), decodes
 * up to maxPositions steps; sinusoidal positions take any length.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { attn, parseCsv, readJsonFile, reversalPairs, stripAnsi, tempFolder, trainTiny, writeTinyTask } from "./fixture.js";

const P = 5; // learned positions: at most 4 tokens a side, 5 decoding steps
const transformer = (positions: string, maxPositions: number) => ({
  encoder: { type: "transformer", hiddenSize: 8, layers: 1 },
  decoder: { type: "transformer", hiddenSize: 8, layers: 1 },
  transformer: { heads: 2, ffSize: 16, positions, maxPositions },
});
/** Pairs of the fixture's split with more than `max` symbols a side (the word tokenizer gives one token per symbol). */
const overLong = (n: number, seed: number, max: number) => reversalPairs(n, seed).trim().split("\n").filter((l) => l.split("\t")[0]!.split(" ").length > max).length;

describe("learned positions through the CLI", () => {
  const dir = tempFolder("lengths");
  const run = join(dir, "run");
  let stderr = "";
  beforeAll(async () => {
    // A barely trained model (lr 1e-4): it never says </s>, so every output is cut at decoding.maxLen.
    const config = writeTinyTask(dir, { model: transformer("learned", P), decoding: { maxLen: P }, training: { maxSteps: 2, validEvery: 2, lr: 1e-4 } });
    stderr = stripAnsi((await trainTiny(config, run)).stderr);
  }, 60_000);

  it("drops the pairs it cannot read from train, valid and test, and says how many in the summary and run.json", () => {
    const counts = { train: overLong(64, 1, P - 1), valid: overLong(8, 2, P - 1), test: overLong(8, 3, P - 1) };
    expect(counts.train).toBeGreaterThan(0);
    expect(stderr).toContain(
      `dropped as too long (learned positions, model.transformer.maxPositions ${P}: at most ${P - 1} tokens a side): ${counts.train} train / ${counts.valid} valid / ${counts.test} test pairs`,
    );
    const data = readJsonFile(join(run, "run.json")).data as Record<string, { pairs: number; droppedTooLongForModel: number }>;
    expect(data.train).toMatchObject({ pairs: 64 - counts.train, droppedTooLongForModel: counts.train });
    expect(data.valid).toMatchObject({ pairs: 8 - counts.valid, droppedTooLongForModel: counts.valid });
  });

  it("eval skips the test pairs it cannot read, with a warning and a count", async () => {
    const r = await attn(["eval", "--checkpoint", run, "--split", "test", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const skipped = overLong(8, 3, P - 1);
    expect(JSON.parse(r.stdout)).toMatchObject({ pairs: 8 - skipped, skippedTooLong: skipped });
    expect(stripAnsi(r.stderr)).toContain(`warning: test: skipped ${skipped} of 8 pairs longer than this model reads`);
  });

  it("translates a source of maxPositions − 1 tokens, decoding all maxPositions steps", async () => {
    const r = await attn(["translate", "--checkpoint", run], { input: "a b c d\n" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split(" ")).toHaveLength(P);
  });

  it("dump-attention of an output cut at decoding.maxLen: one row per step taken, no invented </s> row", async () => {
    const r = await attn(["dump-attention", "--checkpoint", run, "--source", "a b c d", "--kind", "cross", "--layer", "0", "--head", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = new Set(parseCsv(r.stdout).slice(1).map((row) => `${row[4]}:${row[5]}`));
    expect(rows.size).toBe(P);
    expect([...rows].some((row) => row.endsWith(":</s>"))).toBe(false);
  });
});

describe("sinusoidal positions through the CLI", () => {
  it("have no length limit: nothing is dropped and a sentence far longer than maxPositions translates", async () => {
    const dir = tempFolder("lengths-sin");
    const config = writeTinyTask(dir, { model: transformer("sinusoidal", 3), decoding: { maxLen: 60 }, training: { maxSteps: 4, validEvery: 4 } });
    const run = join(dir, "run");
    const train = stripAnsi((await trainTiny(config, run)).stderr);
    expect(train).not.toContain("dropped as too long");
    expect(readJsonFile(join(run, "run.json")).data).toMatchObject({ train: { pairs: 64, droppedTooLongForModel: 0 } });
    const long = Array.from({ length: 40 }, (_, i) => "abcde"[i % 5]).join(" ");
    const r = await attn(["translate", "--checkpoint", run, "--n-best", "1"], { input: `${long}\n` });
    expect(r.code, r.stderr).toBe(0);
    // index, rank, a finite score, the translation
    expect(r.stdout).toMatch(/^0\t1\t-?\d+\.\d{4}\t.*\n$/);
    expect(readFileSync(join(run, "metrics.jsonl"), "utf8")).toContain('"type":"valid"');
  });
});
