import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchAttention, benchTable } from "../../src/workflows/benchAttention.js";

const base = { types: ["full", "window", "linformer", "performer"] as const, dim: 8, heads: 2, batch: 1, runs: 1, window: 2, globalTokens: 1, projectedLength: 4, features: 16, matrixErrorUpTo: 16, json: false, seed: 1 };

describe("attn bench attention (the complexity lab)", () => {
  it("measures every type at every n, errors against full attention, and writes the plot", () => {
    const svg = join(tmpdir(), `bench-attention-${process.pid}.svg`);
    const r = benchAttention({ ...base, types: [...base.types], n: [8, 32], fullBytesLimit: 1 << 30, svg });
    expect(r.rows.map((x) => `${x.type}@${x.n}`)).toEqual(["full@8", "window@8", "linformer@8", "performer@8", "full@32", "window@32", "linformer@32", "performer@32"]);
    for (const row of r.rows) {
      expect(row.forwardMs).toBeGreaterThanOrEqual(0);
      expect(row.peakBytes).toBeGreaterThan(0);
      expect(row.outputError).not.toBeNull();
    }
    // window 2 with a global token at n = 8 sees most keys; the matrix error is only up to n = 16.
    expect(r.rows.find((x) => x.type === "full" && x.n === 8)!.outputError).toBe(0);
    expect(r.rows.find((x) => x.type === "window" && x.n === 32)!.matrixError).toBeNull();
    expect(Object.keys(r.crossover)).toEqual(["window", "linformer", "performer"]);
    const text = readFileSync(svg, "utf8");
    expect(text.startsWith("<svg")).toBe(true);
    expect(text).toContain("polyline");
    expect(benchTable(r)).toContain("| performer | 32 |");
  });

  it("stops full attention where its n×n buffers would pass the bound, and says where", () => {
    const r = benchAttention({ ...base, types: ["full", "window"], n: [8, 64], fullBytesLimit: 5 * 4 * 2 * 8 * 8 });
    const skipped = r.rows.find((x) => x.type === "full" && x.n === 64)!;
    expect(skipped.forwardMs).toBeNull();
    expect(skipped.note).toMatch(/^skipped/);
    expect(r.fullStoppedAt).toBe(64);
    expect(benchTable(r)).toContain("full: stopped at n = 64");
    expect(benchTable(r)).toMatch(/window: (never faster|faster than full)/);
  });
});
