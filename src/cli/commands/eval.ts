import type { Command } from "commander";
import { runEval } from "../../workflows/evaluate.js";
import { intOption } from "../parse.js";
import { action } from "../run.js";

export function registerEval(program: Command): void {
  program
    .command("eval")
    .description("score a checkpoint on a split of its run's data: loss, perplexity, exact match, BLEU, chrF, chrF++ (BLEU and chrF as sacreBLEU computes them)")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder")
    .option("--split <name>", "train, valid or test", "test")
    .option("--beam <k>", "beam size for exact match and BLEU", intOption("--beam", 1), 1)
    .option("--limit <n>", "decode at most n sentences", intOption("--limit", 1))
    .option("--by-length <width>", "also report exact match and BLEU per source-length bucket of this width", intOption("--by-length", 1))
    .option("--alignments <file>", "Pharaoh gold alignments (i-j sure, i?j or ipj possible) line-aligned with the split's data file: report attention mass on gold links, and AER, precision and recall per head")
    .option("--json", "print one JSON line")
    .action(action((o: Parameters<typeof runEval>[0]) => runEval(o)));
}
