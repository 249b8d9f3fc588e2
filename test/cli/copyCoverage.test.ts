/**
 * Coverage and copy attention through the real CLI: a tiny Bahdanau model trained with coverage,
 * the coverage loss and copy attention translates with p_gen on stderr (--show-pgen) and a
 * coverage penalty, and its attention CSV has a p_gen column.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { attn, parseCsv, readJsonLines, tempFolder, trainTiny, writeTinyTask } from "./fixture.js";

const dir = tempFolder("cli-copy");
const copy = join(dir, "copy");
const plain = join(dir, "plain");

beforeAll(async () => {
  const config = writeTinyTask(dir);
  await Promise.all([
    trainTiny(config, copy, "--set", "model.decoder.copy=true", "--set", "model.attention.coverage=true", "--set", "training.coverageLoss=0.5", "--set", "training.maxSteps=20"),
    trainTiny(config, plain, "--set", "training.maxSteps=5"),
  ]);
});

describe.concurrent("coverage and copy attention through the CLI", () => {
  it("training logs finite losses", () => {
    const losses = readJsonLines(join(copy, "metrics.jsonl")).filter((r) => r.type === "train" || r.type === "valid").map((r) => r.loss as number);
    expect(losses.length).toBeGreaterThan(0);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
  });

  it("translate --show-pgen with beam search and a coverage penalty: translations on stdout, a p_gen table per sentence on stderr; a word outside the vocabulary is no problem", async () => {
    const r = await attn(["translate", "--checkpoint", copy, "--show-pgen", "--beam", "3", "--coverage-penalty", "0.5"], { input: "a b c\nzorbo a d\n" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(2);
    const tables = r.stderr.split("  p_gen  token\n").slice(1);
    expect(tables).toHaveLength(2);
    for (const t of tables) {
      const rows = t.split("\n").filter((l) => /^ {2}\d/.test(l));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const p = Number(row.trim().split(/\s+/)[0]);
        expect(p >= 0 && p <= 1).toBe(true);
      }
    }
  });

  it("dump-attention: the long CSV ends with a p_gen column, the same value on every row of a step", async () => {
    const r = await attn(["dump-attention", "--checkpoint", copy, "--source", "a b c"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows[0]!.at(-1)).toBe("p_gen");
    const byStep = new Map<string, Set<string>>();
    for (const row of rows.slice(1)) byStep.set(row[4]!, (byStep.get(row[4]!) ?? new Set()).add(row[9]!));
    for (const values of byStep.values()) expect(values.size).toBe(1);
  });

  it("--show-pgen on a model without copy attention is a one-line error", async () => {
    const r = await attn(["translate", "--checkpoint", plain, "--show-pgen"], { input: "a b\n" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--show-pgen: .* has no copy attention \(model\.decoder\.copy is false\)/);
  });
});
