/**
 * Shared by test/export/pytorch-*.test.ts (split in three so the two test workers share the work).
 * The PyTorch export reproduces attn (issue 13): for recurrent (every score and scope), hybrid and
 * Transformer families a tiny model is trained with attn, exported with `attn export --to pytorch`,
 * and the package's model.py gives the same teacher-forced log-probabilities and attention
 * matrices (to 1e-4, all sentences in one padded batch; attn's own numbers come from the model's
 * forward pass, as dump-attention --target reads them) and its translate.py the same greedy (and,
 * for three families, beam-3) translations as attn. Needs /usr/bin/python3 with torch (CI installs
 * Debian's python3-torch: .ci/run).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { noGrad } from "../../src/autograd/tape.js";
import { decodeCorpus } from "../../src/decode/index.js";
import { sourceBatch } from "../../src/decode/sourceBatch.js";
import { logSoftmax } from "../../src/ops/index.js";
import { loadForInference } from "../../src/train/loadForInference.js";
import { exportPytorch } from "../../src/workflows/export/pytorch.js";
import { attn, ROOT, stripAnsi, tempFolder, trainTiny, writeTinyTask } from "../cli/fixture.js";

const PYTHON = "/usr/bin/python3";
const CHECK = join(ROOT, "test", "export", "check.py");
const TOL = 1e-4;

export function python(args: string[], input = "", cwd?: string): string {
  const r = spawnSync(PYTHON, args, { input, encoding: "utf8", cwd, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** attn's own teacher-forced log-probabilities [steps][V] and attention [steps][S] of each pair (one sentence at a time). */
export function attnForced(runDir: string, pairs: [string, string][]): { logProbs: number[][]; attention: number[][] | null }[] {
  const { model, pipeline } = loadForInference(runDir);
  return pairs.map(([s, t]) =>
    noGrad(() => {
      const src = pipeline.encodeSource(s);
      const tgt = pipeline.encodeTarget(t);
      const T = tgt.length - 1;
      const batch = { ...sourceBatch([src]), tgtLen: T, tgtIn: tgt.subarray(0, T) };
      const out = (model as unknown as { forward(b: typeof batch, o: { attention: boolean }): { logits: Parameters<typeof logSoftmax>[0]; attention: { data: Float32Array }[] | null } }).forward(batch, { attention: true });
      const lp = logSoftmax(out.logits);
      const V = lp.shape[1]!;
      return {
        logProbs: Array.from({ length: T }, (_, i) => Array.from(lp.data.subarray(i * V, (i + 1) * V))),
        attention: out.attention ? out.attention.map((w) => Array.from(w.data.subarray(0, src.length))) : null,
      };
    }),
  );
}

/** attn's translations (decodeCorpus, as `attn translate` runs it). */
export function attnTranslate(runDir: string, sources: string[], beam: number): string[] {
  const { model, pipeline, config } = loadForInference(runDir);
  const lists = decodeCorpus(model, sources.map((s) => pipeline.encodeSource(s)), { beam, maxLen: config.decoding.maxLen, nBest: 1, batchSize: 32 });
  return lists.map((l) => pipeline.decodeTarget(l[0]!.tokens));
}

/** Largest absolute difference between two nested arrays of numbers (Infinity when shapes differ). */
export function maxDiff(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return Infinity;
    return a.reduce((m: number, x, i) => Math.max(m, maxDiff(x, b[i])), 0);
  }
  return a === b ? 0 : Infinity;
}

export function testPairs(dir: string): [string, string][] {
  return readFileSync(join(dir, "data", "test.tsv"), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split("\t") as [string, string]);
}

export const FAMILIES: { name: string; patch: Record<string, Record<string, unknown>>; beam?: boolean }[] = [
  {
    name: "bahdanau + additive, bidirectional 2-layer GRU",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true, layers: 2 }, decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16, layers: 2 }, attention: { score: "additive", size: 8 } } },
    beam: true,
  },
  {
    name: "luong + general, bidirectional LSTM, input feeding",
    patch: { model: { encoder: { type: "lstm", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "luong", cell: "lstm", embeddingSize: 8, hiddenSize: 16, inputFeeding: true }, attention: { score: "general" } } },
    beam: true,
  },
  {
    name: "luong + concat, local-p (renormalised), GRU encoder → LSTM decoder",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "luong", cell: "lstm", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "concat", scope: "local-p", window: 2, size: 8 } } },
  },
  {
    name: "luong + bilinear, local-p (paper), tied embeddings, no input feeding",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8 }, decoder: { type: "luong", embeddingSize: 16, hiddenSize: 16, inputFeeding: false, tieEmbeddings: true }, attention: { score: "bilinear", rank: 4, scope: "local-p", localP: "paper", window: 1, size: 8 } } },
  },
  {
    name: "luong + scaled-dot, local-m",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "luong", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "scaled-dot", scope: "local-m", window: 1 } } },
  },
  {
    name: "bahdanau + multihead (kdim ≠ embed_dim)",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8 }, decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "multihead" }, transformer: { heads: 2, dropout: 0 } } },
  },
  {
    name: "bahdanau + additive, sparsemax",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "additive", size: 8, normalizer: "sparsemax" } } },
  },
  {
    name: "luong + general, 1.5-entmax over the top 3 scores",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "luong", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "general", normalizer: "entmax15", topK: 3 } } },
  },
  {
    name: "none (thought vector), LSTM, deeper decoder than encoder",
    patch: { model: { encoder: { type: "lstm", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "none", cell: "lstm", embeddingSize: 8, hiddenSize: 16, layers: 2 } } },
  },
  {
    name: "hybrid: bidirectional GRU + a self-attention layer, luong + multihead (in_proj_weight)",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true, selfAttentionLayers: 1 }, decoder: { type: "luong", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "multihead" }, transformer: { heads: 2, ffSize: 16, dropout: 0.1 } } },
  },
  {
    name: "transformer, sinusoidal positions, post-norm, ReLU",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 2 }, decoder: { type: "transformer", hiddenSize: 16, layers: 2 }, transformer: { heads: 2, ffSize: 32, dropout: 0.1 } } },
    beam: true,
  },
  {
    name: "transformer, rotary positions",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0.1, positions: "rotary" } } },
  },
  {
    name: "transformer, ALiBi with 3 heads (slopes of a non-power of 2), pre-norm",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 12, layers: 1 }, decoder: { type: "transformer", hiddenSize: 12, layers: 1 }, transformer: { heads: 3, ffSize: 24, dropout: 0.1, positions: "alibi", normFirst: true } } },
  },
  {
    name: "transformer, T5 bucketed relative bias",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0.1, positions: "t5", t5Buckets: 8, t5MaxDistance: 6 } } },
  },
  {
    name: "transformer, learned positions, pre-norm, GELU, tied embeddings",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 2, tieEmbeddings: true }, transformer: { heads: 4, ffSize: 32, dropout: 0.1, positions: "learned", normFirst: true, activation: "gelu", maxPositions: 32 } } },
  },
];

