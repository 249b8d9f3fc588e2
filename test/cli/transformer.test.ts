import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { attn, parseCsv, tempFolder, trainTiny, writeTinyTask } from "./fixture.js";

const HEADER = "sentence,kind,layer,head,target_index,target_token,source_index,source_token,weight";

describe("Transformer through the CLI", () => {
  let run = "";
  let hybrid = "";
  beforeAll(async () => {
    const dir = tempFolder("attn-transformer-");
    const config = writeTinyTask(dir, {
      model: {
        encoder: { type: "transformer", hiddenSize: 8, layers: 2 },
        decoder: { type: "transformer", hiddenSize: 8, layers: 2 },
        transformer: { heads: 2, ffSize: 16, dropout: 0.1, positions: "relative", maxRelativeDistance: 4 },
      },
      training: { batchSize: 8, lr: 0.01, validEvery: 10, logEvery: 5, labelSmoothing: 0.1, schedule: { type: "noam", warmup: 5 } },
    });
    run = join(dir, "run");
    await trainTiny(config, run, "--set", "training.maxSteps=20");
    const hybridConfig = writeTinyTask(
      dir,
      { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, selfAttentionLayers: 1 }, decoder: { type: "luong", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "multihead" }, transformer: { heads: 2, ffSize: 16 } } },
      "hybrid.json",
    );
    hybrid = join(dir, "hybrid-run");
    await trainTiny(hybridConfig, hybrid, "--set", "training.maxSteps=10");
  }, 120_000);

  it("dump-attention writes every layer and head of encoder-self, decoder-self and cross attention", async () => {
    const r = await attn(["dump-attention", "--checkpoint", run, "--source", "a b c"]);
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows[0]!.join(",")).toBe(HEADER);
    const body = rows.slice(1);
    const kinds = new Set(body.map((row) => `${row[1]}/${row[2]}/${row[3]}`));
    for (const kind of ["encoder-self", "decoder-self", "cross"]) for (const layer of [0, 1]) for (const head of [0, 1]) expect(kinds).toContain(`${kind}/${layer}/${head}`);
    // Every (kind, layer, head, query) row is a distribution.
    const sums = new Map<string, number>();
    for (const row of body) {
      const key = `${row[1]}/${row[2]}/${row[3]}/${row[4]}`;
      sums.set(key, (sums.get(key) ?? 0) + Number(row[8]));
    }
    for (const s of sums.values()) expect(Math.abs(s - 1)).toBeLessThan(1e-5);
    // Decoder self-attention never looks at later positions.
    for (const row of body.filter((x) => x[1] === "decoder-self")) if (Number(row[6]) > Number(row[4])) expect(Number(row[8])).toBe(0);
  });

  it("dump-attention filters by --kind, --layer and --head", async () => {
    const r = await attn(["dump-attention", "--checkpoint", run, "--source", "a b", "--kind", "decoder-self", "--layer", "1", "--head", "0"]);
    expect(r.code).toBe(0);
    const body = parseCsv(r.stdout).slice(1);
    expect(body.length).toBeGreaterThan(0);
    for (const row of body) expect([row[1], row[2], row[3]]).toEqual(["decoder-self", "1", "0"]);
  });

  it("translate with beam 1 equals greedy, and n-best works", async () => {
    const input = "a b c\nd e\n";
    const greedy = await attn(["translate", "--checkpoint", run], { input });
    const beam1 = await attn(["translate", "--checkpoint", run, "--beam", "1"], { input });
    expect(greedy.code).toBe(0);
    expect(beam1.stdout).toBe(greedy.stdout);
    const nbest = await attn(["translate", "--checkpoint", run, "--n-best", "2"], { input });
    expect(nbest.stdout.trim().split("\n")).toHaveLength(4);
  });

  it("the hybrid model dumps its encoder self-attention heads and the cross-attention", async () => {
    const r = await attn(["dump-attention", "--checkpoint", hybrid, "--source", "a b c"]);
    expect(r.code).toBe(0);
    const kinds = new Set(parseCsv(r.stdout).slice(1).map((row) => `${row[1]}/${row[2]}/${row[3]}`));
    expect([...kinds].sort()).toEqual(["cross/0/0", "encoder-self/0/0", "encoder-self/0/1"]);
  });
});
