/**
 * "Nothing was lost" checks shared by the file-system and checkpoint cases of the corpus: a run
 * folder's checkpoints still load and translate, a failed save left no temporary folder behind,
 * and metrics.jsonl claims no checkpoint that is not on disk.
 */
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { attn, readJsonFile, readJsonLines } from "../cli/fixture.js";
import type { SharedRun } from "./corpus.js";

/** A copy of the shared run at `dir/<name>`, for a case that damages or extends it. */
export function copyRun(dir: string, shared: SharedRun, name = "run"): string {
  const run = join(dir, name);
  cpSync(shared.runDir, run, { recursive: true });
  return run;
}

/** The step a checkpoint folder's meta.json records. */
export function checkpointStep(checkpointDir: string): number {
  return readJsonFile(join(checkpointDir, "meta.json")).step as number;
}

/** `attn translate --checkpoint <path>` still works: exit 0, one line out per line in. */
export async function stillTranslates(checkpoint: string): Promise<void> {
  const r = await attn(["translate", "--checkpoint", checkpoint], { input: "a b c\nd e\n" });
  expect(r.code, `translate --checkpoint ${checkpoint}:\n${r.stderr}`).toBe(0);
  expect(r.stdout.split("\n").slice(0, -1)).toHaveLength(2);
}

/** checkpoints/ holds only `last` and `best`: no `.last.tmp-*` or `.last.old` left by a failed save. */
export function noSaveLeftovers(runDir: string): void {
  expect(readdirSync(join(runDir, "checkpoints")).sort()).toEqual(["best", "last"]);
}

/**
 * metrics.jsonl claims no checkpoint that is missing: every valid record's step has a `last`
 * saved at or after it, and the newest record marked best is the step checkpoints/best holds.
 */
export function metricsMatchCheckpoints(runDir: string): void {
  const valid = readJsonLines(join(runDir, "metrics.jsonl")).filter((r) => r.type === "valid");
  const last = join(runDir, "checkpoints", "last");
  const best = join(runDir, "checkpoints", "best");
  const lastStep = existsSync(last) ? checkpointStep(last) : -1;
  for (const r of valid) expect(r.step as number, "a valid record after the last saved checkpoint").toBeLessThanOrEqual(lastStep);
  const newestBest = valid.filter((r) => r.best === true).at(-1);
  if (newestBest) expect(checkpointStep(best)).toBe(newestBest.step);
  else expect(existsSync(best)).toBe(false);
}
