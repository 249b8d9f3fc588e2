import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { decodeSafetensors, encodeSafetensors, type SafetensorsInput } from "../../../src/train/safetensors.js";
import type { BadInputCase, SharedRun } from "../corpus.js";
import { checkpointStep, copyRun } from "../runChecks.js";

/**
 * Damaged checkpoints are refused on load with one line naming the file and the tensor (or the
 * meta.json field): non-finite weights, truncated or corrupt safetensors, wrong shapes, missing
 * tensors, other dtypes, a meta.json that does not fit its schema. Each case damages a copy of
 * the shared run, never the run itself.
 */

type Tensors = Map<string, SafetensorsInput>;

/** Rewrite a safetensors file after `edit` changed its (F32) tensors. */
function editTensors(file: string, edit: (tensors: Tensors) => void): void {
  const contents = decodeSafetensors(readFileSync(file), file);
  const tensors: Tensors = new Map();
  for (const [name, t] of contents.tensors) {
    if (t.dtype !== "F32") throw new Error(`${file}: ${name} is ${t.dtype}`);
    tensors.set(name, { shape: t.shape, data: t.data });
  }
  edit(tensors);
  writeFileSync(file, Buffer.concat(encodeSafetensors(tensors, contents.metadata)));
}

/** Rewrite the JSON header of a safetensors file (the data buffer is kept as it is). */
function editHeader(file: string, edit: (header: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>) => void): void {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString("utf8")) as Parameters<typeof edit>[0];
  edit(header);
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const padded = Buffer.alloc(json.length + ((8 - (json.length % 8)) % 8), 0x20);
  json.copy(padded);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.length));
  writeFileSync(file, Buffer.concat([length, padded, bytes.subarray(8 + n)]));
}

function editMeta(file: string, edit: (meta: Record<string, unknown>) => void): void {
  const meta = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(meta);
  writeFileSync(file, JSON.stringify(meta, null, 2));
}

const resume = ["train", "--resume", "run", "--quiet", "--set", "training.maxSteps=24"];
const LAST = join("run", "checkpoints", "last");
const BEST = join("run", "checkpoints", "best");

/** A copy of the shared run damaged by `damage(copy)`, then `args` on it. */
function damaged(name: string, damage: (run: string) => void, args: string[], message: RegExp, input?: string): BadInputCase {
  return {
    name,
    args: (dir: string, shared: SharedRun) => {
      damage(copyRun(dir, shared));
      return args;
    },
    ...(input !== undefined ? { input } : {}),
    message,
    exitCode: 1,
    // A refused resume trains nothing and overwrites nothing.
    ...(args === resume ? { after: (dir: string) => expect(checkpointStep(join(dir, LAST))).toBe(12) } : {}),
  };
}

const translate = (checkpoint: string) => ["translate", "--checkpoint", checkpoint];

