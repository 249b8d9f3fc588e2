import { writeFileSync } from "node:fs";
import { UserError } from "../errors.js";
import { withFsErrors } from "../fsErrors.js";
import { loadForInference } from "../train/loadForInference.js";
import { attentionCsv, attentionMatrixCsv, type AttentionKind } from "../viz/attentionCsv.js";
import { selectAttention } from "./attentionSelection.js";
import { writeAttentionSvgs } from "./attentionSvgFiles.js";
import { inputLine } from "./lengthCheck.js";
import { labelledMatrices, pairAttention, parsePairLine } from "./pairAttention.js";
import { readInputLines } from "./readLines.js";

export interface DumpAttentionOptions {
  checkpoint: string;
  input?: string;
  source?: string;
  target?: string;
  output?: string;
  /** CSV (long or matrix), or "svg": one heatmap file per sentence, kind, layer and head into the --output folder. */
  format: "long" | "matrix" | "svg";
  kind?: string;
  layer?: number;
  head?: number;
  beam?: number;
}

const KINDS: readonly AttentionKind[] = ["cross", "encoder-self", "decoder-self"];

/**
 * `attn dump-attention`: the attention of each sentence, decoded greedily (or with --beam), or on a
 * given target (--target, or a TAB-separated target in the input file) by teacher forcing.
 * Rows are target steps (the last one emits </s>, unless the output was cut at decoding.maxLen), columns the source tokens (</s> included);
 * each row sums to 1.
 */
export async function runDumpAttention(o: DumpAttentionOptions): Promise<void> {
  if (o.source !== undefined && o.input !== undefined) throw new UserError("dump-attention: give either --source or --input, not both");
  if (o.target !== undefined && o.source === undefined) throw new UserError("dump-attention: --target needs --source (for files, put source<TAB>target on each line)");
  if (o.format !== "long" && o.format !== "matrix" && o.format !== "svg") throw new UserError(`--format: expected long, matrix or svg; got "${o.format}"`);
  if (o.format === "svg" && !o.output) throw new UserError("--format svg writes one file per sentence, kind, layer and head: give the folder with --output <dir>");
  if (o.kind !== undefined && !KINDS.includes(o.kind as AttentionKind)) throw new UserError(`--kind: expected one of ${KINDS.join(" | ")}; got "${o.kind}"`);
  const { model, pipeline, config } = loadForInference(o.checkpoint);
  if (config.model.decoder.type === "none") {
    throw new UserError(`${o.checkpoint}: the "none" (fixed-vector) decoder has no attention to dump`);
  }
  const lines = o.source !== undefined ? [o.target !== undefined ? `${o.source}\t${o.target}` : o.source] : await readInputLines(o.input);
  const pairs = lines.map(parsePairLine);
  const where = (flag: string) => (o.source !== undefined ? () => flag : inputLine(o.input));
  const matrices = pairAttention(model, pipeline, config, pairs, { beam: o.beam ?? 1, where: (side) => where(side === "source" ? "--source" : "--target") }).flatMap(labelledMatrices);
  const selected = selectAttention(matrices, o);
  if (o.format === "svg") {
    const files = writeAttentionSvgs(o.output!, selected);
    process.stdout.write(`wrote ${files.length} SVG file${files.length === 1 ? "" : "s"} to ${o.output}\n`);
    return;
  }
  const text = o.format === "matrix" ? attentionMatrixCsv(selected) : attentionCsv(selected);
  if (o.output) withFsErrors("write the --output file", o.output, () => writeFileSync(o.output!, text));
  else process.stdout.write(text);
}
