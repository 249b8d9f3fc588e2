import type { Command } from "commander";
import { importPytorch } from "../../workflows/export/import.js";
import { action } from "../run.js";

export function registerImport(program: Command): void {
  program
    .command("import")
    .description("turn a PyTorch state_dict (safetensors, or torch.save's .pt) with its config — from attn export or its train.py — into an attn run folder (docs/export.md)")
    .argument("<dir>", "folder with config.json, pipeline.json and model.safetensors (or model.pt)")
    .option("--from <source>", "what the folder holds (only pytorch)", "pytorch")
    .option("--run-dir <dir>", "run folder to create (default: <output.runsDir>/<dir name>-import)")
    .option("--weights <file>", "weights file inside the folder: .safetensors, or .pt from torch.save (default: model.safetensors, else model.pt)")
    .action(
      action((dir: string, o: { from: string; runDir?: string; weights?: string }) => {
        const run = importPytorch({ from: o.from, dir, ...(o.weights ? { weights: o.weights } : {}), ...(o.runDir ? { runDir: o.runDir } : {}) });
        process.stdout.write(`imported ${dir} → ${run}\n`);
      }),
    );
}
