import { writeFileSync } from "node:fs";
import { decodeCorpus } from "../decode/translate.js";
import { loadForInference } from "../train/loadForInference.js";
import { renderHeatmap } from "../viz/heatmap.js";
import { readInputLines } from "./readLines.js";

export interface TranslateCommandOptions {
  checkpoint: string;
  input?: string;
  output?: string;
  beam: number;
  lengthPenalty: number;
  /** Maximum decoder steps (</s> included); default: the config's decoding.maxLen. */
  maxLen?: number;
  nBest?: number;
  batchSize: number;
  showAttention?: boolean;
}

/**
 * `attn translate`: one output line per input line (1-best), or with --n-best K, K lines per
 * input `index<TAB>rank<TAB>score<TAB>translation`. Heatmaps go to stderr so stdout stays the
 * translations.
 */
export async function runTranslate(o: TranslateCommandOptions): Promise<void> {
  const { model, pipeline, config } = loadForInference(o.checkpoint);
  const lines = await readInputLines(o.input);
  const sources = lines.map((l) => pipeline.encodeSource(l));
  const nBest = o.nBest ?? 1;
  // K hypotheses need a beam of at least K: --n-best raises the beam when it is smaller.
  const beam = Math.max(o.beam, nBest);
  const maxLen = o.maxLen ?? config.decoding.maxLen;
  const lists = decodeCorpus(model, sources, { beam, maxLen, lengthPenalty: o.lengthPenalty, nBest, batchSize: o.batchSize, attention: Boolean(o.showAttention) });
  const out: string[] = [];
  lists.forEach((list, i) => {
    if (o.nBest !== undefined) list.forEach((h, rank) => out.push(`${i}\t${rank + 1}\t${h.score.toFixed(4)}\t${pipeline.decodeTarget(h.tokens)}`));
    else out.push(pipeline.decodeTarget(list[0]!.tokens));
    if (o.showAttention) {
      const h = list[0]!;
      if (h.attention.length === 0) {
        process.stderr.write(`(sentence ${i}: the "${config.model.decoder.type}" decoder has no attention to show)\n`);
      } else {
        const src = Array.from(sources[i]!, (id) => pipeline.srcVocab.token(id));
        const tgt = [...h.tokens.map((id) => pipeline.tgtVocab.token(id)), "</s>"].slice(0, h.attention.length);
        process.stderr.write(`\n${lines[i]} → ${pipeline.decodeTarget(h.tokens)}\n${renderHeatmap(src, tgt, h.attention)}\n`);
      }
    }
  });
  const text = out.length > 0 ? out.join("\n") + "\n" : "";
  if (o.output) writeFileSync(o.output, text);
  else process.stdout.write(text);
}
