import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { attn, tempFolder, trainTiny, writeTinyTask } from "./fixture.js";

describe("attn bench attention", () => {
  it("prints the table with the crossover line and where full attention stopped", async () => {
    const r = await attn(["bench", "attention", "--n", "16,32", "--dim", "8", "--heads", "2", "--runs", "1", "--window", "2", "--projected-length", "4", "--features", "8", "--full-mib", "1"]);
    expect(r.stderr).toContain("| window | 16 |");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("| type | n | forward ms | fwd+bwd ms | peak MiB | GFLOP/s | output error | matrix error | note |");
    expect(r.stdout).toMatch(/^performer: /m);
    expect(r.stdout).toMatch(/^full: ran at every n$/m);
  });

  it("refuses an unknown type in one line", async () => {
    const r = await attn(["bench", "attention", "--types", "full,sparse"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")[0]).toMatch(/--types expects some of full,window,linformer,performer; got "sparse"/);
  });
});

describe("attn bench attention --checkpoint (the error on a trained model's attention)", () => {
  let dir = "";
  let full = "";
  let linformer = "";
  let gru = "";
  const small = ["bench", "attention", "--n", "8", "--dim", "8", "--heads", "2", "--runs", "1", "--projected-length", "4", "--features", "8"];
  beforeAll(async () => {
    dir = tempFolder("bench-trained");
    const transformer = (t: Record<string, unknown>) => ({
      model: { encoder: { type: "transformer", hiddenSize: 8, layers: 2 }, decoder: { type: "transformer", hiddenSize: 8, layers: 1 }, transformer: { heads: 2, ffSize: 16, dropout: 0, ...t } },
    });
    full = join(dir, "full");
    linformer = join(dir, "linformer");
    gru = join(dir, "gru");
    await Promise.all([
      trainTiny(writeTinyTask(dir, transformer({}), "full.json"), full, "--set", "training.maxSteps=15"),
      trainTiny(writeTinyTask(dir, transformer({ selfAttention: "linformer", projectedLength: 3, maxPositions: 16 }), "linformer.json"), linformer, "--set", "training.maxSteps=15"),
      trainTiny(writeTinyTask(dir, {}, "gru.json"), gru, "--set", "training.maxSteps=2"),
    ]);
  }, 60_000);

  it("reports each variant's output and matrix error on the validation split; window with w ≥ n is exact", async () => {
    const r = await attn([...small, "--checkpoint", full, "--window", "64", "--json"]);
    expect(r.code).toBe(0);
    const trained = (JSON.parse(r.stdout) as { trained: { sentences: number; layers: number; heads: number; source: string; rows: { type: string; outputError: number; matrixError: number; layers: unknown[]; note: string }[] } }).trained;
    expect(trained).toMatchObject({ sentences: 8, layers: 2, heads: 2, source: "validation split" });
    expect(trained.rows.map((x) => x.type)).toEqual(["window", "linformer", "performer"]);
    const row = (t: string) => trained.rows.find((x) => x.type === t)!;
    expect(row("window").outputError).toBeLessThan(1e-6);
    expect(row("window").matrixError).toBeLessThan(1e-6);
    for (const t of ["linformer", "performer"]) {
      expect(row(t).outputError).toBeGreaterThan(0);
      expect(row(t).matrixError).toBeGreaterThan(0);
      expect(row(t).layers).toHaveLength(2);
    }
    expect(row("linformer").note).toMatch(/untrained random E, F/);
  });

  it("a narrow window has an error; a linformer run uses its trained E, F; --input gives the sentences; the table gains the section", async () => {
    const input = join(dir, "sentences.txt");
    writeFileSync(input, "a b c d e\nc , d\n\ne e a b\n");
    const [narrow, own] = await Promise.all([
      attn([...small, "--checkpoint", full, "--window", "0", "--types", "window", "--input", input]),
      attn([...small, "--checkpoint", linformer, "--types", "linformer,window", "--window", "1", "--json"]),
    ]);
    expect(narrow.code).toBe(0);
    expect(narrow.stdout).toContain("| type | output error | matrix error | per layer (output / matrix) | note |");
    expect(narrow.stdout).toMatch(/on 3 sentences of the .*sentences\.txt/);
    const window = narrow.stdout.split("\n").find((l) => l.startsWith("| window | 0."))!;
    expect(Number(window.split("|")[2])).toBeGreaterThan(0.01);
    expect(own.code).toBe(0);
    const rows = (JSON.parse(own.stdout) as { trained: { selfAttention: string; rows: { type: string; note: string }[] } }).trained;
    expect(rows.selfAttention).toBe("linformer");
    expect(rows.rows.find((x) => x.type === "linformer")!.note).toMatch(/the run's own linformer layers \(its trained E, F, k = 3\)/);
  });

  it("refuses a non-Transformer run, a bad path and --input without --checkpoint in one line", async () => {
    const [notTransformer, missing, inputOnly] = await Promise.all([
      attn([...small, "--checkpoint", gru]),
      attn([...small, "--checkpoint", join(dir, "nope")]),
      attn([...small, "--input", join(dir, "x.txt")]),
    ]);
    for (const r of [notTransformer, missing, inputOnly]) {
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe("");
    }
    expect(notTransformer.stderr.trim().split("\n")[0]).toMatch(/a gru encoder has no Transformer encoder self-attention to compare; expected a Transformer run/);
    expect(missing.stderr.trim().split("\n")[0]).toMatch(/nope: not found; expected a run folder/);
    expect(inputOnly.stderr.trim().split("\n")[0]).toMatch(/--input .* pass --checkpoint RUN too/);
  });
});
