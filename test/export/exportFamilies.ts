/**
 * Shared by test/export/pytorch-*.test.ts (split in five so the two test workers share the work).
 * The PyTorch export reproduces attn (issue 13): for recurrent (every score, scope and normaliser,
 * coverage, copy attention), hybrid and Transformer families (every position kind, normaliser,
 * the adaptive span, efficient self-attention) a tiny model is trained with attn, exported with
 * `attn export --to pytorch`, and the package's model.py gives the same teacher-forced
 * log-probabilities and attention matrices (to 1e-4, all sentences in one padded batch; attn's own
 * numbers come from the model's forward pass, as dump-attention --target reads them; with copy
 * attention, the mixture over the extended vocabulary) and its translate.py the same greedy (and,
 * for the `beam` families, beam-3) translations as attn (as a program, stdin → stdout, for the
 * first family and copy attention); `train` families also go through train.py
 * and back with attn import. Needs /usr/bin/python3 with torch (CI installs Debian's
 * python3-torch: .ci/run).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { noGrad } from "../../src/autograd/tape.js";
import { copySourceOf, copyTargetIds } from "../../src/data/copyVocab.js";
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

/**
 * attn's own teacher-forced log-probabilities [steps][V] and attention [steps][S] of each pair (one
 * sentence at a time); with copy attention the mixture's over the sentence's extended vocabulary.
 */
export function attnForced(runDir: string, pairs: [string, string][]): { logProbs: number[][]; attention: number[][] | null }[] {
  const { model, pipeline, config } = loadForInference(runDir);
  return pairs.map(([s, t]) =>
    noGrad(() => {
      const src = pipeline.encodeSource(s);
      const copy = config.model.decoder.copy ? copySourceOf(pipeline, s) : null;
      const tgt = copy ? copyTargetIds(pipeline.targetTokens(t), pipeline.tgtVocab, copy) : pipeline.encodeTarget(t);
      const T = tgt.length - 1;
      const batch = { ...sourceBatch([src], copy ? [copy] : undefined), tgtLen: T, tgtIn: tgt.subarray(0, T) };
      type Out = { logits: Parameters<typeof logSoftmax>[0]; logProbs?: Parameters<typeof logSoftmax>[0]; attention: { data: Float32Array }[] | null };
      const out = (model as unknown as { forward(b: typeof batch, o: { attention: boolean }): Out }).forward(batch, { attention: true });
      const lp = out.logProbs ?? logSoftmax(out.logits);
      const V = lp.shape[1]!;
      return {
        logProbs: Array.from({ length: T }, (_, i) => Array.from(lp.data.subarray(i * V, (i + 1) * V))),
        attention: out.attention ? out.attention.map((w) => Array.from(w.data.subarray(0, src.length))) : null,
      };
    }),
  );
}

