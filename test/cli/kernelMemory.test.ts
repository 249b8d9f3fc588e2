/**
 * Running out of kernel memory (WebAssembly's 4 GiB, or ATTN_KERNEL_MEMORY_MIB) during training
 * is a one-line error with the user exit code, and the updates made so far are saved first.
 */
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { attn, readJsonFile, stripAnsi, tempFolder, writeTinyTask } from "./fixture.js";

describe("out of kernel memory during training", () => {
  it("stops with one line naming the sizes to lower, and saves checkpoints/last with the updates so far", async () => {
    const dir = tempFolder("cli-kernel-memory");
    const config = writeTinyTask(dir, { training: { validEvery: 3, maxSteps: 6 }, output: { attentionSamples: 0 } });
    // One validation pair of 3,000 words: its additive energies (3,000 × 3,000 × 8 floats, 288 MB)
    // cannot fit under a 64 MiB cap, while the training batches (2–5 words) need a few MiB.
    const words = Array.from({ length: 3000 }, (_, i) => "abcdefgh"[i % 8]!);
    appendFileSync(join(dir, "data", "valid.tsv"), `${words.join(" ")}\t${[...words].reverse().join(" ")}\n`);
    const run = join(dir, "run");
    const r = await attn(["train", "--config", config, "--run-dir", run, "--quiet"], { env: { ATTN_KERNEL_MEMORY_MIB: "64" } });
    const stderr = stripAnsi(r.stderr);
    expect(r.code, stderr).toBe(1);
    const errors = stderr.split("\n").filter((l) => l.startsWith("error:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: out of kernel memory: this computation needs [\d.]+ GiB and ATTN_KERNEL_MEMORY_MIB allows 0\.06 GiB; expected smaller batches .* \(at step 3; saved .*last with the 3 updates so far\)$/);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain("internal error");
    // The three updates before the validation are on disk and resumable.
    expect(existsSync(join(run, "checkpoints", "last", "model.safetensors"))).toBe(true);
    expect(readJsonFile(join(run, "checkpoints", "last", "meta.json")).step).toBe(3);
  }, 60_000);
});
