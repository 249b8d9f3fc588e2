import type { Command } from "commander";
import { action, notImplemented } from "../run.js";

export function registerEval(program: Command): void {
  program
    .command("eval")
    .description("score a checkpoint on a test split: loss, perplexity, exact match, BLEU")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder")
    .option("--split <name>", "train, valid or test", "test")
    .option("--beam <k>", "beam size", "1")
    .action(action(() => notImplemented("eval")));
}
