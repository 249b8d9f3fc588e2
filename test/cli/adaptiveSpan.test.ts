/**
 * The learned adaptive spans through the real CLI: every train and valid record of metrics.jsonl
 * carries them, and `attn eval` shows them (table and --json) as the checkpoint holds them.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { attn, readJsonLines, tempFolder, trainTiny, writeTinyTask } from "./fixture.js";

const dir = tempFolder("cli-span");
const run = join(dir, "span");
const SELF = ["encoder.layers.0.self_attn", "decoder.layers.0.self_attn"];

beforeAll(async () => {
  const config = writeTinyTask(dir, {
    model: {
      encoder: { type: "transformer", hiddenSize: 8, layers: 1 },
      decoder: { type: "transformer", hiddenSize: 8, layers: 1 },
      transformer: { heads: 2, ffSize: 16, positions: "rotary", adaptiveSpan: { maxSpan: 6, ramp: 2, lossWeight: 0.01, init: 0.5 } },
    },
  });
  await trainTiny(config, run, "--set", "training.maxSteps=20");
});

describe("adaptive spans through the CLI", () => {
  it("metrics.jsonl: each train and valid record has the span of every head of every self-attention", () => {
    const records = readJsonLines(join(run, "metrics.jsonl")).filter((r) => r.type === "train" || r.type === "valid");
    expect(records.filter((r) => r.type === "train")).toHaveLength(4);
    expect(records.filter((r) => r.type === "valid")).toHaveLength(2);
    for (const r of records) {
      const spans = r.spans as Record<string, number[]>;
      expect(Object.keys(spans)).toEqual(SELF);
      for (const s of Object.values(spans)) {
        expect(s).toHaveLength(2);
        for (const x of s) expect(x >= 0 && x <= 6).toBe(true);
      }
    }
    expect(JSON.stringify(records[0]!.spans)).not.toBe(JSON.stringify(records[records.length - 1]!.spans));
  });

  it("attn eval shows them, as a table and under adaptiveSpans in --json, equal to the last valid record", async () => {
    const [j, t] = await Promise.all([attn(["eval", "--checkpoint", join(run, "checkpoints", "last"), "--json"]), attn(["eval", "--checkpoint", join(run, "checkpoints", "last")])]);
    expect(j.code, j.stderr).toBe(0);
    const spans = (JSON.parse(j.stdout) as { adaptiveSpans: { attention: string; spans: number[] }[] }).adaptiveSpans;
    expect(spans.map((s) => s.attention)).toEqual(SELF);
    const last = readJsonLines(join(run, "metrics.jsonl")).filter((r) => r.type === "valid").pop()!.spans as Record<string, number[]>;
    spans.forEach((s) => s.spans.forEach((x, h) => expect(x).toBeCloseTo(last[s.attention]![h]!, 2)));
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain("| adaptive span (positions) | head 0 | head 1 |");
    for (const name of SELF) expect(t.stdout).toMatch(new RegExp(`^\\| ${name.replace(/\./g, "\\.")} \\| [\\d.]+ \\| [\\d.]+ \\|$`, "m"));
  });
});
