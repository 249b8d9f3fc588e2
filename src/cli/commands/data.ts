import type { Command } from "commander";
import { action, notImplemented } from "../run.js";

export function registerData(program: Command): void {
  const data = program.command("data").description("generate synthetic datasets and inspect parallel text");
  data
    .command("generate")
    .description("write a synthetic task's train/valid/test TSV and gold alignments")
    .action(action(() => notImplemented("data generate")));
  data
    .command("stats")
    .description("print pair counts, length histograms, vocabulary sizes and OOV rate")
    .action(action(() => notImplemented("data stats")));
}
