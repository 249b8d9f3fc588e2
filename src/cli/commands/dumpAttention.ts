import type { Command } from "commander";
import { runDumpAttention } from "../../workflows/dumpAttention.js";
import { intOption } from "../parse.js";
import { action } from "../run.js";

export function registerDumpAttention(program: Command): void {
  program
    .command("dump-attention")
    .description("write attention weights of a trained model to CSV")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder")
    .option("-i, --input <file>", "source sentences, one per line (source<TAB>target forces that target)")
    .option("--source <text>", "a single source sentence")
    .option("--target <text>", "with --source: force this target (teacher forcing) instead of decoding")
    .option("-o, --output <file>", "CSV output file (default: stdout)")
    .option("--format <format>", "long (one row per weight) or matrix (one labelled matrix per sentence)", "long")
    .option("--beam <k>", "beam size used to decode the target", intOption("--beam", 1), 1)
    .option("--kind <kind>", "only this attention kind: cross, encoder-self, decoder-self")
    .option("--layer <n>", "only this layer", intOption("--layer", 0))
    .option("--head <n>", "only this head", intOption("--head", 0))
    .addHelpText("after", '\nCSV header (long format):\n  sentence,kind,layer,head,target_index,target_token,source_index,source_token,weight\n\nExamples:\n  attn dump-attention --checkpoint runs/dates-bahdanau --source "23 Nov 2026"\n  attn dump-attention --checkpoint runs/dates-bahdanau --source "23 Nov 2026" --target "2026-11-23" --format matrix')
    .action(action((o: Parameters<typeof runDumpAttention>[0]) => runDumpAttention(o)));
}
