import { Command, CommanderError } from "commander";
import { reportError, reportStdoutErrors } from "./run.js";
import { registerTrain } from "./commands/train.js";
import { registerTranslate } from "./commands/translate.js";
import { registerDumpAttention } from "./commands/dumpAttention.js";
import { registerData } from "./commands/data.js";
import { registerEval } from "./commands/eval.js";
import { registerAlign } from "./commands/align.js";
import { registerReport } from "./commands/report.js";
import { registerExport } from "./commands/export.js";
import { registerImport } from "./commands/import.js";
import { registerBench } from "./commands/bench.js";
import { registerExplain } from "./commands/explain.js";
import { registerServe } from "./commands/serve.js";
import { ATTN_VERSION } from "../version.js";
import { applyKernelChoice, applyThreadChoice } from "./kernelChoice.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("attn")
    .description("Train small attention-based sequence-to-sequence translation models and look at what they attend to.")
    .version(ATTN_VERSION, "-V, --version", "print the attn version")
    .showHelpAfterError("(run with --help for usage)")
    .option("--threads <n>", "threads for the compute kernels (default: the number of cores, at most 4; results are identical for every count)")
    .exitOverride();
  program.hook("preAction", () => applyThreadChoice(program.opts<{ threads?: string }>().threads));
  registerTrain(program);
  registerTranslate(program);
  registerDumpAttention(program);
  registerData(program);
  registerEval(program);
  registerAlign(program);
  registerReport(program);
  registerExport(program);
  registerImport(program);
  registerBench(program);
  registerExplain(program);
  registerServe(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  reportStdoutErrors();
  try {
    applyKernelChoice();
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its message (help, version, or a usage error).
      process.exit(err.exitCode);
    }
    reportError(err);
  }
}
