/** The kernel set: the fastest by default, printed at the start of a run, recorded in run.json, forced by ATTN_KERNELS. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeKernels } from "../../src/kernels/index.js";
import { avx2Expected } from "../kernels/sets.js";
import { attn, readJsonFile, stripAnsi, tempFolder, writeTinyTask } from "./fixture.js";

const dir = tempFolder("kernels");
const config = writeTinyTask(dir);
const env = (kernels?: string): Record<string, string> => {
  const e: Record<string, string> = { ...(process.env as Record<string, string>) };
  delete e.ATTN_KERNELS;
  if (kernels !== undefined) e.ATTN_KERNELS = kernels;
  return e;
};

describe("kernel choice", () => {
  it("defaults to the fastest set, prints it and records it in run.json", async () => {
    const run = join(dir, "default");
    const r = await attn(["train", "--config", config, "--run-dir", run, "--quiet", "--set", "training.maxSteps=2", "--set", "training.validEvery=2"], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const fastest = avx2Expected() ? "avx2" : "wasm-fma";
    expect(stripAnsi(r.stderr)).toContain(`kernels: ${describeKernels(fastest)}`);
    expect(stripAnsi(r.stderr)).toMatch(/kernels: (avx2 \(WebAssembly SIMD with fused multiply-add; matrix multiply in native AVX2\)|wasm-fma \(WebAssembly SIMD with fused multiply-add\))/);
    expect(readJsonFile(join(run, "run.json")).kernels).toBe(fastest);
  });

  it("ATTN_KERNELS forces a set; resuming with another set warns that the bits will differ", async () => {
    const run = join(dir, "js");
    const r = await attn(["train", "--config", config, "--run-dir", run, "--quiet", "--set", "training.maxSteps=2", "--set", "training.validEvery=2"], { env: env("js") });
    expect(r.code, r.stderr).toBe(0);
    expect(readJsonFile(join(run, "run.json")).kernels).toBe("js");
    const resumed = await attn(["train", "--resume", run, "--quiet", "--set", "training.maxSteps=3"], { env: env("wasm") });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(stripAnsi(resumed.stderr)).toContain("warning: this run started with the js kernels and continues with wasm");
  });

  it("an unknown ATTN_KERNELS is a one-line error with the valid names", async () => {
    const r = await attn(["train", "--config", config, "--run-dir", join(dir, "bad"), "--quiet"], { env: env("cuda") });
    expect(r.code).not.toBe(0);
    const lines = stripAnsi(r.stderr).trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('ATTN_KERNELS: expected one of auto | js | wasm | wasm-fma | avx2; got "cuda"');
  });

  it("--threads N is recorded in run.json and gives the same weights as one thread", async () => {
    const runs = [1, 2].map((n) => join(dir, `threads-${n}`));
    const results = await Promise.all(runs.map((run, i) =>
      attn(["train", "--config", config, "--run-dir", run, "--quiet", "--threads", String(i + 1), "--set", "training.maxSteps=3", "--set", "training.validEvery=3"], { env: env() })));
    results.forEach((r) => expect(r.code, r.stderr).toBe(0));
    expect(readJsonFile(join(runs[1]!, "run.json")).threads).toBe(2);
    const weights = runs.map((run) => readFileSync(join(run, "checkpoints", "last", "model.safetensors")));
    expect(weights[1]!.equals(weights[0]!)).toBe(true);
  });

  it("a bad --threads is a one-line error", async () => {
    const r = await attn(["train", "--threads", "0", "--config", config, "--run-dir", join(dir, "bad-threads")], { env: env() });
    expect(r.code).not.toBe(0);
    expect(stripAnsi(r.stderr).trim()).toBe('error: --threads: expected a whole number from 1 to 64; got "0"');
  });
});
