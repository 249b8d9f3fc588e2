/** The real CLI, as a user runs it: `node bin/attn.js data ...`. */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { buildTextPipeline } from "../../src/data/dataset.js";
import { saveTextPipeline } from "../../src/data/textPipeline.js";
import { describe, expect, it } from "vitest";
import { tempDir } from "./tmpFiles.js";

const BIN = new URL("../../bin/attn.js", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;
const file = tempDir("cli");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function attn(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile("node", [BIN, ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A user error: non-zero exit, exactly one line on stderr, no stack trace. */
function expectUserError(r: Run, message: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe.concurrent("attn data (bad input)", () => {
  it("two files with different line counts: names both files and counts", async () => {
    const r = await attn("data", "stats", "--src", file("a.en", "1\n2\n3\n4\n5\n"), "--tgt", file("a.fr", "1\n2\n3\n"));
    expectUserError(r, /a\.en has 5 lines but .*a\.fr has 3; expected line-aligned files/);
  });

  it("a TSV line without a tab: file:line", async () => {
    const r = await attn("data", "stats", "--data", file("notab.tsv", "a\tb\nc\td\njust text\n"));
    expectUserError(r, /notab\.tsv:3: no tab; expected "source<TAB>target"/);
  });

  it("--on-bad-line skip: skipped and counted in a warning", async () => {
    const r = await attn("data", "stats", "--on-bad-line", "skip", "--data", file("notab2.tsv", "a\tb\nx\nc\td\ny\n"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: .*notab2\.tsv: skipped 2 lines without a tab \(first at line 2\)/);
    expect(r.stdout).toMatch(/all\s+2\s/);
  });

  it("an empty side: skipped and counted", async () => {
    const r = await attn("data", "stats", "--data", file("empty.tsv", "a\tb\n\tb\nc\t\nd\te\n"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: .*empty\.tsv: skipped 2 pairs with an empty side \(first at line 2\)/);
  });

  it("invalid UTF-8: file:line", async () => {
    const r = await attn("data", "stats", "--data", file("latin1.tsv", Buffer.from("ok\tfine\nd\xe9j\xe0\tvu\n", "latin1")));
    expectUserError(r, /latin1\.tsv:2: invalid UTF-8/);
  });

  it("a missing file: one line", async () => {
    const [tsv, twoFiles] = await Promise.all([
      attn("data", "stats", "--data", "no/such/file.tsv"),
      attn("data", "stats", "--src", "missing.en", "--tgt", file("a.fr")),
    ]);
    expectUserError(tsv, /no\/such\/file\.tsv: file not found/);
    expectUserError(twoFiles, /missing\.en: file not found/);
  });

  it("bad flags: one line", async () => {
    const cases: [string[], RegExp][] = [
      [["generate", "--task", "nope", "--n", "10", "--out", file("x")], /--task "nope": unknown task; expected one of dates, copy/],
      [["generate", "--task", "copy", "--n", "ten", "--out", file("x")], /--n "ten": expected an integer/],
      [["generate", "--task", "dates", "--n", "10", "--min-len", "3", "--out", file("x")], /task dates has no option minLen/],
      [["stats", "--data", "data/dates", "--tokenizer", "spaces"], /--tokenizer: unknown tokenizer "spaces"/],
      [["stats"], /no input; expected --data PATH or --src FILE --tgt FILE/],
    ];
    const runs = await Promise.all(cases.map(([args]) => attn("data", ...args)));
    runs.forEach((r, k) => expectUserError(r, cases[k]![1]));
  });
});

describe.concurrent("attn data (working)", () => {
  it("generate writes the same bytes for the same seed", async () => {
    const [a, b] = [file("gen-a"), file("gen-b")];
    const runs = await Promise.all([a, b].map((out) => attn("data", "generate", "--task", "reverse", "--n", "40", "--seed", "3", "--out", out)));
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/wrote .*gen-[ab]: reverse, train 32, valid 4, test 4 pairs/);
    }
    for (const f of ["train.tsv", "train.align", "test.tsv", "meta.json"]) {
      expect(readFileSync(`${b}/${f}`, "utf8")).toBe(readFileSync(`${a}/${f}`, "utf8"));
    }
    expect(readFileSync(`${a}/train.tsv`, "utf8").split("\n")).toHaveLength(33);
  });

  it("stats on a dataset folder prints counts, histograms, vocabulary and OOV", async () => {
    const r = await attn("data", "stats", "--data", "data/toy-lang");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/tokenizer: word/);
    expect(r.stdout).toMatch(/train\s+14,000/);
    expect(r.stdout).toMatch(/train source lengths \(tokens\)\s+min \d+ · mean [\d.]+ · median \d+ · p95 \d+ · max \d+/);
    expect(r.stdout).toMatch(/█/);
    expect(r.stdout).toMatch(/vocabulary from the train split, 4 specials included: source \d+, target \d+/);
    expect(r.stdout).toMatch(/out-of-vocabulary[\s\S]*valid\s+\d+\.\d\d%[\s\S]*test\s+\d+\.\d\d%/);
  });

  it("stats with the vocabulary of a run folder (vocab/pipeline.json)", async () => {
    const run = file("run");
    mkdirSync(`${run}/vocab`, { recursive: true });
    const pipeline = buildTextPipeline([{ src: "the cat", tgt: "le chat", line: 1 }], { lowercase: true });
    await saveTextPipeline(`${run}/vocab/pipeline.json`, pipeline);
    const r = await attn("data", "stats", "--data", file("oov.tsv", "The cat sleeps\tLe chat dort\n"), "--vocab-from", run);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/vocabulary from saved text pipeline .*vocab\/pipeline\.json/);
    expect(r.stdout).toMatch(/all\s+33\.33% \(1\/3, 1 type\)\s+1 \(100\.00%\)\s+33\.33% \(1\/3, 1 type\)/);
    expect(r.stdout).toMatch(/source OOV e\.g\.: sleeps/);
  });

  it("stats on two files with BPE and an OOV rate against another corpus", async () => {
    const en = file("s.en", "the cat sleeps\nthe dog sleeps\nthe cat eats\n");
    const fr = file("s.fr", "le chat dort\nle chien dort\nle chat mange\n");
    const r = await attn("data", "stats", "--src", en, "--tgt", fr, "--tokenizer", "bpe", "--vocab-size", "30", "--vocab-from", file("v.tsv", "the cat\tle chat\n"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tokenizer: bpe \(\d+ merges\)/);
    expect(r.stdout).toMatch(/all\s+3\s/);
    expect(r.stdout).toMatch(/out-of-vocabulary/);
  });
});
