import { writeFileSync } from "node:fs";
import { collate } from "../data/batching.js";
import { BOS, EOS } from "../data/vocab.js";
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
  // Targets: given ones as they are, the others decoded (greedy or beam). Attention is then read
  // from one teacher-forced pass over (source, target), which reproduces the decoder's attention
  // exactly and also yields every self-attention map of a Transformer.
  const targets: Int32Array[] = pairs.map((p) => (p.tgt !== null ? pipeline.encodeTarget(p.tgt) : new Int32Array(0)));
  const free = pairs.map((p, i) => (p.tgt === null ? i : -1)).filter((i) => i >= 0);
  if (free.length > 0) {
    const lists = decodeCorpus(model, free.map((i) => sources[i]!), { beam: o.beam ?? 1, maxLen: config.decoding.maxLen, nBest: 1, batchSize: 32, attention: false });
    free.forEach((i, k) => (targets[i] = Int32Array.from([BOS, ...lists[k]![0]!.tokens, EOS])));
  }
  const matrices: AttentionMatrix[] = [];
  for (let start = 0; start < pairs.length; start += 32) {
    const idx = pairs.slice(start, start + 32).map((_, k) => start + k);
    const examples = idx.map((i) => ({ src: sources[i]!, tgt: targets[i]!, index: i }));
    const maps = model.attentionMaps(collate(examples, examples.map((_, k) => k)));
    idx.forEach((i, k) => {
      const srcTokens = Array.from(sources[i]!, (id) => pipeline.srcVocab.token(id));
      const tgtIds = Array.from(targets[i]!.subarray(1), (id) => pipeline.tgtVocab.token(id)); // w1 … wn </s>
      const tgtIn = Array.from(targets[i]!.subarray(0, targets[i]!.length - 1), (id) => pipeline.tgtVocab.token(id)); // <s> w1 … wn
      for (const m of maps[k]!) {
        // Rows are target steps (the token each step emits); encoder self-attention rows are source tokens;
        // decoder self-attention rows and columns are the decoder's input tokens.
        const rows = m.kind === "encoder-self" ? srcTokens : m.kind === "decoder-self" ? tgtIn : tgtIds;
        const cols = m.kind === "decoder-self" ? tgtIn : srcTokens;
        matrices.push({ sentence: i, kind: m.kind, layer: m.layer, head: m.head, targetTokens: rows, sourceTokens: cols, weights: m.weights });
      }
    });
  }
  matrices.sort((a, b) => a.sentence - b.sentence);
  const selected = matrices.filter((m) => (o.kind === undefined || m.kind === o.kind) && (o.layer === undefined || m.layer === o.layer) && (o.head === undefined || m.head === o.head));
  const text = o.format === "matrix" ? attentionMatrixCsv(selected) : attentionCsv(selected);
  if (o.output) writeFileSync(o.output, text);
  else process.stdout.write(text);
}
