import type { Command } from "commander";
import { action, notImplemented } from "../run.js";

export function registerTranslate(program: Command): void {
  program
    .command("translate")
    .description("translate sentences with a trained checkpoint (greedy or beam search)")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder")
    .option("-i, --input <file>", "read source sentences from a file, one per line (default: stdin)")
    .option("-o, --output <file>", "write translations to a file (default: stdout)")
    .option("--beam <k>", "beam size; 1 is greedy", "1")
    .option("--length-penalty <alpha>", "length penalty alpha for beam search", "0")
    .option("--max-len <n>", "maximum output length in tokens")
    .option("--n-best <k>", "print the k best hypotheses with scores")
    .option("--batch-size <n>", "sentences decoded together", "32")
    .option("--show-attention", "print a coloured attention heatmap per sentence")
    .action(action(() => notImplemented("translate")));
}
