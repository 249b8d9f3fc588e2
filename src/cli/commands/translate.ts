import type { Command } from "commander";
import { runTranslate } from "../../workflows/translate.js";
import { action } from "../run.js";
import { intOption, numberOption } from "../parse.js";

export function registerTranslate(program: Command): void {
  program
    .command("translate")
    .description("translate sentences with a trained checkpoint (greedy or beam search)")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder")
    .option("-i, --input <file>", "read source sentences from a file, one per line (default: stdin)")
    .option("-o, --output <file>", "write translations to a file (default: stdout)")
    .option("--beam <k>", "beam size; 1 is greedy", intOption("--beam", 1), 1)
    .option("--length-penalty <alpha>", "GNMT length penalty exponent for beam search (0 = none)", numberOption("--length-penalty", 0), 0)
    .option("--max-len <n>", "maximum decoder steps, </s> included (default: the config's decoding.maxLen)", intOption("--max-len", 1))
    .option("--n-best <k>", "print the k best hypotheses (raises the beam to k if smaller): index<TAB>rank<TAB>score<TAB>translation", intOption("--n-best", 1))
    .option("--batch-size <n>", "sentences decoded together", intOption("--batch-size", 1), 32)
    .option("--show-attention", "draw each sentence's attention as a heatmap on stderr")
    .option("--coverage-penalty <beta>", "GNMT coverage penalty β for beam search (0 = none; default: the config's decoding.coveragePenalty)", numberOption("--coverage-penalty", 0))
    .option("--show-pgen", "copy attention: print each step's p_gen (1 = generated, 0 = copied) on stderr")
    .addHelpText("after", '\nExamples:\n  echo "23 Nov 2026" | attn translate --checkpoint runs/dates-bahdanau\n  attn translate --checkpoint runs/eng-fra-bahdanau --input sentences.txt --beam 5 --n-best 3')
    .action(action((o: Parameters<typeof runTranslate>[0]) => runTranslate(o)));
}
