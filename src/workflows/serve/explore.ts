import { copySourceOf } from "../../data/copyVocab.js";
import { decodeCorpus } from "../../decode/translate.js";
import { UserError } from "../../errors.js";
import { AttentionStatsAccumulator } from "../../eval/attentionStats.js";
import type { AttentionMap } from "../../models/types.js";
import { inScopedArena } from "../../tensor/storage.js";
import { checkSentenceLengths } from "../lengthCheck.js";
import { labelledMatrices, pairAttention } from "../pairAttention.js";
import { ApiError } from "./apiError.js";
import { crossRollout, headAverage, rollout, type Matrix } from "./rollout.js";
import type { ModelFamily, ServedModel } from "./servedModels.js";
import { LIMITS, type TranslateRequest } from "./translateRequest.js";

type Kind = AttentionMap["kind"];

/** One head's map with its token labels: rows are queries, columns keys. */
export interface ExploredMap {
  kind: Kind;
  layer: number;
  head: number;
  rows: string[];
  cols: string[];
  weights: Matrix;
  /** Mean support size of the rows (positions with weight > 0) and mean entropy in nats (eval/attentionStats.ts). */
  support: number;
  entropy: number;
}

/** A map computed from the heads: their mean in one layer, or the rollout through every layer (layer null). */
export interface DerivedMap {
  kind: Kind;
  view: "mean" | "rollout";
  layer: number | null;
  rows: string[];
  cols: string[];
  weights: Matrix;
}

/** One entry of the n-best list. */
export interface RankedTranslation {
  rank: number;
  text: string;
  score: number;
  logProb: number;
  finished: boolean;
}

/** The answer to POST /api/translate. */
export interface Exploration {
  model: string;
  family: ModelFamily;
  beam: number;
  /** Source tokens as the encoder reads them (</s> last): the columns of cross-attention. */
  sourceTokens: string[];
  /** The tokens the 1-best translation emits (</s> last unless cut at decoding.maxLen): the rows of cross-attention. */
  targetTokens: string[];
  nbest: RankedTranslation[];
  maps: ExploredMap[];
  derived: DerivedMap[];
  /** Copy attention: p_gen of each target row. */
  pGen: number[] | null;
  /** Coverage models: Σ_t a_t(j) per source token over the whole translation. */
  coverage: number[] | null;
  /** Why a view is missing (no attention, maps that are not square …). */
  notes: string[];
}

/**
 * Translates one sentence and reads every attention map of the 1-best translation. The n-best
 * list comes from beam search (greedy for beam 1); the maps from pairAttention, which decodes the
 * same 1-best with the same beam (no length or coverage penalty, as dump-attention) and reads
 * them from one teacher-forced pass. All tensors live in a scoped arena released on return.
 */
export function exploreSentence(served: ServedModel, req: TranslateRequest): Exploration {
  const { model, pipeline, config } = served;
  const ids = pipeline.encodeSource(req.text);
  const tokens = ids.length - 1;
  if (tokens > LIMITS.sourceTokens) throw new ApiError(413, `the sentence has ${tokens} source tokens; the explorer takes at most ${LIMITS.sourceTokens}`);
  try {
    checkSentenceLengths(config, "source", [tokens], () => `model "${served.id}"`);
  } catch (err) {
    if (err instanceof UserError) throw new ApiError(413, err.message);
    throw err;
  }
  const beam = Math.max(req.beam, req.nbest);
  return inScopedArena(() => {
    const copy = config.model.decoder.copy ? [copySourceOf(pipeline, req.text)] : undefined;
    const list = decodeCorpus(model, [ids], { beam, maxLen: config.decoding.maxLen, nBest: req.nbest, batchSize: 1, attention: false, ...(copy ? { copy } : {}) })[0]!;
    const oov = copy?.[0]!.oov;
    const nbest = list.map((h, i) => ({ rank: i + 1, text: pipeline.decodeTarget(h.tokens, oov), score: h.score, logProb: h.logProb, finished: h.finished }));
    const pair = pairAttention(model, pipeline, config, [{ src: req.text, tgt: null }], { beam, where: () => () => `model "${served.id}"` })[0]!;
    const maps = withStats(labelledMatrices(pair));
    const notes: string[] = [];
    if (maps.length === 0) notes.push(`the "${config.model.decoder.type}" decoder has no attention: it sees the source only through its initial state`);
    const cross = pair.maps.find((m) => m.kind === "cross");
    return {
      model: served.id,
      family: served.family,
      beam,
      sourceTokens: pair.sourceTokens,
      targetTokens: pair.targetTokens,
      nbest,
      maps,
      derived: derivedMaps(maps, notes),
      pGen: cross?.pGen ? cross.pGen.map(round) : null,
      coverage: served.family.coverage && cross ? pair.sourceTokens.map((_, j) => round(cross.weights.reduce((s, row) => s + row[j]!, 0))) : null,
      notes,
    };
  });
}

