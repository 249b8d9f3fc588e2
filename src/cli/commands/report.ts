import type { Command } from "commander";
import { runReport } from "../../workflows/report.js";
import { intOption } from "../parse.js";
import { action } from "../run.js";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("one self-contained HTML page about a training run: curves, attention at every validation (with a slider), accuracy by source length, alignment against gold, config and metadata; opens offline from file://")
    .argument("<run>", "the run folder (runs/<name>)")
    .option("-o, --output <file>", "the HTML file to write (default: RUN/report.html)")
    .option("--split <name>", "split decoded for accuracy by length and alignment: valid or test", "valid")
    .option("--limit <n>", "decode at most n sentences of the split", intOption("--limit", 1), 500)
    .option("--by-length <width>", "width of the source-length buckets in tokens (default: about 8 buckets)", intOption("--by-length", 1))
    .option("--alignments <file>", "Pharaoh gold alignments line-aligned with the split's data file (default: the split file's sibling .align, when there is one)")
    .option("--no-decode", "do not load the model: no accuracy by length, no alignment (the rest reads only the run folder)")
    .action(action((run: string, o: Omit<Parameters<typeof runReport>[0], "run">) => runReport({ run, ...o })));
}
