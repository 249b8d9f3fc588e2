import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { SELF_ATTENTION_KINDS, type SelfAttentionKind } from "../../attention/efficient/index.js";
import { UserError } from "../../errors.js";
import { benchAttention, benchTable, type BenchAttentionOptions } from "../../workflows/benchAttention.js";
import { trainedAttentionErrors } from "../../workflows/benchAttentionTrained.js";
import { intOption } from "../parse.js";
import { action } from "../run.js";

const MAX_N = 1 << 20;

function intList(flag: string): (value: string) => number[] {
  return (value: string) => {
    const xs = value.split(",").map((s) => Number(s.trim()));
    if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1 || x > MAX_N)) throw new InvalidArgumentError(`${flag} expects comma-separated integers in 1 … ${MAX_N}; got "${value}"`);
    return xs;
  };
}

function typeList(value: string): SelfAttentionKind[] {
  const xs = value.split(",").map((s) => s.trim());
  const bad = xs.find((x) => !(SELF_ATTENTION_KINDS as readonly string[]).includes(x));
  if (bad !== undefined) throw new InvalidArgumentError(`--types expects some of ${SELF_ATTENTION_KINDS.join(",")}; got "${bad}"`);
  return xs as SelfAttentionKind[];
}

/** The workflow's options, but the memory bound in MiB and --json optional. */
type BenchAttentionFlags = Omit<BenchAttentionOptions, "fullBytesLimit" | "json"> & { fullMib: number; json?: boolean; checkpoint?: string; input?: string; sentences: number };

export function registerBench(program: Command): void {
  const bench = program.command("bench").description("micro-benchmarks");
  bench
    .command("attention")
    .description("the complexity lab: time, peak memory, GFLOP/s and approximation error of full, window, linformer and performer self-attention over sequence lengths (random inputs), and with --checkpoint the error on a trained model's attention")
    .option("--n <list>", "sequence lengths", intList("--n"), [64, 128, 256, 512, 1024, 2048])
    .option("--types <list>", `self-attention types (${SELF_ATTENTION_KINDS.join(",")})`, typeList, [...SELF_ATTENTION_KINDS])
    .option("--dim <d>", "model dimension (split over the heads)", intOption("--dim", 1), 64)
    .option("--heads <h>", "heads", intOption("--heads", 1), 4)
    .option("--batch <b>", "sequences", intOption("--batch", 1), 1)
    .option("--runs <r>", "timed runs per type and n (the median is reported)", intOption("--runs", 1), 3)
    .option("--window <w>", "window: one-sided width", intOption("--window", 0), 32)
    .option("--global-tokens <g>", "window: global tokens", intOption("--global-tokens", 0), 0)
    .option("--projected-length <k>", "linformer: projected length", intOption("--projected-length", 1), 64)
    .option("--features <m>", "performer: random features", intOption("--features", 1), 64)
    .option("--matrix-error-up-to <n>", "largest n for the implied-matrix error (it materialises n×n matrices)", intOption("--matrix-error-up-to", 1), 1024)
    .option("--full-mib <mib>", "skip full attention where its n×n buffers would exceed this many MiB", intOption("--full-mib", 1), 1024)
    .option("--json", "print the result as JSON instead of a table")
    .option("--svg <file>", "write a log-log plot of time and memory against n")
    .option("--seed <s>", "seed of the random inputs and projections", intOption("--seed", 0), 1)
    .option("--checkpoint <run>", "also measure the error on this Transformer run's encoder self-attention (queries, keys, values of every layer and head on real sentences)")
    .option("--input <file>", "with --checkpoint: source sentences, one a line (default: the run's validation split)")
    .option("--sentences <k>", "with --checkpoint: at most this many sentences", intOption("--sentences", 1), 100)
    .addHelpText("after", "\nExamples:\n  attn bench attention --n 64,128,256,512,1024,2048,4096,8192 --runs 3 --svg bench.svg\n  attn bench attention --n 64 --checkpoint runs/my-transformer --window 4")
    .action(
      action(async (f: BenchAttentionFlags) => {
        if (f.input !== undefined && f.checkpoint === undefined) throw new UserError("--input gives the sentences of --checkpoint's attention; pass --checkpoint RUN too");
        const { checkpoint, input, sentences, ...rest } = f;
        // The trained model first: a bad path or a non-Transformer run fails before the timings.
        const trained = checkpoint !== undefined ? await trainedAttentionErrors({ ...rest, checkpoint, ...(input !== undefined ? { input } : {}), sentences }) : undefined;
        const result = benchAttention({ ...rest, fullBytesLimit: f.fullMib * 2 ** 20, json: f.json ?? false }, f.json ? undefined : (line) => process.stderr.write(line + "\n"));
        if (trained) result.trained = trained;
        process.stdout.write((f.json ? JSON.stringify(result, null, 2) : benchTable(result)) + "\n");
      }),
    );
}
