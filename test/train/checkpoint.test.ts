import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigSchema, type Config } from "../../src/config/schema.js";
import { buildModel } from "../../src/models/build.js";
import type { TranslationModel } from "../../src/models/types.js";
import { crossEntropy } from "../../src/ops/index.js";
import { Adam, clipGradNorm, createScheduler, type Optimizer } from "../../src/optim/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { oldSibling, recoverDir, writeDirAtomic, writeFileAtomic } from "../../src/train/atomic.js";
import {
  CHECKPOINT_FILES,
  loadCheckpoint,
  recoverCheckpoints,
  resolveCheckpointDir,
  restoreModel,
  saveCheckpoint,
  type CheckpointInput,
} from "../../src/train/checkpoint.js";
import { readSafetensors } from "../../src/train/safetensors.js";
import { userErrorOf } from "../helpers/userErrors.js";
import { fixedBatches, tinyReverseExamples } from "../models/tinyTask.js";

const root = mkdtempSync(join(tmpdir(), "attn-checkpoint-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCounter = 0;
const freshDir = (name = "run") => join(root, `${name}-${dirCounter++}`);

const V = 6;
const VOCAB = { source: 4 + V, target: 4 + V };

function config(model: Record<string, unknown> = {}): Config {
  return ConfigSchema.parse({
    data: { train: "train.tsv" },
    model: {
      encoder: { embeddingSize: 8, hiddenSize: 8 },
      decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 12 },
      attention: { size: 8, score: "additive", scope: "local-p", window: 2 },
      ...model,
    },
  });
}

const batches = fixedBatches(tinyReverseExamples(24, V, 2, 4, 3), 8);

function trainStep(model: TranslationModel, opt: Optimizer, s: number): void {
  const batch = batches[s % batches.length]!;
  const loss = crossEntropy(model.forward(batch).logits, batch.tgtOut, { ignoreIndex: 0 });
  opt.zeroGrad();
  loss.backward();
  clipGradNorm(model.parameters(), 1);
  opt.step();
}

/** A model, Adam after `steps` updates, a scheduler and an RNG stream, as the trainer holds them. */
function trained(steps: number, seed = 7) {
  const cfg = config();
  const model = buildModel(cfg.model, VOCAB, seed);
  const optimizer = new Adam(model.namedParameters(), { lr: 0.01, amsgrad: true });
  const scheduler = createScheduler({ kind: "plateau", lr: 0.01, patience: 1 });
  scheduler.step(2.5);
  const rng = new Rng(99).fork("shuffle");
  rng.normal(); // leaves a cached spare normal in the state
  for (let s = 0; s < steps; s++) trainStep(model, optimizer, s);
  return { cfg, model, optimizer, scheduler, rng };
}

function input(t: ReturnType<typeof trained>, extra: Record<string, unknown> = {}): CheckpointInput {
  return {
    model: t.model,
    optimizer: t.optimizer,
    scheduler: t.scheduler,
    rngStates: { shuffle: t.rng.getState() },
    step: 3,
    epoch: 1,
    batchInEpoch: 2,
    bestMetric: Infinity,
    metrics: { loss: 1.5, perplexity: NaN },
    config: t.cfg,
    pipeline: { format: "attn-text-pipeline", version: 1, srcVocab: ["<pad>", "<s>"] },
    extra: { badValidations: 1, ...extra },
  };
}

const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a as Float32Array).buffer));
const weightBits = (m: TranslationModel) => m.namedParameters().map(([n, t]) => [n, bits(t.data)]);

