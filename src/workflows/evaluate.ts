import chalk from "chalk";
import { toDataOptions } from "../config/dataOptions.js";
import { prepareData } from "../data/dataset.js";
import { UserError } from "../errors.js";
import { loadForInference } from "../train/loadForInference.js";
import { validate } from "../train/validate.js";

export interface EvalOptions {
  checkpoint: string;
  split: string;
  beam: number;
  limit?: number;
  json?: boolean;
}

/** `attn eval`: loss, perplexity, exact match and BLEU of a checkpoint on a split of its run's data. */
export async function runEval(o: EvalOptions): Promise<void> {
  if (o.split !== "train" && o.split !== "valid" && o.split !== "test") throw new UserError(`--split: expected train, valid or test; got "${o.split}"`);
  const { model, pipeline, config, runInfo, checkpointDir, step } = loadForInference(o.checkpoint);
  if (!runInfo) throw new UserError(`${o.checkpoint}: evaluation needs the run folder (run.json says where the data paths resolve)`);
  const data = await prepareData(toDataOptions(config), runInfo.baseDir, pipeline);
  const split = data[o.split];
  const evalConfig = { ...config, training: { ...config.training, validBeam: o.beam, validLimit: o.limit ?? split.examples.length } };
  const r = validate(model, split, pipeline, evalConfig, step);
  if (o.json) {
    process.stdout.write(JSON.stringify({ checkpoint: checkpointDir, split: o.split, beam: o.beam, pairs: split.examples.length, ...r }) + "\n");
    return;
  }
  process.stdout.write(
    `${chalk.bold(checkpointDir)} (step ${step}) on ${o.split} (${split.examples.length} pairs, ${r.decoded} decoded, beam ${o.beam})\n` +
      `  loss ${r.loss.toFixed(4)} | perplexity ${r.perplexity.toFixed(3)} | exact match ${(100 * r.exactMatch).toFixed(2)}% | BLEU ${r.bleu.toFixed(2)}\n`,
  );
}
