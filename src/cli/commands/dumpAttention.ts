import type { Command } from "commander";
import { action, notImplemented } from "../run.js";

export function registerDumpAttention(program: Command): void {
  program
    .command("dump-attention")
    .description("write attention weights of a trained model to CSV")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder")
    .option("-i, --input <file>", "source sentences, one per line")
    .option("--source <text>", "a single source sentence")
    .option("--target <text>", "force this target (teacher forcing) instead of decoding")
    .option("-o, --output <file>", "CSV output file (default: stdout)")
    .option("--format <format>", "long (one row per weight) or matrix", "long")
    .option("--kind <kind>", "only this attention kind: cross, encoder-self, decoder-self")
    .option("--layer <n>", "only this layer")
    .option("--head <n>", "only this head")
    .action(action(() => notImplemented("dump-attention")));
}