describe("checkpoint round trip", () => {
  it("restores bitwise-identical weights, optimizer buffers and training state, and training continues identically", () => {
    const a = trained(3);
    const dir = join(freshDir(), "checkpoints", "last");
    const saved = saveCheckpoint(dir, input(a));
    expect(readdirSync(dir).sort()).toEqual([CHECKPOINT_FILES.meta, CHECKPOINT_FILES.model, CHECKPOINT_FILES.optimizer].sort());
    expect(readdirSync(join(dir, ".."))).toEqual(["last"]);
    expect(saved.model).toEqual({ tensors: a.model.namedParameters().length, parameters: a.model.numParameters() });

    // A fresh model and optimizer from another seed, restored from disk.
    const ckpt = loadCheckpoint(dir);
    const b = buildModel(config().model, VOCAB, 12345);
    expect(weightBits(b)).not.toEqual(weightBits(a.model));
    restoreModel(b, ckpt);
    expect(weightBits(b)).toEqual(weightBits(a.model));
    const optB = new Adam(b.namedParameters(), { lr: 0.5 });
    optB.loadStateDict(ckpt.optimizerState!);
    const sdA = a.optimizer.stateDict();
    const sdB = optB.stateDict();
    expect(sdB.meta).toEqual(sdA.meta);
    expect(Object.keys(sdB.tensors)).toEqual(Object.keys(sdA.tensors));
    for (const k of Object.keys(sdA.tensors)) expect(bits(sdB.tensors[k]!)).toEqual(bits(sdA.tensors[k]!));

    // Meta: training position, schedule, RNG streams, config, pipeline, extra.
    const m = ckpt.meta;
    expect(m).toMatchObject({ format: "attn-checkpoint", version: 1, step: 3, epoch: 1, batchInEpoch: 2, bestMetric: Infinity });
    expect(m.metrics.loss).toBe(1.5);
    expect(m.metrics.perplexity).toBeNaN();
    expect(m.attnVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number.isNaN(Date.parse(m.created))).toBe(false);
    expect(m.scheduler).toEqual(a.scheduler.stateDict());
    expect(m.config).toEqual(a.cfg);
    expect(m.pipeline).toEqual({ format: "attn-text-pipeline", version: 1, srcVocab: ["<pad>", "<s>"] });
    expect(m.extra).toEqual({ badValidations: 1 });
    const rngB = new Rng(0);
    rngB.setState(m.rngStates.shuffle!);
    expect([rngB.normal(), rngB.nextUint32()]).toEqual([a.rng.normal(), a.rng.nextUint32()]);

    // Two more identical steps on both give identical weights.
    for (let s = 3; s < 5; s++) {
      trainStep(a.model, a.optimizer, s);
      trainStep(b, optB, s);
    }
    expect(weightBits(b)).toEqual(weightBits(a.model));
  });

  it("stores PyTorch-style names with their shapes, and optimizer buffers under <buffer>.<parameter>", () => {
    const a = trained(2);
    const dir = join(freshDir(), "ck");
    saveCheckpoint(dir, input(a));
    const model = readSafetensors(join(dir, CHECKPOINT_FILES.model));
    expect(model.metadata).toMatchObject({ format: "attn-checkpoint", version: "1" });
    const params = a.model.namedParameters();
    expect([...model.tensors].map(([n, t]) => [n, t.shape])).toEqual(params.map(([n, t]) => [n, [...t.shape]]));
    expect(model.tensors.has("encoder.rnn.weight_ih_l0_reverse")).toBe(true);
    expect(model.tensors.has("decoder.attention.position_v")).toBe(true);

    const opt = readSafetensors(join(dir, CHECKPOINT_FILES.optimizer));
    expect(opt.metadata).toMatchObject({ format: "attn-checkpoint", optimizer: "adam" });
    const names = [...opt.tensors.keys()];
    for (const kind of ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]) {
      expect(names).toContain(`${kind}.encoder.rnn.weight_ih_l0`);
    }
    const shapes = new Map(params.map(([n, t]) => [n, [...t.shape]]));
    for (const [name, t] of opt.tensors) expect(t.shape).toEqual(shapes.get(name.slice(name.indexOf(".") + 1)));

    const meta = JSON.parse(readFileSync(join(dir, CHECKPOINT_FILES.meta), "utf8")) as Record<string, unknown>;
    expect(meta.bestMetric).toBe("Infinity");
    expect((meta.metrics as Record<string, unknown>).perplexity).toBe("NaN");
    expect((meta.optimizer as { type: string }).type).toBe("adam");
  });

  it("writes a weights-only checkpoint without optimizer.safetensors", () => {
    const a = trained(0);
    const dir = join(freshDir(), "w");
    saveCheckpoint(dir, { model: a.model, step: 0, epoch: 0, batchInEpoch: 0, config: a.cfg });
    expect(existsSync(join(dir, CHECKPOINT_FILES.optimizer))).toBe(false);
    const ckpt = loadCheckpoint(dir);
    expect(ckpt.optimizerState).toBeUndefined();
    expect(ckpt.meta).toMatchObject({ optimizer: null, scheduler: null, bestMetric: null, rngStates: {}, extra: {}, pipeline: null });
    const b = buildModel(a.cfg.model, VOCAB, 1);
    restoreModel(b, ckpt.weights);
    expect(weightBits(b)).toEqual(weightBits(a.model));
  });

  it("can skip reading the optimizer state", () => {
    const a = trained(1);
    const dir = join(freshDir(), "ck");
    saveCheckpoint(dir, input(a));
    rmSync(join(dir, CHECKPOINT_FILES.optimizer));
    expect(loadCheckpoint(dir, { optimizer: false }).optimizerState).toBeUndefined();
    expect(userErrorOf(() => loadCheckpoint(dir)).message).toMatch(/optimizer\.safetensors: missing, but meta\.json records a 'adam' optimizer state/);
  });
});

