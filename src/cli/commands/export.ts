import type { Command } from "commander";
import { exportPytorch } from "../../workflows/export/pytorch.js";
import { action } from "../run.js";

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("write a checkpoint as a dependency-free PyTorch package: model.py, tokenizer.py, translate.py, train.py and the weights (docs/export.md)")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder")
    .option("--to <target>", "export target (only pytorch)", "pytorch")
    .requiredOption("--out <dir>", "folder to write the package into (created if missing)")
    .action(
      action((o: { checkpoint: string; to: string; out: string }) => {
        const files = exportPytorch(o);
        process.stdout.write(`exported ${o.checkpoint} → ${o.out}: ${files.join(", ")}\n`);
      }),
    );
}