function withStats(matrices: ReturnType<typeof labelledMatrices>): ExploredMap[] {
  return matrices.map((m) => {
    const acc = new AttentionStatsAccumulator();
    acc.add([{ kind: m.kind, layer: m.layer, head: m.head, weights: m.weights }]);
    const s = acc.result()[0];
    return { kind: m.kind, layer: m.layer, head: m.head, rows: m.targetTokens, cols: m.sourceTokens, weights: roundMatrix(m.weights), support: round(s?.support ?? 0), entropy: round(s?.entropy ?? 0) };
  });
}

/**
 * Head averages of every layer with more than one head, and the rollouts: encoder and decoder
 * self-attention through all their layers, and cross-attention (the last layer's head average)
 * composed with the encoder rollout when the encoder has self-attention.
 */
function derivedMaps(maps: readonly ExploredMap[], notes: string[]): DerivedMap[] {
  const out: DerivedMap[] = [];
  const layerMeans = new Map<Kind, Matrix[]>();
  let encoderRollout: Matrix | null = null;
  for (const kind of ["encoder-self", "decoder-self", "cross"] as const) {
    const ofKind = maps.filter((m) => m.kind === kind);
    const layers = [...new Set(ofKind.map((m) => m.layer))].sort((a, b) => a - b);
    const means = layers.map((layer) => {
      const heads = ofKind.filter((m) => m.layer === layer);
      const mean = heads.length === 1 ? heads[0]!.weights : headAverage(heads);
      if (heads.length > 1) out.push({ kind, view: "mean", layer, rows: heads[0]!.rows, cols: heads[0]!.cols, weights: roundMatrix(mean) });
      return mean;
    });
    layerMeans.set(kind, means);
    if (kind === "cross" || means.length === 0) continue;
    const first = ofKind[0]!;
    if (means.some((m) => m.length !== first.rows.length || m.some((row) => row.length !== first.rows.length))) {
      notes.push(`${kind}: the maps are not square (keys projected or cut), so there is no rollout`);
      continue;
    }
    const r = rollout(means);
    if (kind === "encoder-self") encoderRollout = r;
    out.push({ kind, view: "rollout", layer: null, rows: first.rows, cols: first.cols, weights: roundMatrix(r) });
  }
  const cross = layerMeans.get("cross")!;
  const crossMap = maps.find((m) => m.kind === "cross");
  if (encoderRollout && cross.length > 0 && crossMap) {
    out.push({ kind: "cross", view: "rollout", layer: null, rows: crossMap.rows, cols: crossMap.cols, weights: roundMatrix(crossRollout(cross[cross.length - 1]!, encoderRollout)) });
  }
  return out;
}

/** Six significant digits: the page shows two, and exact zeros (sparse normalisers) stay exact. */
function round(w: number): number {
  return Number.isFinite(w) ? Number(w.toPrecision(6)) : w;
}

function roundMatrix(m: Matrix): Matrix {
  return m.map((row) => row.map(round));
}
