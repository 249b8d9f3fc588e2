import { writeFileSync } from "node:fs";
import { copySourceOf } from "../data/copyVocab.js";
import { decodeCorpus } from "../decode/translate.js";
import { UserError } from "../errors.js";
import { withFsErrors } from "../fsErrors.js";
import { loadForInference } from "../train/loadForInference.js";
import { renderHeatmap } from "../viz/heatmap.js";
import { renderPGenTable } from "../viz/pGenTable.js";
import { checkDecodingSteps, checkSentenceLengths, inputLine } from "./lengthCheck.js";
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
  /** GNMT coverage penalty β (beam search); default: the config's decoding.coveragePenalty. */
  coveragePenalty?: number;
  /** Copy attention: print each step's p_gen on stderr. */
  showPgen?: boolean;
}

/**
 * `attn translate`: one output line per input line (1-best), or with --n-best K, K lines per
 * input `index<TAB>rank<TAB>score<TAB>translation`. Heatmaps and p_gen tables go to stderr so
 * stdout stays the translations. With copy attention, source words outside the target vocabulary
 * can be copied and are written as they stand in the source.
 */
export async function runTranslate(o: TranslateCommandOptions): Promise<void> {
  const { model, pipeline, config } = loadForInference(o.checkpoint);
  if (o.showPgen && !config.model.decoder.copy) throw new UserError(`--show-pgen: ${o.checkpoint} has no copy attention (model.decoder.copy is false), so there is no p_gen to show`);
  const lines = await readInputLines(o.input);
  const sources = lines.map((l) => pipeline.encodeSource(l));
  checkSentenceLengths(config, "source", sources.map((ids) => ids.length - 1), inputLine(o.input));
  if (o.maxLen !== undefined) checkDecodingSteps(config, o.maxLen, "--max-len");
  const nBest = o.nBest ?? 1;
  // K hypotheses need a beam of at least K: --n-best raises the beam when it is smaller.
  const beam = Math.max(o.beam, nBest);
  const maxLen = o.maxLen ?? config.decoding.maxLen;
  // Copy attention: each source's copy ids; output ids V + k are its words outside the target vocabulary.
  const copy = config.model.decoder.copy ? lines.map((l) => copySourceOf(pipeline, l)) : undefined;
  const coveragePenalty = o.coveragePenalty ?? config.decoding.coveragePenalty;
  const lists = decodeCorpus(model, sources, { beam, maxLen, lengthPenalty: o.lengthPenalty, coveragePenalty, nBest, batchSize: o.batchSize, attention: Boolean(o.showAttention), ...(copy ? { copy } : {}) });
  const out: string[] = [];
  lists.forEach((list, i) => {
    const oov = copy?.[i]!.oov;
    const text = (tokens: number[]) => pipeline.decodeTarget(tokens, oov);
    if (o.nBest !== undefined) list.forEach((h, rank) => out.push(`${i}\t${rank + 1}\t${h.score.toFixed(4)}\t${text(h.tokens)}`));
    else out.push(text(list[0]!.tokens));
    if (o.showPgen) {
      const h = list[0]!;
      const V = pipeline.tgtVocab.size;
      const steps = [...h.tokens, ...(h.finished ? [-1] : [])];
      const tokens = steps.map((id) => (id < 0 ? "</s>" : pipeline.tgtVocab.token(id, oov)));
      process.stderr.write(`\n${lines[i]} → ${text(h.tokens)}\n${renderPGenTable(tokens, h.pGen, steps.map((id) => id >= V))}\n`);
    }
    if (o.showAttention) {
      const h = list[0]!;
      if (h.attention.length === 0) {
        process.stderr.write(`(sentence ${i}: the "${config.model.decoder.type}" decoder has no attention to show)\n`);
      } else {
        const src = Array.from(sources[i]!, (id) => pipeline.srcVocab.token(id));
        const tgt = [...h.tokens.map((id) => pipeline.tgtVocab.token(id, oov)), "</s>"].slice(0, h.attention.length);
        process.stderr.write(`\n${lines[i]} → ${text(h.tokens)}\n${renderHeatmap(src, tgt, h.attention)}\n`);
      }
    }
  });
  const text = out.length > 0 ? out.join("\n") + "\n" : "";
  if (o.output) withFsErrors("write the --output file", o.output, () => writeFileSync(o.output!, text));
  else process.stdout.write(text);
}
