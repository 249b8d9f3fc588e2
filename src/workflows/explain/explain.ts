import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserError } from "../../errors.js";
import { displayPath, withFsErrors } from "../../fsErrors.js";
import { toJson } from "../../json.js";
import { writeFileAtomic } from "../../train/atomic.js";
import { loadForInference } from "../../train/loadForInference.js";
import type { Config } from "../../config/schema.js";
import { inputLine } from "../lengthCheck.js";
import { parsePairLine } from "../pairAttention.js";
import { readInputLines } from "../readLines.js";
import { explainPairs } from "./explainPairs.js";
import { summarize } from "./summary.js";
import { formatSentence, formatSummary } from "./table.js";

export interface ExplainOptions {
  checkpoint: string;
  /** Lines `source` or `source<TAB>target`; stdin when absent. */
  input?: string;
  permutations: number;
  seed: number;
  layer?: number;
  head?: number;
  /** Write everything (per sentence, per step, every vector) to this JSON file. */
  json?: string;
  /** No table and no progress (with --json: only the file). */
  quiet?: boolean;
}

/** Default --permutations: Jain & Wallace 2019 take the median over 100 permutations. */
export const DEFAULT_PERMUTATIONS = 100;
/** Default --seed. */
export const DEFAULT_SEED = 1;

/**
 * `attn explain`: is this model's attention an explanation? For each input line and each target
 * step: the output change when the attention is permuted or made uniform, and the rank agreement
 * of the attention with gradient × input and leave-one-out importance (docs/explain.md). Prints a
 * table per sentence and a summary; --json writes every number.
 */
export async function runExplain(o: ExplainOptions): Promise<void> {
  if (!Number.isInteger(o.permutations) || o.permutations < 1) throw new UserError(`--permutations expects an integer ≥ 1; got ${o.permutations}`);
  if (!Number.isInteger(o.seed)) throw new UserError(`--seed expects an integer; got ${o.seed}`);
  if (o.json) checkOutputFolder(o.json);
  const { model, pipeline, config, checkpointDir } = loadForInference(o.checkpoint);
  checkExplainable(config, o.checkpoint);
  const pairs = (await readInputLines(o.input)).map(parsePairLine);
  if (pairs.length === 0) process.stderr.write(`explain: no sentences in ${o.input ? displayPath(o.input) : "stdin"}; nothing to explain\n`);
  const progress = !o.quiet && process.stderr.isTTY && pairs.length > 1;
  const { setup, sentences } = explainPairs(model, pipeline, config, pairs, {
    permutations: o.permutations,
    seed: o.seed,
    choice: { layer: o.layer ?? null, head: o.head ?? null },
    where: () => inputLine(o.input),
    onSentence: progress ? (done, total) => process.stderr.write(`\rexplain: ${done}/${total} sentences`) : undefined,
  });
  if (progress) process.stderr.write("\r\x1b[K");
  const summary = summarize(sentences.flatMap((s) => s.steps));
  if (!o.quiet) {
    process.stdout.write(sentences.map(formatSentence).join("\n"));
    if (sentences.length > 1) process.stdout.write(`\nall ${sentences.length} sentences: ${formatSummary(summary)}\n`);
  }
  if (o.json) {
    const { choice } = setup;
    const report = {
      checkpoint: checkpointDir,
      permutations: o.permutations,
      seed: o.seed,
      attention: { changed: { layers: choice.changed.map((s) => s.layer), head: choice.head }, read: { layer: choice.readLayer, heads: choice.readHeads } },
      sentences,
      summary,
    };
    withFsErrors("write the --json file", o.json, () => writeFileAtomic(o.json!, toJson(report, 2) + "\n"));
  }
}

/** Fail before the work, not after it, when --json cannot be written where it is asked for. */
function checkOutputFolder(file: string): void {
  const folder = dirname(resolve(file));
  if (!existsSync(folder)) throw new UserError(`--json ${displayPath(file)}: the folder ${displayPath(folder)} does not exist`);
  if (!statSync(folder).isDirectory()) throw new UserError(`--json ${displayPath(file)}: ${displayPath(folder)} is a file; expected a folder`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UserError(`--json ${displayPath(file)}: is a folder; expected a file name`);
}

/** Models explain cannot take: one line naming the config path that makes them so. */
function checkExplainable(config: Config, checkpoint: string): void {
  if (config.model.decoder.type === "none") {
    throw new UserError(`${checkpoint}: the "none" (fixed-vector) decoder has no attention to explain (model.decoder.type)`);
  }
  if (config.model.decoder.copy) {
    throw new UserError(`${checkpoint}: explain does not support copy attention (model.decoder.copy): its output reads the attention weights directly, so permuting them is not an intervention on the context alone`);
  }
}
