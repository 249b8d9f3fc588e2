import { createSelfAttention, type EfficientSelfAttention, type SelfAttentionKind, type SelfAttentionSpec } from "../attention/efficient/index.js";
import { splitHeads, type MultiheadAttention } from "../attention/multihead.js";
import { scaledDotProductAttention } from "../attention/scaledDotProduct.js";
import { noGrad } from "../autograd/tape.js";
import { toDataOptions } from "../config/dataOptions.js";
import { positionLimit } from "../config/positionLimit.js";
import type { Config } from "../config/schema.js";
import { prepareData } from "../data/dataset.js";
import { UserError } from "../errors.js";
import { TransformerSeq2Seq } from "../models/transformer/transformerSeq2Seq.js";
import { add, matmul, rotary, split } from "../ops/index.js";
import { Rng } from "../tensor/rng.js";
import type { Tensor } from "../tensor/tensor.js";
import { loadForInference } from "../train/loadForInference.js";
import { readInputLines } from "./readLines.js";

/** Settings of the variants compared on a trained model's attention (the bench's flags). */
export interface TrainedAttentionOptions {
  checkpoint: string;
  /** Source sentences, one a line; default: the run's validation split. */
  input?: string;
  /** At most this many sentences (the first ones). */
  sentences: number;
  types: SelfAttentionKind[];
  window: number;
  globalTokens: number;
  projectedLength: number;
  features: number;
  seed: number;
}

export interface TrainedAttentionRow {
  type: Exclude<SelfAttentionKind, "full">;
  /** Relative Frobenius errors against exact softmax attention, pooled over every sentence, layer and head. */
  outputError: number;
  matrixError: number;
  /** The same per encoder layer (pooled over sentences and heads). */
  layers: { outputError: number; matrixError: number }[];
  /** Where the variant's settings / parameters came from. */
  note: string;
}

export interface TrainedAttentionResult {
  checkpoint: string;
  /** The run's own encoder self-attention kind. */
  selfAttention: SelfAttentionKind;
  source: string;
  sentences: number;
  /** Mean and largest source length (tokens, </s> included). */
  meanLength: number;
  maxLength: number;
  layers: number;
  heads: number;
  rows: TrainedAttentionRow[];
}

/** Sums of squares for one relative Frobenius error ‖A − B‖ / ‖B‖. */
class Frobenius {
  num = 0;
  den = 0;
  add(approx: ArrayLike<number>, exact: ArrayLike<number>): void {
    for (let i = 0; i < exact.length; i++) {
      this.num += (approx[i]! - exact[i]!) ** 2;
      this.den += exact[i]! ** 2;
    }
  }
  get value(): number {
    return this.den > 0 ? Math.sqrt(this.num / this.den) : 0;
  }
}

/**
 * The approximation error of each efficient variant on a trained Transformer's attention: the
 * queries, keys and values of every encoder self-attention layer and head on real source
 * sentences (one at a time, so no padding), attended exactly — softmax(QKᵀ/√d)V, with no
 * position bias or normaliser of the run — and by the variant, and compared (relative Frobenius
 * norm of the output difference and of the implied attention matrix's). Real attention is far
 * from the random inputs' (peaked, local, with heavy heads), which is what this measures.
 */
