import { writeFileSync } from "node:fs";
import type { Batch } from "../data/batching.js";
import { collate } from "../data/batching.js";
import { forcedDecode } from "../decode/forced.js";
import { decodeCorpus } from "../decode/translate.js";
import { UserError } from "../errors.js";
import { loadForInference } from "../train/loadForInference.js";
import { attentionCsv, attentionMatrixCsv, type AttentionKind, type AttentionMatrix } from "../viz/attentionCsv.js";
import { readInputLines } from "./readLines.js";

export interface DumpAttentionOptions {
  checkpoint: string;
  input?: string;
  source?: string;
  target?: string;
  output?: string;
  format: "long" | "matrix";
  kind?: string;
  layer?: number;
  head?: number;
  beam?: number;
}

const KINDS: readonly AttentionKind[] = ["cross", "encoder-self", "decoder-self"];

/**
 * `attn dump-attention`: the attention of each sentence, decoded greedily (or with --beam), or on a
 * given target (--target, or a TAB-separated target in the input file) by teacher forcing.
 * Rows are target steps (the last one emits </s>), columns the source tokens (</s> included);
 * each row sums to 1.
 */
export async function runDumpAttention(o: DumpAttentionOptions): Promise<void> {
  if (o.source !== undefined && o.input !== undefined) throw new UserError("dump-attention: give either --source or --input, not both");
  if (o.target !== undefined && o.source === undefined) throw new UserError("dump-attention: --target needs --source (for files, put source<TAB>target on each line)");
  if (o.format !== "long" && o.format !== "matrix") throw new UserError(`--format: expected long or matrix; got "${o.format}"`);
  if (o.kind !== undefined && !KINDS.includes(o.kind as AttentionKind)) throw new UserError(`--kind: expected one of ${KINDS.join(" | ")}; got "${o.kind}"`);
  const { model, pipeline, config } = loadForInference(o.checkpoint);
  if (config.model.decoder.type === "none") {
    throw new UserError(`${o.checkpoint}: the "none" (fixed-vector) decoder has no attention to dump`);
  }
  const lines = o.source !== undefined ? [o.target !== undefined ? `${o.source}\t${o.target}` : o.source] : await readInputLines(o.input);
  const pairs = lines.map((l) => {
    const tab = l.indexOf("\t");
    return tab < 0 ? { src: l, tgt: null as string | null } : { src: l.slice(0, tab), tgt: l.slice(tab + 1) };
  });
  const sources = pairs.map((p) => pipeline.encodeSource(p.src));
  const matrices: AttentionMatrix[] = [];
  const srcTokens = (i: number) => Array.from(sources[i]!, (id) => pipeline.srcVocab.token(id));

  const free = pairs.map((p, i) => (p.tgt === null ? i : -1)).filter((i) => i >= 0);
  if (free.length > 0) {
    const lists = decodeCorpus(model, free.map((i) => sources[i]!), { beam: o.beam ?? 1, maxLen: config.decoding.maxLen, nBest: 1, batchSize: 32 });
    free.forEach((i, k) => {
      const h = lists[k]![0]!;
      const tgt = [...h.tokens.map((id) => pipeline.tgtVocab.token(id)), "</s>"].slice(0, h.attention.length);
      matrices.push({ sentence: i, kind: "cross", layer: 0, head: 0, targetTokens: tgt, sourceTokens: srcTokens(i), weights: h.attention });
    });
  }
  const forced = pairs.map((p, i) => (p.tgt !== null ? i : -1)).filter((i) => i >= 0);
  for (const i of forced) {
    const tgtIds = pipeline.encodeTarget(pairs[i]!.tgt!);
    const batch: Batch = collate([{ src: sources[i]!, tgt: tgtIds, index: i }], [0]);
    const r = forcedDecode(model, batch)[0]!;
    const tgt = [...Array.from(tgtIds.subarray(1, tgtIds.length - 1), (id) => pipeline.tgtVocab.token(id)), "</s>"];
    matrices.push({ sentence: i, kind: "cross", layer: 0, head: 0, targetTokens: tgt, sourceTokens: srcTokens(i), weights: r.attention });
  }
  matrices.sort((a, b) => a.sentence - b.sentence);
  const selected = matrices.filter((m) => (o.kind === undefined || m.kind === o.kind) && (o.layer === undefined || m.layer === o.layer) && (o.head === undefined || m.head === o.head));
  const text = o.format === "matrix" ? attentionMatrixCsv(selected) : attentionCsv(selected);
  if (o.output) writeFileSync(o.output, text);
  else process.stdout.write(text);
}