/** attn's translations (decodeCorpus, as `attn translate` runs it: copy sources, the config's coverage penalty). */
export function attnTranslate(runDir: string, sources: string[], beam: number): string[] {
  const { model, pipeline, config } = loadForInference(runDir);
  const copy = config.model.decoder.copy ? sources.map((s) => copySourceOf(pipeline, s)) : undefined;
  const coveragePenalty = config.decoding.coveragePenalty;
  const lists = decodeCorpus(model, sources.map((s) => pipeline.encodeSource(s)), { beam, maxLen: config.decoding.maxLen, nBest: 1, batchSize: 32, coveragePenalty, ...(copy ? { copy } : {}) });
  return lists.map((l, i) => pipeline.decodeTarget(l[0]!.tokens, copy?.[i]!.oov));
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

/** beam: also compare beam-3 search through translate.py; train: run train.py (one process, 2 steps) and import its weights back. */
type Family = { name: string; patch: Record<string, Record<string, unknown>>; beam?: boolean; train?: boolean };

export const FAMILIES: Family[] = [
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

/**
 * Coverage, copy attention, α-entmax by bisection (fixed and learned α) and the sparse normalisers
 * and top-k of the multihead score and the Transformer (pytorch-sparse.test.ts and
 * pytorch-transformer.test.ts).
 */
export const MORE_FAMILIES: Family[] = [
  {
    name: "bahdanau + additive, coverage (with the coverage loss), beam with the coverage penalty",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "additive", size: 8, coverage: true } }, training: { coverageLoss: 0.5 }, decoding: { coveragePenalty: 0.3 } },
    beam: true,
    train: true,
  },
  {
    name: "luong + concat, coverage, LSTM",
    patch: { model: { encoder: { type: "lstm", embeddingSize: 8, hiddenSize: 8 }, decoder: { type: "luong", cell: "lstm", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "concat", size: 8, coverage: true } } },
  },
  {
    name: "bahdanau + additive, copy attention (extended vocabulary)",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16, copy: true }, attention: { score: "additive", size: 8 } } },
    beam: true,
    train: true,
  },
  {
    name: "luong + general, copy attention, input feeding",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "luong", embeddingSize: 8, hiddenSize: 16, inputFeeding: true, copy: true }, attention: { score: "general" } } },
  },
  {
    name: "bahdanau + additive, α-entmax by bisection (α = 1.3)",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "additive", size: 8, normalizer: "entmax", alpha: 1.3 } } },
  },
  {
    name: "luong + general, learned entmax α, top 4",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true }, decoder: { type: "luong", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "general", normalizer: "entmax", alpha: 1.7, learnAlpha: true, topK: 4 } } },
  },
  {
    name: "bahdanau + multihead, sparsemax over the top 3",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8 }, decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "multihead", normalizer: "sparsemax", topK: 3 }, transformer: { heads: 2, dropout: 0 } } },
  },
  {
    name: "hybrid: GRU + an entmax15 self-attention layer, luong + multihead with learned α",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true, selfAttentionLayers: 1 }, decoder: { type: "luong", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "multihead", normalizer: "entmax", learnAlpha: true }, transformer: { heads: 2, ffSize: 16, dropout: 0.1, normalizer: "entmax15" } } },
  },
  {
    name: "transformer, sparsemax over the top 4, pre-norm",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0.1, normalizer: "sparsemax", topK: 4, normFirst: true } } },
  },
  {
    name: "transformer, learned entmax α per head, rotary positions",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0.1, positions: "rotary", normalizer: "entmax", alpha: 1.4, learnAlpha: true } } },
    train: true,
  },
  {
    name: "transformer, Shaw relative positions (k = 2), adaptive span, pre-norm",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 2 }, transformer: { heads: 2, ffSize: 32, dropout: 0.1, positions: "relative", maxRelativeDistance: 2, normFirst: true, adaptiveSpan: { maxSpan: 8, ramp: 2, init: 0.1, lossWeight: 0.01 } } } },
    train: true,
  },
  {
    name: "hybrid: GRU + a self-attention layer with an adaptive span, bahdanau + additive",
    patch: { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true, selfAttentionLayers: 1 }, decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16 }, attention: { score: "additive", size: 8 }, transformer: { heads: 2, ffSize: 16, dropout: 0.1, adaptiveSpan: { maxSpan: 4, ramp: 1, init: 0.2 } } } },
  },
  {
    name: "transformer, sliding-window self-attention (w = 1) with a global token, rotary positions",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0.1, positions: "rotary", selfAttention: "window", window: 1, globalTokens: 1 } } },
  },
  {
    name: "transformer, Linformer encoder self-attention (k = 4, shared E = F)",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0.1, positions: "learned", maxPositions: 16, selfAttention: "linformer", projectedLength: 4, shareKV: true } } },
  },
  {
    name: "transformer, Performer (FAVOR+, 8 stored features) in encoder and decoder",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0.1, selfAttention: "performer", features: 8 } } },
  },
  {
    name: "transformer, 1.5-entmax, ALiBi",
    patch: { model: { encoder: { type: "transformer", hiddenSize: 12, layers: 1 }, decoder: { type: "transformer", hiddenSize: 12, layers: 1 }, transformer: { heads: 3, ffSize: 24, dropout: 0.1, positions: "alibi", normalizer: "entmax15" } } },
  },
];

