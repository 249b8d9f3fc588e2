import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { BadInputCase, SharedRun } from "../corpus.js";

/**
 * `attn train --resume` with changes the checkpoint cannot take, or without what it needs: one
 * line naming the option (or file), and the run folder left as it was.
 */

/** A copy of the shared run in `dir`, so a case cannot disturb the others. */
function copyRun(dir: string, shared: SharedRun): string {
  const run = join(dir, "run");
  cpSync(shared.runDir, run, { recursive: true });
  return run;
}

/** The run's config.json and metrics.jsonl are exactly those of the shared run. */
function untouched(dir: string, shared: SharedRun): void {
  for (const file of ["config.json", "metrics.jsonl"]) {
    expect(readFileSync(join(dir, "run", file), "utf8"), `${file} unchanged`).toBe(readFileSync(join(shared.runDir, file), "utf8"));
  }
}

function refusedChange(set: string, message: RegExp): BadInputCase {
  return {
    name: `--resume --set ${set}`,
    args: (dir, shared) => ["train", "--resume", copyRun(dir, shared), "--quiet", "--set", "training.maxSteps=20", "--set", set],
    message,
    exitCode: 1,
    after: (dir, _run, shared) => untouched(dir, shared),
  };
}

const fixed = (path: string) => new RegExp(`: ${path.replace(/\./g, "\\.")} = .* \\(from --set\\): cannot change on resume \\(the run has `);

export const cases: BadInputCase[] = [
  refusedChange("model.encoder.hiddenSize=16", /--resume .*run: model\.encoder\.hiddenSize = 16 \(from --set\): cannot change on resume \(the run has 8; the checkpoint's weights have this architecture\); start a new run with --config to change it$/),
  refusedChange("model.attention.score=general", fixed("model.attention.score")),
  refusedChange("training.batchSize=4", fixed("training.batchSize")),
  refusedChange("seed=1", fixed("seed")),
  refusedChange("vocab.minFreq=2", fixed("vocab.minFreq")),
  refusedChange("tokenizer.target.type=char", fixed("tokenizer.target.type")),
  refusedChange("training.optimizer=sgd", fixed("training.optimizer")),
  refusedChange("training.earlyStopping.metric=bleu", fixed("training.earlyStopping.metric")),
  refusedChange("data.lowercase=true", fixed("data.lowercase")),
  refusedChange("training.validEvery=1e10", /config\.json: training\.validEvery = 10000000000 \(from --set\): expected at most 1,000,000,000$/),
  refusedChange("decoding.maxLen=0", /config\.json: decoding\.maxLen: .*; got 0 \(from --set\)$/),
  {
    name: "--resume of a run folder without vocabularies (vocab/pipeline.json gone, none in the checkpoint)",
    args: (dir, shared) => {
      const run = copyRun(dir, shared);
      rmSync(join(run, "vocab", "pipeline.json"));
      const meta = join(run, "checkpoints", "last", "meta.json");
      writeFileSync(meta, JSON.stringify({ ...(JSON.parse(readFileSync(meta, "utf8")) as object), pipeline: null }, null, 2));
      return ["train", "--resume", run, "--quiet", "--set", "training.maxSteps=20"];
    },
    message: /vocab\/pipeline\.json: missing, and .*checkpoints\/last\/meta\.json stores no vocabularies either; .* never rebuilds them from the data/,
    exitCode: 1,
    after: (dir, _run, shared) => untouched(dir, shared),
  },
];
