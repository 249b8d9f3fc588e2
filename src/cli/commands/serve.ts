import type { Command } from "commander";
import { runServe } from "../../workflows/serve/runServe.js";
import { intOption } from "../parse.js";
import { action } from "../run.js";

/** Repeatable option: each --checkpoint adds one model. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("an attention explorer in the browser: translate a sentence and look at every attention map, several checkpoints side by side (offline, local)")
    .requiredOption("--checkpoint <dir>", "run folder or checkpoint folder; repeat to compare models side by side", collect)
    .option("--port <n>", "port to listen on (0: any free port)", intOption("--port", 0), 8080)
    .option("--host <address>", "address to bind (127.0.0.1: this machine only)", "127.0.0.1")
    .addHelpText("after", "\nExamples:\n  attn serve --checkpoint runs/dates-bahdanau\n  attn serve --checkpoint runs/dates-none --checkpoint runs/dates-bahdanau --checkpoint runs/dates-transformer --port 0\n\nAPI: GET /api/models, POST /api/translate {model, text, beam?, nbest?} (docs/serve.md)")
    .action(action((o: { checkpoint: string[]; port: number; host: string }) => runServe(o)));
}
