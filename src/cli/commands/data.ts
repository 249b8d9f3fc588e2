import chalk from "chalk";
import type { Command } from "commander";
import { resolve } from "node:path";
import { UserError } from "../../errors.js";
import { displayPath } from "../../fsErrors.js";
import { formatStatsReport } from "../../data/statsFormat.js";
import { gatherStats } from "../../data/statsReport.js";
import { splitSizes, writeGeneratedDataset } from "../../data/tasks/generate.js";
import { findTask, TASKS, type TaskOptionValues } from "../../data/tasks/index.js";
import type { SplitOptions } from "../../data/split.js";
import { parseTokenizerKind } from "../../data/tokenizers/index.js";
import { action } from "../run.js";

export function registerData(program: Command): void {
  const data = program.command("data").description("generate synthetic datasets and inspect parallel text");

  const generate = data
    .command("generate")
    .description("write a synthetic task's train/valid/test TSV and gold alignments")
    .requiredOption("--task <name>", `one of: ${TASKS.map((t) => t.name).join(", ")}`)
    .requiredOption("--n <count>", "total pairs over train, valid and test")
    .option("--seed <int>", "random seed; the same seed gives the same bytes", "1")
    .requiredOption("--out <dir>", "output folder")
    .option("--valid <count>", "validation pairs (default: 10% of --n)")
    .option("--test <count>", "test pairs (default: 10% of --n)")
    .option("--force", "overwrite the dataset files already in --out");
  // Task options (e.g. --min-len) are declared once, from the tasks that use them.
  const declared = new Set<string>();
  for (const task of TASKS) {
    for (const o of task.options) {
      if (declared.has(o.flag)) continue;
      declared.add(o.flag);
      generate.option(`${o.flag} <int>`, `${o.description} (${TASKS.filter((t) => t.options.some((x) => x.flag === o.flag)).map((t) => t.name).join(", ")})`);
    }
  }
  generate.addHelpText("after", "\nTasks:\n" + TASKS.map((t) => `  ${t.name.padEnd(9)} ${t.description}`).join("\n"));
  generate.action(
    action(async (opts: Record<string, string | boolean | undefined>) => {
      const str = (k: string): string | undefined => opts[k] as string | undefined;
      const task = findTask(str("task")!);
      const given: TaskOptionValues = {};
      for (const o of TASKS.flatMap((t) => t.options)) {
        const value = str(o.key);
        if (value !== undefined) given[o.key] = parseInteger(value, o.flag);
      }
      const valid = str("valid");
      const test = str("test");
      const genOpts = {
        task,
        n: parseInteger(str("n")!, "--n"),
        seed: parseInteger(str("seed")!, "--seed"),
        valid: valid === undefined ? undefined : parseInteger(valid, "--valid"),
        test: test === undefined ? undefined : parseInteger(test, "--test"),
        options: given,
      };
      const out = resolve(str("out")!);
      const files = await writeGeneratedDataset(out, genOpts, Boolean(opts.force));
      const sizes = splitSizes(genOpts.n, genOpts.valid, genOpts.test);
      process.stdout.write(
        chalk.green(`wrote ${displayPath(out)}`) +
          `: ${task.name}, train ${sizes.train}, valid ${sizes.valid}, test ${sizes.test} pairs (${files.join(", ")})\n`,
      );
    }),
  );

  data
    .command("stats")
    .description("print pair counts, length histograms, vocabulary sizes and OOV rate")
    .option("--data <path>", "a TSV file or a dataset folder (train.tsv, valid.tsv, test.tsv)")
    .option("--src <file>", "source side as one sentence per line (with --tgt)")
    .option("--tgt <file>", "target side, line-aligned with --src")
    .option("--tokenizer <kind>", "word, char or bpe (default: the dataset's meta.json, else word)")
    .option("--vocab-size <n>", "bpe: number of subword symbols to learn", "8000")
    .option("--min-freq <n>", "vocabulary: drop tokens seen fewer times", "1")
    .option("--max-vocab <n>", "vocabulary: keep at most this many entries")
    .option("--shared-vocab", "one vocabulary (and one set of BPE merges) for both sides")
    .option("--vocab-from <path>", "vocabulary for the OOV rate: a run folder (its vocab/pipeline.json), a vocabulary JSON, or a TSV / dataset folder")
    .option("--lowercase", "lower-case all text")
    .option("--strip-accents", "remove accents (é → e)")
    .option("--swap", "exchange source and target")
    .option("--on-bad-line <mode>", "a TSV line without a tab: error or skip", "error")
    .option("--limit <n>", "read at most this many pairs per file")
    .option("--split <valid,test>", "split a single corpus like training does, e.g. 0.05,0.05, to see held-out OOV rates")
    .option("--seed <int>", "seed of --split", "1")
    .action(
      action(async (opts: Record<string, string | boolean | undefined>) => {
        const str = (k: string): string | undefined => opts[k] as string | undefined;
        const onBadLine = str("onBadLine");
        if (onBadLine !== "error" && onBadLine !== "skip") throw new UserError(`--on-bad-line ${onBadLine}: expected error or skip`);
        const maxVocab = str("maxVocab");
        const limit = str("limit");
        const report = await gatherStats(
          {
            data: str("data"),
            src: str("src"),
            tgt: str("tgt"),
            tokenizer: str("tokenizer") === undefined ? undefined : parseTokenizerKind(str("tokenizer")!, "--tokenizer"),
            bpeVocabSize: parseInteger(str("vocabSize")!, "--vocab-size"),
            vocab: {
              minFreq: parseInteger(str("minFreq")!, "--min-freq"),
              maxSize: maxVocab === undefined ? undefined : parseInteger(maxVocab, "--max-vocab"),
              shared: !!opts.sharedVocab,
            },
            vocabFrom: str("vocabFrom"),
            lowercase: !!opts.lowercase,
            stripAccents: !!opts.stripAccents,
            swap: !!opts.swap,
            onBadLine,
            limit: limit === undefined ? undefined : parseInteger(limit, "--limit"),
            split: str("split") === undefined ? undefined : parseSplit(str("split")!, parseInteger(str("seed")!, "--seed")),
          },
          process.cwd(),
        );
        process.stdout.write(formatStatsReport(report));
      }),
    );
}

function parseSplit(value: string, seed: number): SplitOptions {
  const parts = value.split(",").map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((f) => !Number.isFinite(f))) {
    throw new UserError(`--split ${JSON.stringify(value)}: expected two fractions "valid,test", e.g. 0.05,0.05`);
  }
  return { valid: parts[0], test: parts[1], seed };
}

function parseInteger(value: string, flag: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new UserError(`${flag} ${JSON.stringify(value)}: expected an integer`);
  return Number(value);
}
