import { writeFileSync } from "node:fs";
import { UserError } from "../errors.js";
import { ALIGNMENT_METHODS, attentionAlignment, type AlignmentMethod } from "../eval/alignment.js";
import { formatPharaoh } from "../eval/pharaoh.js";
import { withFsErrors } from "../fsErrors.js";
import { loadForInference } from "../train/loadForInference.js";
import { checkCrossSelection, selectCrossAttention, type CrossSelection } from "./crossAttention.js";
import { inputLine } from "./lengthCheck.js";
import { pairAttention, parsePairLine } from "./pairAttention.js";
import { readInputLines } from "./readLines.js";

export interface AlignOptions {
  checkpoint: string;
  input?: string;
  output?: string;
  layer?: number;
  head?: number;
  /** Mean of every cross-attention head of every layer (the default when neither --layer nor --head is given). */
  average?: boolean;
  method: string;
  beam?: number;
}

/**
 * `attn align`: a word alignment for each input line, read from the model's cross-attention.
 * A line `source<TAB>target` aligns that target (teacher forcing); a plain line is translated
 * first (greedy, or --beam) and the translation aligned. Output: one Pharaoh line per input line,
 * `i-j` = source token i with target token j, 0-based indices of the tokens the model reads and
 * writes (its tokenizer's words, subwords or characters; </s> never aligned).
 */
export async function runAlign(o: AlignOptions): Promise<void> {
  if (!ALIGNMENT_METHODS.includes(o.method as AlignmentMethod)) throw new UserError(`--method: expected ${ALIGNMENT_METHODS.join(" or ")}; got "${o.method}"`);
  if (o.average && (o.layer !== undefined || o.head !== undefined)) throw new UserError("--average: give either --average (all heads) or --layer [--head], not both");
  const sel: CrossSelection = { layer: o.layer, head: o.head };
  checkCrossSelection(sel);
  const { model, pipeline, config } = loadForInference(o.checkpoint);
  if (config.model.decoder.type === "none") throw new UserError(`${o.checkpoint}: the "none" (fixed-vector) decoder has no attention to align with`);
  const lines = await readInputLines(o.input);
  const pairs = pairAttention(model, pipeline, config, lines.map(parsePairLine), { beam: o.beam ?? 1, where: () => inputLine(o.input) });
  const out = pairs.map((p) => formatPharaoh(attentionAlignment(selectCrossAttention(p.maps, sel), p.sourceLength, p.targetLength, o.method as AlignmentMethod)));
  const text = out.map((l) => l + "\n").join("");
  if (o.output) withFsErrors("write the alignments", o.output, () => writeFileSync(o.output!, text));
  else process.stdout.write(text);
}
