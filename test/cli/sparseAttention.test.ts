/**
 * Sparse attention you can see, through the real CLI: a tiny Bahdanau model trained with
 * sparsemax writes exact zeros in its attention CSV, and `attn eval` reports mean support size and
 * entropy per attention (kind, layer, head), here also for a Transformer with 1.5-entmax over the
 * top 3 scores.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { attn, parseCsv, tempFolder, trainTiny, writeTinyTask } from "./fixture.js";

const dir = tempFolder("cli-sparse");
const sparse = join(dir, "sparse");
const transformer = join(dir, "transformer");

beforeAll(async () => {
  const config = writeTinyTask(dir);
  await Promise.all([
    trainTiny(config, sparse, "--set", "model.attention.normalizer=sparsemax", "--set", "training.maxSteps=30"),
    trainTiny(
      config, transformer,
      "--set", 'model.encoder={"type":"transformer","hiddenSize":8,"layers":1}',
      "--set", 'model.decoder={"type":"transformer","hiddenSize":8,"layers":1}',
      "--set", 'model.transformer={"heads":2,"ffSize":16,"normalizer":"entmax15","topK":3}',
      "--set", "training.maxSteps=30",
    ),
  ]);
});

describe.concurrent("sparse attention through the CLI", () => {
  it("dump-attention writes exact zeros (\"0\", no subnormal noise like 1e-45)", async () => {
    const r = await attn(["dump-attention", "--checkpoint", sparse, "--source", "a b c d e"]);
    expect(r.code, r.stderr).toBe(0);
    const w = parseCsv(r.stdout).slice(1).map((row) => row[8]!);
    expect(w.length).toBeGreaterThan(0);
    expect(w.length % 6).toBe(0); // columns: 5 symbols and </s>
    expect(w.filter((v) => v === "0").length).toBeGreaterThan(0);
    for (const v of w) {
      expect(v).not.toMatch(/e-/);
      expect(Number(v)).toBeGreaterThanOrEqual(0);
    }
  });

  it("eval reports mean support size and entropy per attention kind, layer and head (JSON and table)", async () => {
    const [r, t] = await Promise.all([attn(["eval", "--checkpoint", sparse, "--split", "test", "--json"]), attn(["eval", "--checkpoint", transformer, "--split", "test"])]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { attention: { kind: string; layer: number; head: number; rows: number; positions: number; support: number; entropy: number }[] };
    expect(j.attention.map((a) => `${a.kind} ${a.layer} ${a.head}`)).toEqual(["cross 0 0"]);
    const [cross] = j.attention;
    expect(cross!.rows).toBeGreaterThan(0);
    expect(cross!.support).toBeGreaterThanOrEqual(1);
    expect(cross!.support).toBeLessThan(cross!.positions);
    expect(cross!.entropy).toBeGreaterThanOrEqual(0);
    expect(cross!.entropy).toBeLessThan(Math.log(cross!.positions));

    expect(t.code, t.stderr).toBe(0);
    const supports = [...t.stdout.matchAll(/^\| (encoder-self|decoder-self|cross) \| 0 \| ([01]) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$/gm)];
    expect(supports.map((m) => `${m[1]} ${m[2]}`)).toEqual(["encoder-self 0", "encoder-self 1", "decoder-self 0", "decoder-self 1", "cross 0", "cross 1"]);
    // topK 3: no query keeps more than 3 positions.
    for (const m of supports) expect(Number(m[3])).toBeLessThanOrEqual(3);
  });
});
