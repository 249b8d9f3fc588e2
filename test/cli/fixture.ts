/**
 * Shared helpers of the end-to-end CLI tests: run the real `node bin/attn.js …` as a child
 * process, write a tiny reversal task and config into a temporary folder, parse CSV.
 *
 * The task is deliberately small (64 training pairs of 2–5 symbols, embedding/hidden sizes 8–16)
 * so a training run of a few dozen steps takes about a second.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const BIN = join(ROOT, "bin", "attn.js");

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface AttnOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** Written to the child's stdin, which is then closed (default: empty stdin); bytes for non-UTF-8 input. */
  input?: string | Uint8Array;
  env?: Record<string, string>;
  /** Kill the child (SIGKILL) after this long; a safety net so a hung child cannot stall the suite. */
  timeoutMs?: number;
  /** Called once the child is spawned (for tests that signal it). */
  onSpawn?: (child: ChildProcessWithoutNullStreams) => void;
}

/** `node bin/attn.js ...args`, colours off unless `env` turns them on. */
export function attn(args: readonly string[], opts: AttnOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", ...opts.env };
    delete env.NO_COLOR;
    if (env.FORCE_COLOR !== "0") delete env.NODE_DISABLE_COLORS;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 50_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on("error", () => {}); // the child may exit without reading stdin
    child.stdin.end(opts.input ?? "");
    opts.onSpawn?.(child);
  });
}

/** Remove ANSI colour codes. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
}

/** A fresh temporary folder, removed after the test file. */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `attn-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Symbols of the reversal task; "," and '"' make the attention CSV quote its token fields. */
const SYMBOLS = ["a", "b", "c", "d", "e", ",", '"'];

/** `n` reversal pairs "x y z<TAB>z y x" of 2–5 symbols, from a small LCG (same seed → same text). */
export function reversalPairs(n: number, seed: number): string {
  let s = seed >>> 0;
  const next = (k: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * k);
  };
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 2 + next(4);
    const words = Array.from({ length: len }, () => SYMBOLS[next(SYMBOLS.length)]!);
    lines.push(`${words.join(" ")}\t${[...words].reverse().join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

/** The tiny config (a JSON object); `patch` is merged one level deep into each section. */
export function tinyConfig(patch: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    data: { train: "data/train.tsv", valid: "data/valid.tsv", test: "data/test.tsv" },
    model: {
      encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8 },
      decoder: { type: "bahdanau", embeddingSize: 8, hiddenSize: 16 },
      attention: { score: "additive", size: 8 },
    },
    training: { batchSize: 8, lr: 0.01, validEvery: 10, logEvery: 5 },
    decoding: { maxLen: 10 },
    output: { attentionSamples: 2 },
  };
  const out: Record<string, unknown> = { name: "tiny", seed: 7 };
  for (const key of new Set([...Object.keys(base), ...Object.keys(patch)])) out[key] = { ...base[key], ...patch[key] };
  return out;
}

/**
 * Write data/{train,valid,test}.tsv (64 / 8 / 8 reversal pairs) and `tiny.json` into `dir`.
 * Returns the config file's path.
 */
export function writeTinyTask(dir: string, patch: Record<string, Record<string, unknown>> = {}, configName = "tiny.json"): string {
  mkdirSync(join(dir, "data"), { recursive: true });
  writeFileSync(join(dir, "data", "train.tsv"), reversalPairs(64, 1));
  writeFileSync(join(dir, "data", "valid.tsv"), reversalPairs(8, 2));
  writeFileSync(join(dir, "data", "test.tsv"), reversalPairs(8, 3));
  const path = join(dir, configName);
  writeFileSync(path, JSON.stringify(tinyConfig(patch), null, 2) + "\n");
  return path;
}

/** `attn train --config <config> --run-dir <runDir> --quiet ...extra`; throws with the child's stderr unless it exits 0. */
export async function trainTiny(config: string, runDir: string, ...extra: string[]): Promise<Run> {
  const r = await attn(["train", "--config", config, "--run-dir", runDir, "--quiet", ...extra]);
  if (r.code !== 0) throw new Error(`attn train exited ${r.code}:\n${r.stderr}`);
  return r;
}

/** RFC 4180 CSV (the reader the report uses). */
export { parseCsv } from "../../src/viz/attentionCsv.js";

/** The lines of a JSON-lines file, parsed. */
export function readJsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function readJsonFile(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}
