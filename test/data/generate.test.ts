import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTask, TASKS } from "../../src/data/tasks/index.js";
import { formatAlignments, generateSplits, splitSizes, writeGeneratedDataset } from "../../src/data/tasks/generate.js";
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

  it("holds a dataset for every task", () => {
    expect(folders.sort()).toEqual(TASKS.map((t) => t.name).sort());
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