export const cases: BadInputCase[] = [
  damaged(
    "a NaN weight in checkpoints/best (translate of the run folder)",
    (run) => editTensors(join(run, "checkpoints", "best", "model.safetensors"), (t) => (t.get("decoder.rnn.weight_hh_l0")!.data[5] = NaN)),
    translate("run"),
    /^error: run\/checkpoints\/best\/model\.safetensors: tensor 'decoder\.rnn\.weight_hh_l0' holds NaN \(element 5 of \[48, 16\]\); expected finite values/,
    "a b\n",
  ),
  damaged(
    "an infinite weight in checkpoints/last (--resume)",
    (run) => editTensors(join(run, "checkpoints", "last", "model.safetensors"), (t) => (t.get("encoder.embedding.weight")!.data[0] = -Infinity)),
    resume,
    /^error: run\/checkpoints\/last\/model\.safetensors: tensor 'encoder\.embedding\.weight' holds -Infinity \(element 0 of \[11, 8\]\)/,
  ),
  damaged(
    "a NaN optimizer moment (--resume)",
    (run) => editTensors(join(run, "checkpoints", "last", "optimizer.safetensors"), (t) => (t.get("exp_avg_sq.decoder.output.bias")!.data[3] = NaN)),
    resume,
    /^error: run\/checkpoints\/last\/optimizer\.safetensors: tensor 'exp_avg_sq\.decoder\.output\.bias' holds NaN \(element 3 of \[11\]\)/,
  ),
  damaged(
    "a truncated model.safetensors (the last tensor cut short)",
    (run) => {
      const file = join(run, "checkpoints", "last", "model.safetensors");
      truncateSync(file, readFileSync(file).length - 10);
    },
    translate(LAST),
    /^error: run\/checkpoints\/last\/model\.safetensors: tensor 'decoder\.output\.bias' has data_offsets \[\d+, \d+\] beyond the \d+-byte data buffer \(truncated file\?\)$/,
    "a b\n",
  ),
  damaged(
    "a model.safetensors cut inside its length field",
    (run) => truncateSync(join(run, "checkpoints", "last", "model.safetensors"), 5),
    translate(LAST),
    /^error: run\/checkpoints\/last\/model\.safetensors: not a safetensors file: 5 bytes, expected at least 8/,
    "a b\n",
  ),
  damaged(
    "a model.safetensors overwritten with text",
    (run) => writeFileSync(join(run, "checkpoints", "last", "model.safetensors"), "this is not a safetensors file at all\n"),
    translate(LAST),
    /^error: run\/checkpoints\/last\/model\.safetensors: not a safetensors file: header length \d+ exceeds the 100000000-byte limit$/,
    "a b\n",
  ),
  damaged(
    "a weight with the wrong shape (transposed)",
    (run) =>
      editTensors(join(run, "checkpoints", "last", "model.safetensors"), (t) => {
        const w = t.get("decoder.bridge.h.weight")!;
        t.set("decoder.bridge.h.weight", { shape: [8, 32], data: w.data });
      }),
    translate(LAST),
    /^error: run\/checkpoints\/last\/model\.safetensors: the weights do not fit the model \(decoder\.bridge\.h\.weight is \[8, 32\] in the checkpoint but \[16, 16\] in the model\)/,
    "a b\n",
  ),
  damaged(
    "a missing weight tensor",
    (run) => editTensors(join(run, "checkpoints", "last", "model.safetensors"), (t) => t.delete("decoder.attention.score.v")),
    translate(LAST),
    /^error: run\/checkpoints\/last\/model\.safetensors: the weights do not fit the model \(missing decoder\.attention\.score\.v\)/,
    "a b\n",
  ),
  damaged(
    "an unknown dtype (BF16) in the header",
    (run) => editHeader(join(run, "checkpoints", "last", "model.safetensors"), (h) => (h["encoder.rnn.bias_ih_l0"]!.dtype = "BF16")),
    translate(LAST),
    /^error: run\/checkpoints\/last\/model\.safetensors: tensor 'encoder\.rnn\.bias_ih_l0': unsupported dtype "BF16" \(attn reads F32, I32 and I64\)$/,
    "a b\n",
  ),
  damaged(
    "an integer tensor where weights are expected (I32)",
    (run) => editHeader(join(run, "checkpoints", "last", "model.safetensors"), (h) => (h["decoder.output.weight"]!.dtype = "I32")),
    translate(LAST),
    /^error: run\/checkpoints\/last\/model\.safetensors: tensor 'decoder\.output\.weight' is I32; attn checkpoints hold F32 tensors only$/,
    "a b\n",
  ),
  damaged(
    "meta.json with a negative step",
    (run) => editMeta(join(run, "checkpoints", "last", "meta.json"), (m) => (m.step = -1)),
    translate(LAST),
    /^error: run\/checkpoints\/last\/meta\.json: "step": expected a non-negative integer; got -1$/,
    "a b\n",
  ),
  damaged(
    "meta.json from a newer checkpoint format",
    (run) => editMeta(join(run, "checkpoints", "best", "meta.json"), (m) => (m.version = 2)),
    translate(BEST),
    /^error: run\/checkpoints\/best\/meta\.json: written by a newer attn \(checkpoint format version 2\); this attn reads version 1$/,
    "a b\n",
  ),
  damaged(
    "meta.json with a broken RNG state (--resume)",
    (run) => editMeta(join(run, "checkpoints", "last", "meta.json"), (m) => ((m.rngStates as Record<string, { words: unknown }>).encoder!.words = [1, 2, 3])),
    resume,
    /^error: run\/checkpoints\/last\/meta\.json: "rngStates\.encoder\.words": expected \[4 uint32\]; got \[1,2,3\]$/,
  ),
  damaged(
    "meta.json that is not an attn checkpoint",
    (run) => editMeta(join(run, "checkpoints", "last", "meta.json"), (m) => (m.format = "pytorch")),
    translate(LAST),
    /^error: run\/checkpoints\/last\/meta\.json: "format": not an attn checkpoint; expected "attn-checkpoint"; got "pytorch"$/,
    "a b\n",
  ),
  damaged(
    "meta.json cut in half",
    (run) => {
      const file = join(run, "checkpoints", "last", "meta.json");
      writeFileSync(file, readFileSync(file, "utf8").slice(0, 200));
    },
    translate(LAST),
    /^error: run\/checkpoints\/last\/meta\.json: invalid JSON \(/,
    "a b\n",
  ),
  damaged(
    "an optimizer moment of the wrong size (--resume)",
    (run) =>
      editTensors(join(run, "checkpoints", "last", "optimizer.safetensors"), (t) => {
        t.set("exp_avg.decoder.output.bias", { shape: [5], data: new Float32Array(5) });
      }),
    resume,
    /^error: run\/checkpoints\/last\/optimizer\.safetensors: .*buffer 'exp_avg\.decoder\.output\.bias' has 5 values but the parameter has 11$/,
  ),
];