describe("checkpoint errors", () => {
  const a = trained(0);
  const dir = join(freshDir(), "ck");
  saveCheckpoint(dir, input(a));

  it("explains weights that do not fit the model in one line", () => {
    const other = buildModel(config({ decoder: { type: "luong", embeddingSize: 8, hiddenSize: 10 } }).model, VOCAB, 1);
    const msg = userErrorOf(() => restoreModel(other, loadCheckpoint(dir))).message;
    expect(msg).toMatch(/the weights do not fit the model/);
    expect(msg).toMatch(/missing decoder\.combine\.weight/);
    expect(msg).toMatch(/decoder\.rnn\.weight_hh_l0 is \[36, 12\] in the checkpoint but \[30, 10\] in the model/);
    expect(msg).toMatch(/another model config/);
    const unexpected = buildModel(config({ attention: { size: 8, score: "additive", scope: "global" } }).model, VOCAB, 1);
    expect(userErrorOf(() => restoreModel(unexpected, loadCheckpoint(dir))).message).toMatch(/unexpected decoder\.attention\.position_v, decoder\.attention\.position_proj\.weight/);
  });

  it("rejects missing folders and files, foreign or newer meta.json, and bad fields", () => {
    expect(userErrorOf(() => loadCheckpoint(join(root, "nowhere"))).message).toMatch(/nowhere: checkpoint folder not found/);
    const broken = (mutate: (d: string) => void): string => {
      const d = freshDir("broken");
      saveCheckpoint(d, input(a));
      mutate(d);
      return userErrorOf(() => loadCheckpoint(d)).message;
    };
    const patchMeta = (patch: Record<string, unknown>) => (d: string) => {
      const p = join(d, CHECKPOINT_FILES.meta);
      writeFileSync(p, JSON.stringify({ ...(JSON.parse(readFileSync(p, "utf8")) as object), ...patch }));
    };
    expect(broken((d) => rmSync(join(d, CHECKPOINT_FILES.meta)))).toMatch(/not a checkpoint folder \(no meta\.json/);
    expect(broken((d) => rmSync(join(d, CHECKPOINT_FILES.model)))).toMatch(/not a checkpoint folder \(no model\.safetensors/);
    expect(broken((d) => writeFileSync(join(d, CHECKPOINT_FILES.meta), "{oops"))).toMatch(/meta\.json: invalid JSON/);
    expect(broken(patchMeta({ format: "something-else" }))).toMatch(/meta\.json: "format": not an attn checkpoint; expected "attn-checkpoint"; got "something-else"$/);
    expect(broken(patchMeta({ version: 2 }))).toMatch(/written by a newer attn \(checkpoint format version 2\)/);
    expect(broken(patchMeta({ step: -1 }))).toMatch(/meta\.json: "step": expected a non-negative integer; got -1$/);
    expect(broken(patchMeta({ bestMetric: "lots" }))).toMatch(/"bestMetric": expected a number \(or "NaN", "Infinity", "-Infinity"\); got "lots"$/);
    expect(broken(patchMeta({ rngStates: { shuffle: { words: [1, 2, 3] } } }))).toMatch(/"rngStates\.shuffle\.words": expected \[4 uint32\]; got \[1,2,3\]/);
    expect(broken(patchMeta({ optimizer: 3 }))).toMatch(/"optimizer": expected object; got 3$/);
    expect(broken((d) => writeFileSync(join(d, CHECKPOINT_FILES.model), "garbage"))).toMatch(/model\.safetensors: not a safetensors file/);
  });

  it("refuses NaN and infinite weights or optimizer moments, naming the file, the tensor and the element", () => {
    const poisoned = (file: string, value: number): string => {
      const d = freshDir("poisoned");
      const t = trained(1);
      const [name, param] = t.model.namedParameters()[2]!;
      if (file === CHECKPOINT_FILES.model) param.data[4] = value;
      saveCheckpoint(d, input(t));
      if (file === CHECKPOINT_FILES.optimizer) {
        // The moment buffers are written as given; poison one on disk through a fresh save of edited state.
        const state = t.optimizer.stateDict();
        state.tensors[`exp_avg.${name}`]![4] = value;
        saveCheckpoint(d, { ...input(t), optimizer: { stateDict: () => state } });
      }
      const msg = userErrorOf(() => loadCheckpoint(d)).message;
      return msg.replace(d, "<dir>");
    };
    const name = trained(0).model.namedParameters()[2]![0];
    expect(poisoned(CHECKPOINT_FILES.model, NaN)).toMatch(new RegExp(`^<dir>/model\\.safetensors: tensor '${name}' holds NaN \\(element 4 of \\[[\\d, ]+\\]\\); expected finite values`));
    expect(poisoned(CHECKPOINT_FILES.model, Infinity)).toMatch(/model\.safetensors: tensor '.*' holds Infinity \(element 4 /);
    expect(poisoned(CHECKPOINT_FILES.optimizer, -Infinity)).toMatch(new RegExp(`^<dir>/optimizer\\.safetensors: tensor 'exp_avg\\.${name}' holds -Infinity`));
  });

  // A full disk during a save, with the previous checkpoint kept, is in test/reliability/cases/filesystem.ts (it needs a tmpfs).
  it("turns a file-system fault during a save into one line naming the folder and the step", () => {
    // A file where the checkpoint's parent folder should be: the save cannot even start.
    const blocked = join(freshDir(), "file");
    mkdirSync(join(blocked, ".."), { recursive: true });
    writeFileSync(blocked, "x");
    const err = userErrorOf(() => saveCheckpoint(join(blocked, "last"), input(a)));
    expect(err.message).toMatch(/file\/last: cannot save the checkpoint of step 3: a file is in the way of a folder \(EEXIST\); no checkpoint was written$/);
    expect(err.exitCode).toBe(1);
  });

  it("refuses impossible training positions when saving", () => {
    expect(() => saveCheckpoint(freshDir(), { ...input(a), step: 1.5 })).toThrow(/step must be a non-negative integer/);
  });
});

describe("atomic checkpoint writes", () => {
  it("leaves the previous checkpoint intact when the writer fails midway", () => {
    const run = freshDir();
    const last = join(run, "checkpoints", "last");
    const a = trained(1);
    saveCheckpoint(last, input(a));
    const before = weightBits(a.model);
    const metaBefore = readFileSync(join(last, CHECKPOINT_FILES.meta), "utf8");

    trainStep(a.model, a.optimizer, 1);
    // meta.json is written after both safetensors files; a value that cannot be serialised fails there.
    const bomb = {
      toJSON() {
        throw new Error("disk full");
      },
    };
    expect(() => saveCheckpoint(last, { ...input(a, { bomb }), step: 4 })).toThrow("disk full");

    expect(readdirSync(join(run, "checkpoints"))).toEqual(["last"]);
    expect(readFileSync(join(last, CHECKPOINT_FILES.meta), "utf8")).toBe(metaBefore);
    const ckpt = loadCheckpoint(last);
    expect(ckpt.meta.step).toBe(3);
    const b = buildModel(a.cfg.model, VOCAB, 5);
    restoreModel(b, ckpt);
    expect(weightBits(b)).toEqual(before);
  });

  it("writeDirAtomic removes its temporary folder and keeps the old one when fill throws", () => {
    const parent = freshDir("atomic");
    const target = join(parent, "x");
    writeDirAtomic(target, (tmp) => writeFileAtomic(join(tmp, "a.txt"), "old"));
    expect(() =>
      writeDirAtomic(target, (tmp) => {
        writeFileAtomic(join(tmp, "a.txt"), "new");
        mkdirSync(join(tmp, "sub"));
        throw new Error("injected failure");
      }),
    ).toThrow("injected failure");
    expect(readdirSync(parent)).toEqual(["x"]);
    expect(readdirSync(target)).toEqual(["a.txt"]);
    expect(readFileSync(join(target, "a.txt"), "utf8")).toBe("old");

    writeDirAtomic(target, (tmp) => writeFileAtomic(join(tmp, "b.txt"), [Buffer.from("ne"), Buffer.from("w")]));
    expect(readdirSync(parent)).toEqual(["x"]);
    expect(readdirSync(target)).toEqual(["b.txt"]);
    expect(readFileSync(join(target, "b.txt"), "utf8")).toBe("new");
  });

  it("writeFileAtomic replaces a file and cleans up after a failure", () => {
    const parent = freshDir("files");
    const f = join(parent, "deep", "f.json");
    writeFileAtomic(f, "1");
    writeFileAtomic(f, new Uint8Array([50]));
    expect(readFileSync(f, "utf8")).toBe("2");
    expect(readdirSync(join(parent, "deep"))).toEqual(["f.json"]);
    mkdirSync(join(parent, "deep", "d"));
    expect(() => writeFileAtomic(join(parent, "deep", "d"), "x")).toThrow();
    expect(readdirSync(join(parent, "deep")).sort()).toEqual(["d", "f.json"]);
  });

  it("recovers from a crash after the old folder was moved aside but before the new one was in place", () => {
    const run = freshDir();
    const ckRoot = join(run, "checkpoints");
    const last = join(ckRoot, "last");
    const a = trained(1);
    saveCheckpoint(last, input(a));
    // The state a crash between steps 2 and 3 leaves: .last.old plus a complete temporary folder.
    cpSync(last, join(ckRoot, `.last.tmp-${process.pid}-999`), { recursive: true });
    renameSync(last, oldSibling(last));
    expect(existsSync(last)).toBe(false);

    // Readers fall back to the old copy without touching the disk.
    expect(loadCheckpoint(last).dir).toBe(oldSibling(last));
    expect(loadCheckpoint(last).meta.step).toBe(3);
    expect(resolveCheckpointDir(run)).toBe(oldSibling(last));
    // … whether the user names the run folder, the checkpoint folder or a file in it.
    expect(resolveCheckpointDir(last)).toBe(oldSibling(last));
    expect(resolveCheckpointDir(join(last, CHECKPOINT_FILES.meta))).toBe(oldSibling(last));
    expect(existsSync(oldSibling(last))).toBe(true);

    // Recovery restores it and removes the leftover temporary folder.
    const lines = recoverCheckpoints(run);
    expect(lines.some((l) => l.startsWith("restored"))).toBe(true);
    expect(lines.some((l) => l.includes(".last.tmp-"))).toBe(true);
    expect(readdirSync(ckRoot)).toEqual(["last"]);
    expect(loadCheckpoint(last).meta.step).toBe(3);
    expect(recoverCheckpoints(run)).toEqual([]);
  });

  it("recovers from a crash after the new folder was in place but before .old was removed", () => {
    const parent = freshDir("atomic");
    const target = join(parent, "last");
    writeDirAtomic(target, (tmp) => writeFileAtomic(join(tmp, "v"), "new"));
    mkdirSync(oldSibling(target));
    writeFileSync(join(oldSibling(target), "v"), "old");
    // A temporary folder of another live process is left alone; ours (a previous crash with the same pid) is removed.
    const foreign = join(parent, `.last.tmp-${process.ppid}-0`);
    mkdirSync(foreign);
    mkdirSync(join(parent, `.last.tmp-${process.pid}-7`));
    const report = recoverDir(target);
    expect(report.restored).toBe(false);
    expect(report.removed).toHaveLength(2);
    expect(readdirSync(parent).sort()).toEqual([`.last.tmp-${process.ppid}-0`, "last"].sort());
    expect(readFileSync(join(target, "v"), "utf8")).toBe("new");
    // A save repairs leftovers first.
    rmSync(foreign, { recursive: true });
    mkdirSync(oldSibling(target));
    writeDirAtomic(target, (tmp) => writeFileAtomic(join(tmp, "v"), "newer"));
    expect(readdirSync(parent)).toEqual(["last"]);
    expect(readFileSync(join(target, "v"), "utf8")).toBe("newer");
  });
});

describe("resolveCheckpointDir", () => {
  const a = trained(0);
  const run = freshDir();
  const best = join(run, "checkpoints", "best");
  const last = join(run, "checkpoints", "last");
  saveCheckpoint(last, input(a));
  saveCheckpoint(best, input(a));
  const onlyLast = freshDir();
  saveCheckpoint(join(onlyLast, "checkpoints", "last"), input(a));

  it("finds best, else last, in a run folder", () => {
    expect(resolveCheckpointDir(run)).toBe(best);
    expect(resolveCheckpointDir(run, "last")).toBe(last);
    expect(resolveCheckpointDir(onlyLast)).toBe(join(onlyLast, "checkpoints", "last"));
    expect(resolveCheckpointDir(onlyLast, "best")).toBe(join(onlyLast, "checkpoints", "last"));
  });

  it("accepts a checkpoint folder, a file inside one, and a checkpoints/ folder", () => {
    expect(resolveCheckpointDir(last)).toBe(last);
    expect(resolveCheckpointDir(join(last, CHECKPOINT_FILES.model))).toBe(last);
    expect(resolveCheckpointDir(join(run, "checkpoints"))).toBe(best);
  });

  it("falls back to .best.old when a save of best was interrupted, for the run folder and for checkpoints/best", () => {
    const r = freshDir();
    const b = join(r, "checkpoints", "best");
    saveCheckpoint(join(r, "checkpoints", "last"), input(a));
    saveCheckpoint(b, input(a));
    renameSync(b, oldSibling(b));
    expect(resolveCheckpointDir(r)).toBe(oldSibling(b));
    expect(resolveCheckpointDir(b)).toBe(oldSibling(b));
    expect(loadCheckpoint(resolveCheckpointDir(b)).meta.step).toBe(3);
  });

  it("says what it looked for", () => {
    const empty = freshDir("empty");
    mkdirSync(empty);
    const msg = userErrorOf(() => resolveCheckpointDir(empty)).message;
    expect(msg).toContain(`${empty}: no checkpoint found; looked for ${empty}/meta.json + model.safetensors, ${empty}/checkpoints/best/ and ${empty}/checkpoints/last/`);
    expect(userErrorOf(() => resolveCheckpointDir(join(root, "missing-run"))).message).toMatch(/missing-run: not found; expected a run folder/);
    const file = join(empty, "notes.txt");
    writeFileSync(file, "hi");
    expect(userErrorOf(() => resolveCheckpointDir(file)).message).toMatch(/notes\.txt: is a file; expected a run folder/);
  });
});
