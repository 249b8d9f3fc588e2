import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTask, TASKS } from "../../src/data/tasks/index.js";
import { formatAlignments, generateSplits, MAX_GENERATED_PAIRS, splitSizes, writeGeneratedDataset } from "../../src/data/tasks/generate.js";
import { tempDir } from "./tmpFiles.js";

const file = tempDir("generate");
const DATA = new URL("../../data/", import.meta.url).pathname;

function readAll(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

describe("generated datasets", () => {
  it("are the same bytes for the same seed, and differ for another", async () => {
    for (const task of TASKS) {
      const opts = { task, n: 60, seed: 9 };
      await writeGeneratedDataset(file(`${task.name}-a`), opts);
      await writeGeneratedDataset(file(`${task.name}-b`), opts);
      await writeGeneratedDataset(file(`${task.name}-c`), { ...opts, seed: 10 });
      const a = readAll(file(`${task.name}-a`));
      expect(Object.keys(a)).toEqual(["README.md", "meta.json", "test.align", "test.tsv", "train.align", "train.tsv", "valid.align", "valid.tsv"]);
      expect(readAll(file(`${task.name}-b`))).toEqual(a);
      expect(readAll(file(`${task.name}-c`))["train.tsv"]).not.toBe(a["train.tsv"]);
    }
  });

  it("write alignment files line by line with the TSV, in Pharaoh i-j form", async () => {
    const dir = file("lines");
    await writeGeneratedDataset(dir, { task: findTask("toy-lang"), n: 100, seed: 1 });
    for (const split of ["train", "valid", "test"]) {
      const tsv = readFileSync(join(dir, `${split}.tsv`), "utf8").split("\n");
      const align = readFileSync(join(dir, `${split}.align`), "utf8").split("\n");
      expect(align.length).toBe(tsv.length);
      for (const line of align.slice(0, -1)) expect(line).toMatch(/^(\d+-\d+)( \d+-\d+)*$/);
    }
    expect(formatAlignments([{ src: "a", tgt: "b", alignment: [] }])).toBe("\n");
  });

  it("split n into train/valid/test (10% each by default) without sharing a source", () => {
    expect(splitSizes(100)).toEqual({ train: 80, valid: 10, test: 10 });
    expect(splitSizes(100, 5, 0)).toEqual({ train: 95, valid: 5, test: 0 });
    expect(() => splitSizes(10, 5, 5)).toThrow(/leaves no training pairs/);
    const s = generateSplits({ task: findTask("sort"), n: 500, seed: 2 });
    const train = new Set(s.train.map((p) => p.src));
    expect([...s.valid, ...s.test].some((p) => train.has(p.src))).toBe(false);
  });
});

describe("committed data/", () => {
  const folders = readdirSync(DATA, { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(join(DATA, d.name)).includes("meta.json"))
    .map((d) => d.name);

  it("holds a dataset for every task, and every dataset is of a known task", () => {
    const tasks = folders.map((f) => (JSON.parse(readFileSync(join(DATA, f, "meta.json"), "utf8")) as { task: string }).task);
    expect([...new Set(tasks)].sort()).toEqual(TASKS.map((t) => t.name).sort());
    // A folder named after a task holds that task (extra folders such as reverse-short are variants).
    for (const [i, f] of folders.entries()) if (TASKS.some((t) => t.name === f)) expect(tasks[i]).toBe(f);
  });

  for (const folder of folders) {
    it(`${folder} regenerates byte for byte from its meta.json`, async () => {
      const meta = JSON.parse(readFileSync(join(DATA, folder, "meta.json"), "utf8"));
      const out = file(`regen-${folder}`);
      await writeGeneratedDataset(out, {
        task: findTask(meta.task),
        n: meta.n,
        seed: meta.seed,
        valid: meta.sizes.valid,
        test: meta.sizes.test,
        options: meta.options,
      });
      expect(readAll(out)).toEqual(readAll(join(DATA, folder)));
    });
  }
});

describe("impossible requests stop at once", () => {
  it("refuses --n beyond MAX_GENERATED_PAIRS and negative split sizes", () => {
    expect(() => splitSizes(MAX_GENERATED_PAIRS + 1)).toThrow(`--n ${MAX_GENERATED_PAIRS + 1}: expected at most 1,000,000 pairs per dataset`);
    expect(() => splitSizes(1e20)).toThrow(/expected at most/);
    expect(() => splitSizes(0)).toThrow("--n 0: expected a positive integer");
    expect(() => splitSizes(100, -1)).toThrow("--valid -1: expected an integer ≥ 0");
    expect(() => splitSizes(100, 5, 2.5)).toThrow("--test 2.5: expected an integer ≥ 0");
  });

  it("counts the distinct sources of the sequence tasks and refuses a larger --n before sampling", () => {
    const copy = findTask("copy");
    // 2 + 4 + 8 sequences of 1–3 symbols over 2 symbols.
    expect(copy.capacity!({ minLen: 1, maxLen: 3, symbols: 2 })).toBe(14);
    expect(copy.capacity!({ minLen: 5, maxLen: 40, symbols: 26 })).toBeGreaterThan(1e50);
    expect(copy.capacity!({ minLen: 1, maxLen: 1000, symbols: 260 })).toBe(Infinity);
    const options = { minLen: 1, maxLen: 3, symbols: 2 };
    expect(generateSplits({ task: copy, n: 14, seed: 1, valid: 2, test: 2, options }).train).toHaveLength(10);
    expect(() => generateSplits({ task: copy, n: 15, seed: 1, options })).toThrow(
      "--n 15: the copy task has only 14 distinct sources with --min-len 1 --max-len 3 --symbols 2; expected --n ≤ 14 (widen the length range or the symbol set)",
    );
  });
});

describe("the --out folder", () => {
  it("is refused when it is a file, or holds a dataset and --force is not given", async () => {
    const taken = file("taken");
    await writeGeneratedDataset(taken, { task: findTask("reverse"), n: 20, seed: 1 });
    const before = readAll(taken);
    await expect(writeGeneratedDataset(taken, { task: findTask("reverse"), n: 20, seed: 2 })).rejects.toThrow(/already holds a dataset \(train\.tsv, train\.align, valid\.tsv, …\); pass --force/);
    expect(readAll(taken)).toEqual(before);
    await expect(writeGeneratedDataset(join(taken, "meta.json"), { task: findTask("reverse"), n: 20, seed: 1 })).rejects.toThrow(/meta\.json: is a file; expected a folder/);
  });

  it("is overwritten with --force, other files in it left alone", async () => {
    const dir = file("forced");
    await writeGeneratedDataset(dir, { task: findTask("reverse"), n: 20, seed: 1 });
    writeFileSync(join(dir, "notes.txt"), "mine");
    await writeGeneratedDataset(dir, { task: findTask("reverse"), n: 20, seed: 2 }, true);
    expect(JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")).seed).toBe(2);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
  });
});