/** The refusal test: an option the exporter cannot express yet is one line naming its config path. */
export function refusalTest(): void {
  it("refuses what it cannot express with one line naming the config path", async () => {
    const dir = tempFolder("export-refuse");
    const config = writeTinyTask(dir, { model: { attention: { score: "additive", size: 8, normalizer: "entmax" } }, training: { maxSteps: 2 } });
    await trainTiny(config, join(dir, "run"));
    const r = await attn(["export", "--checkpoint", join(dir, "run"), "--to", "pytorch", "--out", join(dir, "out")]);
    expect(r.code).toBe(1);
    const lines = stripAnsi(r.stderr).trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*meta\.json: model\.attention\.normalizer: "entmax" is not exported/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

}

/** One test per family: train with attn, export, compare with PyTorch (the first family also through the CLI). */
export function familyTests(families: typeof FAMILIES): void {
  for (const family of families) {
    it(`${family.name}: same log-probabilities, attention and translations`, async () => {
      const dir = tempFolder("export");
      const patch = { ...family.patch, training: { maxSteps: 40, validEvery: 40, logEvery: 20 } };
      const config = writeTinyTask(dir, patch);
      const run = join(dir, "run");
      await trainTiny(config, run);
      const out = join(dir, "torch");
      if (family === FAMILIES[0]) {
        const r = await attn(["export", "--checkpoint", run, "--to", "pytorch", "--out", out]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
      } else {
        exportPytorch({ checkpoint: run, to: "pytorch", out });
      }
      for (const f of ["model.py", "transformer.py", "tokenizer.py", "translate.py", "train.py", "model.safetensors", "config.json", "pipeline.json", "export.json"]) expect(existsSync(join(out, f)), f).toBe(true);

      const pairs: [string, string][] = [...testPairs(dir), ['a " b', 'b " a'], ["e", "e"]];
      const pairsFile = join(dir, "pairs.json");
      writeFileSync(pairsFile, JSON.stringify(pairs));
      const checked = JSON.parse(python([CHECK, out, pairsFile, "--greedy"])) as { pairs: { logProbs: number[][]; attention: number[][] | null }[]; greedy: string[] };
      const theirs = checked.pairs;
      const ours = attnForced(run, pairs);
      expect(theirs).toHaveLength(pairs.length);
      pairs.forEach((_, i) => {
        expect(maxDiff(theirs[i]!.logProbs, ours[i]!.logProbs), `log-probs of pair ${i}`).toBeLessThan(TOL);
        expect(maxDiff(theirs[i]!.attention, ours[i]!.attention), `attention of pair ${i}`).toBeLessThan(TOL);
      });
      if (family.name.startsWith("none")) expect(ours[0]!.attention).toBeNull();
      else expect(ours[0]!.attention).not.toBeNull();

      const sources = pairs.map(([s]) => s);
      const input = sources.join("\n") + "\n";
      const greedy = attnTranslate(run, sources, 1);
      expect(checked.greedy).toEqual(greedy);
      if (family.beam) {
        // translate.py as a program: stdin → stdout.
        expect(python([join(out, "translate.py")], input).split("\n").slice(0, -1)).toEqual(greedy);
        const beam = attnTranslate(run, sources, 3);
        expect(python([join(out, "translate.py"), "--beam", "3"], input).split("\n").slice(0, -1)).toEqual(beam);
      }
      if (family === FAMILIES[0]) {
        // And the command line's own output, byte for byte.
        const r = await attn(["translate", "--checkpoint", run], { input });
        expect(r.code).toBe(0);
        expect(python([join(out, "translate.py")], input)).toBe(r.stdout);
      }
    }, 120_000);
  }
}
