import type { Command } from "commander";
import { runAlign } from "../../workflows/align.js";
import { intOption } from "../parse.js";
import { action } from "../run.js";

export function registerAlign(program: Command): void {
  program
    .command("align")
    .description("word alignments from a model's cross-attention, in Pharaoh format (i-j: source token i, target token j, 0-based)")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder")
    .option("-i, --input <file>", "one pair per line: source<TAB>target aligns that target; a plain source line is translated, then aligned (default: stdin)")
    .option("-o, --output <file>", "Pharaoh output, one line per input line (default: stdout)")
    .option("--method <method>", "argmax (step t's attention aligns target token t) or shift-att (step t+1's, Chen et al. 2020)", "argmax")
    .option("--layer <n>", "Transformer: read this decoder layer's cross-attention (mean of its heads unless --head)", intOption("--layer", 0))
    .option("--head <n>", "with --layer: read only this head", intOption("--head", 0))
    .option("--average", "the mean of every head of every layer (the default)")
    .option("--beam <k>", "beam size for lines without a target", intOption("--beam", 1), 1)
    .addHelpText(
      "after",
      "\nIndices count the tokens the model reads and writes (its tokenizer's words, subwords or characters),\n</s> not included; `attn dump-attention` shows them.\n\nExamples:\n  attn align --checkpoint runs/toy-lang-transformer --input data/toy-lang/test.tsv --method shift-att --layer 1\n  attn eval --checkpoint runs/toy-lang-transformer --alignments data/toy-lang/test.align",
    )
    .action(action((o: Parameters<typeof runAlign>[0]) => runAlign(o)));
}
