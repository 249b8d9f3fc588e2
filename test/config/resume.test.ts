/** Which settings `attn train --resume` may change, and the one-line refusal of the others. */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { applyOverrides, validateConfig } from "../../src/config/load.js";
import { ValueOrigins } from "../../src/config/origins.js";
import { checkResumeChanges, configChanges, FIXED_ON_RESUME, isResumable, RESUMABLE } from "../../src/config/resume.js";
import { ConfigSchema } from "../../src/config/schema.js";
import { UserError } from "../../src/errors.js";

const saved = validateConfig({ data: { path: "d" }, training: { lr: 0.01, batchSize: 8 } }, "config.json");

/** The run's config with `--set` overrides, validated like attn train --resume does. */
function resumed(sets: string[]) {
  const origins = ValueOrigins.fromSets(sets);
  return { next: validateConfig(applyOverrides(saved, sets), "config.json", origins), origins };
}

function refusal(sets: string[]): string {
  const { next, origins } = resumed(sets);
  try {
    checkResumeChanges(saved, next, origins, "--resume runs/x");
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error(`expected ${sets.join(" ")} to be refused`);
}

/** Every leaf option of the schema, as dotted paths. */
function schemaLeaves(): string[] {
  const out: string[] = [];
  const walk = (s: { type?: unknown; properties?: Record<string, unknown> }, prefix: string) => {
    for (const [k, child] of Object.entries(s.properties ?? {})) {
      const c = child as { type?: unknown; properties?: Record<string, unknown> };
      const path = prefix ? `${prefix}.${k}` : k;
      if (c.type === "object" && c.properties && !prefix.startsWith("data")) walk(c, path);
      else out.push(path);
    }
  };
  walk(z.toJSONSchema(ConfigSchema, { io: "input", unrepresentable: "any" }) as never, "");
  return out;
}

describe("resumable settings", () => {
  it("every option is either resumable or fixed, never both", () => {
    const covered = (table: Readonly<Record<string, string>>, path: string) => Object.keys(table).some((p) => path === p || path.startsWith(`${p}.`));
    const leaves = schemaLeaves();
    expect(leaves.filter((p) => covered(RESUMABLE, p) === covered(FIXED_ON_RESUME, p))).toEqual([]);
  });

  it("lists the changed leaves with their old and new values (absent = null)", () => {
    const { next } = resumed(["training.lr=0.002", "training.maxSteps=40", "decoding.beam=4"]);
    expect(configChanges(saved, next)).toEqual([
      { path: "training.lr", from: 0.01, to: 0.002 },
      { path: "training.maxSteps", from: null, to: 40 },
      { path: "decoding.beam", from: 1, to: 4 },
    ]);
    expect(configChanges(saved, saved)).toEqual([]);
  });

  it("accepts changes to the loop's settings", () => {
    const sets = ["training.lr=0.002", "training.schedule.type=noam", "training.schedule.warmup=10", "training.maxEpochs=3", "training.maxMinutes=5", "training.validEvery=7", "training.logEvery=2", "training.earlyStopping.patience=4", "training.clipNorm=0.5", "decoding.maxLen=30", "output.attentionSamples=0"];
    const { next, origins } = resumed(sets);
    expect(checkResumeChanges(saved, next, origins, "--resume runs/x").map((c) => c.path).sort()).toEqual(sets.map((s) => s.slice(0, s.indexOf("="))).sort());
    for (const s of sets) expect(isResumable(s.slice(0, s.indexOf("=")))).toBe(true);
  });

  it("a --set to the value the run already has is no change", () => {
    const { next, origins } = resumed(["training.lr=0.01", "model.encoder.hiddenSize=128"]);
    expect(checkResumeChanges(saved, next, origins, "--resume runs/x")).toEqual([]);
  });

  it.each([
    ["model.encoder.hiddenSize=64", /^--resume runs\/x: model\.encoder\.hiddenSize = 64 \(from --set\): cannot change on resume \(the run has 128; the checkpoint's weights have this architecture\); start a new run with --config to change it$/],
    ["training.batchSize=16", /^--resume runs\/x: training\.batchSize = 16 \(from --set\): cannot change on resume \(the run has 8; the position in the epoch counts batches/],
    ["seed=99", /^--resume runs\/x: seed = 99 \(from --set\): cannot change on resume \(the run has 1234; the random streams/],
    ["vocab.minFreq=3", /^--resume runs\/x: vocab\.minFreq = 3 \(from --set\): cannot change on resume .*vocabularies/],
    ["tokenizer.source.type=char", /^--resume runs\/x: tokenizer\.source\.type = "char" \(from --set\): cannot change on resume/],
    ["data.lowercase=true", /^--resume runs\/x: data\.lowercase = true \(from --set\): cannot change on resume/],
    ["training.optimizer=sgd", /^--resume runs\/x: training\.optimizer = "sgd" \(from --set\): cannot change on resume \(the run has "adam"; the optimizer state/],
    ["training.earlyStopping.metric=bleu", /^--resume runs\/x: training\.earlyStopping\.metric = "bleu" \(from --set\): cannot change on resume .*checkpoints\/best/],
  ])("refuses --set %s with one line naming the option", (set, message) => {
    const lines = refusal([set]).split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it("refuses each fixed option on its own line, whatever else changes", () => {
    const lines = refusal(["training.lr=0.002", "model.decoder.layers=2", "training.betas=[0.8,0.9]"]).split("\n");
    expect(lines.map((l) => l.split(" = ")[0])).toEqual(["--resume runs/x: model.decoder.layers", "--resume runs/x: training.betas"]);
  });
});
