import { describe, expect, it } from "vitest";
import { attn } from "./fixture.js";

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
