import type { Command } from "commander";
import { EXIT_CODES, UserError } from "../../errors.js";
import { startTraining } from "../../train/start.js";
import { action } from "../run.js";

export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("train a model from a JSON config; writes checkpoints, metrics and attention dumps to a run folder")
    .option("-c, --config <file>", "JSON config file (see docs/config.md)")
    .option("--set <path=value>", "override one config value, e.g. training.maxSteps=100 (repeatable)", collect, [])
    .option("--run-dir <dir>", "run folder (default: runs/<name>)")
    .option("--name <name>", "run name, used for runs/<name> when --run-dir is not given")
    .option("--resume <dir>", "continue training from the run folder's last checkpoint")
    .option("--init-from <path>", "with --config: start from the weights and vocabularies of a run (its best, else last checkpoint) or checkpoint folder; optimizer, schedule and step start afresh")
    .option("-q, --quiet", "no progress bar; only warnings and the final summary")
    .addHelpText("after", "\nExamples:\n  attn train --config configs/dates-bahdanau.json\n  attn train --config configs/dates-bahdanau.json --set training.maxSteps=200 --set model.attention.score=dot\n  attn train --resume runs/dates-bahdanau --set training.maxSteps=4000\n  attn train --config configs/dates-bahdanau.json --init-from runs/dates-bahdanau --set training.lr=0.0003   # fine-tune\n\nCtrl-C saves checkpoints/last and exits (code 130); --resume continues exactly; with it, --set may change the learning rate, schedule, limits, validation and decoding settings, not the model or data (docs/config.md, \"Resuming a run\"). --init-from starts a new run on the config's data from another run's weights (docs/checkpoint-format.md, \"Starting from another run\").")
    .action(
      action(async (o: { config?: string; set: string[]; runDir?: string; name?: string; resume?: string; initFrom?: string; quiet?: boolean }) => {
        if (o.initFrom && o.resume) throw new UserError("attn train: --init-from starts a new run from another run's weights, --resume continues a run; expected one of them");
        if (o.initFrom && !o.config) throw new UserError("attn train: --init-from starts a new run; expected --config <file> with it");
        if (!o.config && !o.resume) throw new UserError("attn train: expected --config <file> (a new run) or --resume <run folder>");
        if (o.config && o.resume) throw new UserError("attn train: give either --config or --resume, not both (a resumed run uses its saved config; adjust it with --set)");
        const result = await startTraining(o);
        if (result.stopReason === "interrupted") process.exitCode = EXIT_CODES.interrupted;
        else if (result.stopReason === "non-finite") process.exitCode = EXIT_CODES.nonFinite;
      }),
    );
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
