import type { Command } from "commander";
import { DEFAULT_PERMUTATIONS, DEFAULT_SEED, runExplain, type ExplainOptions } from "../../workflows/explain/explain.js";
import { intOption } from "../parse.js";
import { action } from "../run.js";

export function registerExplain(program: Command): void {
  program
    .command("explain")
    .description("is attention explanation? permuted and uniform attention, and its agreement with gradient × input and leave-one-out importance, per target step")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder")
    .option("-i, --input <file>", "source sentences, one per line (source<TAB>target explains that target; default: stdin)")
    .option("--permutations <n>", "random permutations of the attention per step", intOption("--permutations", 1), DEFAULT_PERMUTATIONS)
    .option("--seed <n>", "seed of the permutations (same seed, same numbers)", intOption("--seed", 0), DEFAULT_SEED)
    .option("--layer <n>", "Transformer: permute only this decoder layer's cross-attention (and read it; default: every layer, read the last)", intOption("--layer", 0))
    .option("--head <n>", "permute only this head (and read it; default: every head, read their average)", intOption("--head", 0))
    .option("--json <file>", "write every number (per sentence, per step, every vector) to this JSON file")
    .option("-q, --quiet", "no table (use with --json)")
    .addHelpText("after", '\nExamples:\n  attn explain --checkpoint runs/dates-bahdanau --input sentences.txt\n  attn explain --checkpoint runs/toy-lang-transformer --input pairs.tsv --layer 1 --head 0 --json explain.json\n\nColumns: max a = the largest attention weight and its source token; perm TVD = total variation\ndistance of the output distribution when the weights are randomly permuted (median, max over\n--permutations); uniform TVD = the same with uniform weights; τ = Kendall τ-b between attention\nand gradient × input (g×i) / leave-one-out (LOO) importance. See docs/explain.md.')
    .action(action((o: ExplainOptions) => runExplain(o)));
}