/**
 * The refusal test: every model family exports, so what is left to refuse is a text pipeline the
 * Python package cannot reproduce — one line naming meta.json and the tokenizer, nothing written.
 */
export function refusalTest(): void {
  it("refuses what it cannot express with one line naming the file and the reason", async () => {
    const dir = tempFolder("export-refuse");
    const config = writeTinyTask(dir, { training: { maxSteps: 2 } });
    await trainTiny(config, join(dir, "run"));
    for (const c of ["best", "last"]) {
      const file = join(dir, "run", "checkpoints", c, "meta.json");
      if (!existsSync(file)) continue;
      const meta = JSON.parse(readFileSync(file, "utf8")) as { pipeline: { srcTokenizer: unknown } };
      meta.pipeline.srcTokenizer = { kind: "sentencepiece" };
      writeFileSync(file, JSON.stringify(meta));
    }
    const r = await attn(["export", "--checkpoint", join(dir, "run"), "--to", "pytorch", "--out", join(dir, "out")]);
    expect(r.code).toBe(1);
    const lines = stripAnsi(r.stderr).trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*meta\.json: tokenizer \(vocab\/pipeline\.json srcTokenizer\): "sentencepiece" is not exported/);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
}

/** One test per family: train with attn, export, compare with PyTorch (the first family also through the CLI). */
export function familyTests(families: Family[]): void {
  for (const family of families) {
    it(`${family.name}: same log-probabilities, attention and translations`, async () => {
      const dir = tempFolder("export");
      const patch = { ...family.patch, training: { ...family.patch.training, maxSteps: 40, validEvery: 40, logEvery: 20 } };
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

      // The last pair has source words outside the vocabularies (copy attention copies them).
      const pairs: [string, string][] = [...testPairs(dir), ['a " b', 'b " a'], ["e", "e"], ["zed a ypsilon zed", "zed ypsilon a zed"]];
      const pairsFile = join(dir, "pairs.json");
      writeFileSync(pairsFile, JSON.stringify(pairs));
      const checked = JSON.parse(python([CHECK, out, pairsFile, "--greedy", ...(family.beam ? ["--beam", "3"] : [])])) as { pairs: { logProbs: number[][]; attention: number[][] | null }[]; greedy: string[]; beam: string[] | null };
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
        const beam = attnTranslate(run, sources, 3);
        expect(checked.beam).toEqual(beam);
        if (family === FAMILIES[0] || family.name.includes("copy")) {
          // translate.py as a program: stdin → stdout (copy attention: the source words it copies written as they stand).
          expect(python([join(out, "translate.py")], input).split("\n").slice(0, -1)).toEqual(greedy);
          expect(python([join(out, "translate.py"), "--beam", "3"], input).split("\n").slice(0, -1)).toEqual(beam);
        }
      }
      if (family.train) {
        // train.py trains this family (its loss: the copy mixture, the coverage loss, a learned α's gradient) and attn imports the result.
        python([join(out, "train.py"), "--steps", "2", "--out", "trained"], "", out);
        const imported = join(dir, "imported");
        const r = await attn(["import", "--from", "pytorch", join(out, "trained"), "--run-dir", imported]);
        expect(r.code, r.stderr).toBe(0);
        const trained = JSON.parse(python([CHECK, out, pairsFile, "--greedy", "--weights", "trained/model.safetensors"])) as typeof checked;
        expect(trained.greedy).toEqual(attnTranslate(imported, sources, 1));
        const again = attnForced(imported, pairs);
        pairs.forEach((_, i) => expect(maxDiff(trained.pairs[i]!.logProbs, again[i]!.logProbs), `log-probs of pair ${i} after train.py`).toBeLessThan(TOL));
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