export async function trainedAttentionErrors(o: TrainedAttentionOptions): Promise<TrainedAttentionResult> {
  const { model, pipeline, config, checkpointDir, runInfo } = loadForInference(o.checkpoint);
  if (!(model instanceof TransformerSeq2Seq)) {
    throw new UserError(`--checkpoint ${o.checkpoint}: a ${config.model.encoder.type} encoder has no Transformer encoder self-attention to compare; expected a Transformer run`);
  }
  const { ids, source } = await sourceSentences(o, config, pipeline, runInfo?.baseDir ?? null);
  const own = config.model.transformer.selfAttention as SelfAttentionKind;
  const layers = [...model.encoder.layers].map((l) => l.selfAttn);
  const H = layers[0]!.numHeads;
  const d = layers[0]!.headDim;
  const maxLength = Math.max(...ids.map((x) => x.length));
  const types = o.types.filter((t): t is Exclude<SelfAttentionKind, "full"> => t !== "full");
  const rng = new Rng(o.seed).fork("trained-attention");
  // Per type and layer: the run's own module when the run uses that type, else a fresh one from the flags.
  const variants = types.map((type) => ({ type, ...variantModules(type, o, own, layers, maxLength, d, rng) }));
  const totals = variants.map(() => ({ output: new Frobenius(), matrix: new Frobenius(), layers: layers.map(() => ({ output: new Frobenius(), matrix: new Frobenius() })) }));
  noGrad(() => {
    for (const sentence of ids) {
      for (const [l, qkv] of encoderQkv(model, sentence).entries()) {
        const exact = scaledDotProductAttention(qkv.q, qkv.k, qkv.v);
        variants.forEach((v, i) => {
          const r = v.modules[l]!.attend(qkv.q, qkv.k, qkv.v, { batch: 1, heads: H, keyPaddingMask: null, queryStart: 0 });
          const weights = r.impliedWeights();
          for (const f of [totals[i]!.output, totals[i]!.layers[l]!.output]) f.add(r.output.data, exact.output.data);
          for (const f of [totals[i]!.matrix, totals[i]!.layers[l]!.matrix]) f.add(weights.data, exact.weights.data);
        });
      }
    }
  });
  return {
    checkpoint: checkpointDir,
    selfAttention: own,
    source,
    sentences: ids.length,
    meanLength: ids.reduce((a, x) => a + x.length, 0) / ids.length,
    maxLength,
    layers: layers.length,
    heads: H,
    rows: variants.map((v, i) => ({
      type: v.type,
      outputError: totals[i]!.output.value,
      matrixError: totals[i]!.matrix.value,
      layers: totals[i]!.layers.map((x) => ({ outputError: x.output.value, matrixError: x.matrix.value })),
      note: v.note,
    })),
  };
}

function variantModules(
  type: Exclude<SelfAttentionKind, "full">, o: TrainedAttentionOptions, own: SelfAttentionKind, layers: MultiheadAttention[], maxLength: number, d: number, rng: Rng,
): { modules: EfficientSelfAttention[]; note: string } {
  if (type === own) {
    const modules = layers.map((l) => l.efficient!);
    const first = modules[0] as EfficientSelfAttention & { window?: number; globalTokens?: number; numFeatures?: number; projectedLength?: number };
    const what = type === "linformer" ? `its trained E, F, k = ${first.projectedLength}` : type === "performer" ? `its m = ${first.numFeatures} random features` : `w = ${first.window}, g = ${first.globalTokens}`;
    return { modules, note: `the run's own ${type} layers (${what})` };
  }
  const spec: SelfAttentionSpec = { kind: type, window: o.window, globalTokens: o.globalTokens, projectedLength: o.projectedLength, maxPositions: maxLength, shareKV: false, features: o.features, redrawEvery: 0 };
  const modules = layers.map((_, l) => createSelfAttention(spec, d, false, rng.fork(`${type}-${l}`))!);
  const note =
    type === "linformer" ? `untrained random E, F (Xavier, k = ${o.projectedLength}): not a linformer run, so this is a random sketch's error`
    : type === "performer" ? `m = ${o.features} orthogonal random features`
    : `w = ${o.window}, g = ${o.globalTokens}`;
  return { modules, note };
}

