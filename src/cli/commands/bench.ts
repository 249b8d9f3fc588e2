import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { SELF_ATTENTION_KINDS, type SelfAttentionKind } from "../../attention/efficient/index.js";
import { benchAttention, benchTable, type BenchAttentionOptions } from "../../workflows/benchAttention.js";
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
type BenchAttentionFlags = Omit<BenchAttentionOptions, "fullBytesLimit" | "json"> & { fullMib: number; json?: boolean };

export function registerBench(program: Command): void {
  const bench = program.command("bench").description("micro-benchmarks");
  bench
    .command("attention")
    .description("the complexity lab: time, peak memory, GFLOP/s and approximation error of full, window, linformer and performer self-attention over sequence lengths (random inputs)")
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
    .addHelpText("after", "\nExample:\n  attn bench attention --n 64,128,256,512,1024,2048,4096,8192 --runs 3 --svg bench.svg")
    .action(
      action((f: BenchAttentionFlags) => {
        const result = benchAttention({ ...f, fullBytesLimit: f.fullMib * 2 ** 20, json: f.json ?? false }, f.json ? undefined : (line) => process.stderr.write(line + "\n"));
        process.stdout.write((f.json ? JSON.stringify(result, null, 2) : benchTable(result)) + "\n");
      }),
    );
}
