import type { Command } from "commander";
import { action, notImplemented } from "../run.js";

export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("train a model from a JSON config; writes checkpoints, metrics and attention dumps to a run folder")
    .requiredOption("-c, --config <file>", "JSON config file (see docs/config.md)")
    .option("--set <path=value>", "override one config value, e.g. training.maxSteps=100 (repeatable)", collect, [])
    .option("--run-dir <dir>", "run folder (default: runs/<name>)")
    .option("--name <name>", "run name, used for runs/<name> when --run-dir is not given")
    .option("--resume <dir>", "continue training from the run folder's last checkpoint")
    .option("-q, --quiet", "no progress bar; only warnings and the final summary")
    .action(action(() => notImplemented("train")));
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
