import type { Command } from "commander";
import { runDumpAttention } from "../../workflows/dumpAttention.js";
import { intOption } from "../parse.js";
import { action } from "../run.js";

export function registerDumpAttention(program: Command): void {
  program
    .command("dump-attention")
    .description("write attention weights of a trained model to CSV, or draw them as SVG heatmaps")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder")
    .option("-i, --input <file>", "source sentences, one per line (source<TAB>target forces that target)")
    .option("--source <text>", "a single source sentence")
    .option("--target <text>", "with --source: force this target (teacher forcing) instead of decoding")
    .option("-o, --output <path>", "CSV output file (default: stdout); with --format svg, the output folder")
    .option("--format <format>", "long (CSV, one row per weight), matrix (CSV, one labelled matrix per sentence) or svg (one heatmap file per sentence, kind, layer and head)", "long")
    .option("--beam <k>", "beam size used to decode the target", intOption("--beam", 1), 1)
    .option("--kind <kind>", "only this attention kind: cross, encoder-self, decoder-self")
    .option("--layer <n>", "only this layer", intOption("--layer", 0))
    .option("--head <n>", "only this head", intOption("--head", 0))
    .addHelpText("after", '\nCSV header (long format):\n  sentence,kind,layer,head,target_index,target_token,source_index,source_token,weight\n\nExamples:\n  attn dump-attention --checkpoint runs/dates-bahdanau --source "23 Nov 2026"\n  attn dump-attention --checkpoint runs/dates-bahdanau --source "23 Nov 2026" --target "2026-11-23" --format matrix\n  attn dump-attention --checkpoint runs/dates-bahdanau --input sentences.txt --format svg --output pictures/\n\nSVG files: <output>/sentence-<N>-<kind>-layer<L>-head<H>.svg')
    .action(action((o: Parameters<typeof runDumpAttention>[0]) => runDumpAttention(o)));
}