/** The source sentences as model ids: --input's lines, else the run's validation split. */
async function sourceSentences(o: TrainedAttentionOptions, config: Config, pipeline: ReturnType<typeof loadForInference>["pipeline"], baseDir: string | null): Promise<{ ids: Int32Array[]; source: string }> {
  let ids: Int32Array[];
  let source: string;
  if (o.input !== undefined) {
    ids = (await readInputLines(o.input)).filter((line) => line.trim() !== "").map((line) => pipeline.encodeSource(line));
    source = o.input;
  } else {
    if (baseDir === null) throw new UserError(`--checkpoint ${o.checkpoint}: not inside a run folder (no run.json says where its data is); pass the sentences with --input FILE`);
    const valid = (await prepareData(toDataOptions(config), baseDir, pipeline)).valid;
    ids = valid.examples.map((e) => e.src);
    source = "validation split";
  }
  // Learned positions (and Linformer) read at most maxPositions tokens: longer sentences are skipped.
  const limit = positionLimit(config.model);
  if (limit) ids = ids.filter((x) => x.length <= limit.positions);
  ids = ids.slice(0, o.sentences);
  if (ids.length === 0) throw new UserError(`--checkpoint ${o.checkpoint}: no source sentences in the ${source}${o.input === undefined ? "; pass some with --input FILE" : ""}`);
  return { ids, source };
}

/**
 * Per encoder layer, the self-attention's queries, keys and values [heads, n, d] of one sentence
 * (ids [n]), as the layer computes them: its input (after a pre-norm) projected by in_proj and
 * rotated when the run uses rotary positions. Read by running the encoder with each layer's
 * self-attention forward wrapped for the pass (this model instance only, restored after).
 */
function encoderQkv(model: TransformerSeq2Seq, ids: Int32Array): { q: Tensor; k: Tensor; v: Tensor }[] {
  const out: { q: Tensor; k: Tensor; v: Tensor }[] = [];
  const layers = [...model.encoder.layers].map((l) => l.selfAttn);
  const originals = layers.map((att) => att.forward);
  layers.forEach((att, l) => {
    att.forward = (query, key, value, opts) => {
      out[l] = projectHeads(att, query);
      return originals[l]!.call(att, query, key, value, opts);
    };
  });
  try {
    model.encoder.forward(model.embedTokens("src", ids, 1, ids.length));
  } finally {
    layers.forEach((att, l) => (att.forward = originals[l]!));
  }
  return out;
}

function projectHeads(att: MultiheadAttention, x: Tensor): { q: Tensor; k: Tensor; v: Tensor } {
  if (!att.inProjWeight) throw new Error("trained attention: the encoder self-attention has separate q/k/v projections");
  const E = att.embedDim;
  const y = matmul(x, att.inProjWeight, { transB: true });
  let [q, k, v] = split(att.inProjBias ? add(y, att.inProjBias) : y, [E, E, E], 2) as [Tensor, Tensor, Tensor];
  if (att.rotary) {
    q = rotary(q, att.headDim, 0);
    k = rotary(k, att.headDim, 0);
  }
  return { q: splitHeads(q, att.numHeads), k: splitHeads(k, att.numHeads), v: splitHeads(v, att.numHeads) };
}

/** The Markdown section of a trained-attention result (after the random-input table). */
export function trainedTable(r: TrainedAttentionResult): string {
  return [
    `trained attention: ${r.checkpoint} (selfAttention ${r.selfAttention}), encoder self-attention of ${r.layers} layer${r.layers === 1 ? "" : "s"} × ${r.heads} heads on ${r.sentences} sentence${r.sentences === 1 ? "" : "s"} of the ${r.source} (mean n ${r.meanLength.toFixed(1)}, max ${r.maxLength}); errors against exact softmax attention on the same q, k, v`,
    "",
    "| type | output error | matrix error | per layer (output / matrix) | note |",
    "|---|---|---|---|---|",
    ...r.rows.map((x) => `| ${x.type} | ${x.outputError.toFixed(4)} | ${x.matrixError.toFixed(4)} | ${x.layers.map((l) => `${l.outputError.toFixed(3)} / ${l.matrixError.toFixed(3)}`).join("; ")} | ${x.note} |`),
  ].join("\n");
}
