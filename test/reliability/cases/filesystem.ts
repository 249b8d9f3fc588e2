import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { readJsonLines, type Run } from "../../cli/fixture.js";
import type { BadInputCase } from "../corpus.js";
import { fillDisk, mountTmpfs, remountReadOnly, unmount } from "../mounts.js";
import { checkpointStep, copyRun, metricsMatchCheckpoints, noSaveLeftovers, stillTranslates } from "../runChecks.js";

/**
 * File-system faults: a run folder that is (or lies below) a file, read-only and full disks,
 * output files that cannot be written. Each is one line naming the path and what attn was doing;
 * a wrong path exits 1, a full disk 74 (EX_IOERR); the last good checkpoint survives and
 * metrics.jsonl never claims a checkpoint that was not written. Paths are relative to the case
 * folder (the working directory), as the messages show them.
 */

/** A file where a folder is expected. */
const aFile = (dir: string) => writeFileSync(join(dir, "afile"), "not a folder\n");
const stillAFile = (dir: string) => expect(readFileSync(join(dir, "afile"), "utf8")).toBe("not a folder\n");

const SHARED_LAST_STEP = 12;

/** The trainer prints "attn train → <run folder>" once data is read and the model built. */
const nothingLoaded = (run: Run) => expect(run.stderr, "refused before data was read").not.toContain("attn train →");

/** Cases that need a tmpfs (root on Linux): read-only and full disks. */
const mountCases: BadInputCase[] = [
  {
    name: "a new run on a read-only file system (EROFS), refused before reading data",
    args: (dir, shared) => {
      mountTmpfs(join(dir, "ro"), "256k", { readOnly: true });
      return ["train", "--config", shared.config, "--run-dir", "ro/run", "--quiet"];
    },
    message: /^error: ro\/run: cannot write the run folder \(--run-dir ro\/run\): read-only file system \(EROFS\)$/,
    exitCode: 1,
    after: (_dir, run) => nothingLoaded(run),
    cleanup: (dir) => unmount(join(dir, "ro")),
  },
  {
    name: "--resume of a run on a read-only file system: refused at once, its checkpoints still translate",
    args: (dir, shared) => {
      mountTmpfs(join(dir, "ro"), "2m");
      copyRun(join(dir, "ro"), shared);
      remountReadOnly(join(dir, "ro"));
      return ["train", "--resume", "ro/run", "--quiet", "--set", "training.maxSteps=24"];
    },
    message: /^error: ro\/run: cannot write the run folder \(--resume ro\/run\): read-only file system \(EROFS\)$/,
    exitCode: 1,
    after: async (dir, run) => {
      nothingLoaded(run);
      expect(checkpointStep(join(dir, "ro", "run", "checkpoints", "last"))).toBe(SHARED_LAST_STEP);
      await stillTranslates(join(dir, "ro", "run"));
    },
    cleanup: (dir) => unmount(join(dir, "ro")),
  },
  {
    name: "a full disk before training starts: the write probe fails, no folder is left",
    args: (dir, shared) => {
      mountTmpfs(join(dir, "full"), "256k");
      fillDisk(join(dir, "full"));
      return ["train", "--config", shared.config, "--run-dir", "full/run", "--quiet"];
    },
    message: /^error: full\/run: cannot write the run folder \(--run-dir full\/run\): no space left on the device \(ENOSPC\)$/,
    exitCode: 74,
    after: (dir) => expect(readdirSync(join(dir, "full"))).toEqual(["filler"]),
    cleanup: (dir) => unmount(join(dir, "full")),
  },
  {
    name: "the disk fills up during a checkpoint save: the previous last is kept, no temporary folder, metrics claim nothing new",
    args: (dir, shared) => {
      mountTmpfs(join(dir, "disk"), "2m");
      copyRun(join(dir, "disk"), shared);
      // Room for a few metrics lines and the step-18 attention dump, not for a checkpoint (~60 kB).
      fillDisk(join(dir, "disk"), 12_288);
      return ["train", "--resume", "disk/run", "--quiet", "--set", "training.maxSteps=24"];
    },
    message: /^error: disk\/run\/checkpoints\/last: cannot save the checkpoint of step 18: no space left on the device \(ENOSPC\); the previous checkpoint in disk\/run\/checkpoints\/last is kept$/,
    exitCode: 74,
    after: async (dir) => {
      const run = join(dir, "disk", "run");
      expect(checkpointStep(join(run, "checkpoints", "last"))).toBe(SHARED_LAST_STEP);
      noSaveLeftovers(run);
      metricsMatchCheckpoints(run);
      // The resumed run trained past step 12 (train records) but recorded no validation it could not save.
      expect(readJsonLines(join(run, "metrics.jsonl")).some((r) => r.type === "train" && (r.step as number) > SHARED_LAST_STEP)).toBe(true);
      await stillTranslates(join(run, "checkpoints", "last"));
    },
    cleanup: (dir) => unmount(join(dir, "disk")),
  },
  {
    name: "the disk fills up when the first attention dump is written: no dump, no checkpoint, no valid record",
    args: (dir, shared) => {
      mountTmpfs(join(dir, "run", "attention"), "64k");
      fillDisk(join(dir, "run", "attention"));
      return ["train", "--config", shared.config, "--run-dir", "run", "--quiet"];
    },
    message: /^error: run\/attention\/step-6\.csv: cannot write the attention dump: no space left on the device \(ENOSPC\)$/,
    exitCode: 74,
    after: (dir) => {
      const run = join(dir, "run");
      expect(readdirSync(join(run, "attention")), "no half-written dump or temporary file").toEqual(["filler"]);
      expect(existsSync(join(run, "checkpoints"))).toBe(false);
      expect(readJsonLines(join(run, "metrics.jsonl")).filter((r) => r.type === "valid")).toEqual([]);
    },
    cleanup: (dir) => unmount(join(dir, "run", "attention")),
  },
  {
    name: "dump-attention --output on a read-only file system",
    args: (dir, shared) => {
      mountTmpfs(join(dir, "ro"), "64k", { readOnly: true });
      return ["dump-attention", "--checkpoint", shared.runDir, "--source", "a b", "--output", "ro/attention.csv"];
    },
    message: /^error: ro\/attention\.csv: cannot write the --output file: read-only file system \(EROFS\)$/,
    exitCode: 1,
    cleanup: (dir) => unmount(join(dir, "ro")),
  },
  {
    name: "data generate on a full disk: stops with ENOSPC and leaves no partial dataset",
    args: (dir) => {
      mountTmpfs(join(dir, "full"), "64k");
      fillDisk(join(dir, "full"));
      return ["data", "generate", "--task", "copy", "--n", "200", "--out", "full/gen"];
    },
    message: /^error: full\/gen\/train\.tsv: cannot write the generated file: no space left on the device \(ENOSPC\); removed the files this command had written$/,
    exitCode: 74,
    after: (dir) => expect(readdirSync(join(dir, "full", "gen"))).toEqual([]),
    cleanup: (dir) => unmount(join(dir, "full")),
  },
];

export const cases: BadInputCase[] = [
  {
    name: "--run-dir below a file (ENOTDIR), refused before reading data",
    args: (dir, shared) => {
      aFile(dir);
      return ["train", "--config", shared.config, "--run-dir", "afile/run", "--quiet"];
    },
    message: /^error: --run-dir afile\/run: afile is a file; expected a folder \(the run folder would be below it\)$/,
    exitCode: 1,
    after: (dir, run) => {
      stillAFile(dir);
      nothingLoaded(run);
    },
  },
  {
    name: "--run-dir that is a file",
    args: (dir, shared) => {
      aFile(dir);
      return ["train", "--config", shared.config, "--run-dir", "afile", "--quiet"];
    },
    message: /^error: --run-dir afile: afile is a file; expected a folder$/,
    exitCode: 1,
    after: stillAFile,
  },
  {
    name: "output.runsDir that is a file",
    args: (dir, shared) => {
      aFile(dir);
      return ["train", "--config", shared.config, "--set", "output.runsDir=afile", "--quiet"];
    },
    message: /^error: output\.runsDir afile: afile is a file; expected a folder \(the run folder would be below it\)$/,
    exitCode: 1,
    after: stillAFile,
  },
  {
    name: "metrics.jsonl on a full device (/dev/full) during --resume: the checkpoints are untouched",
    args: (dir, shared) => {
      const run = copyRun(dir, shared);
      rmSync(join(run, "metrics.jsonl"));
      symlinkSync("/dev/full", join(run, "metrics.jsonl"));
      return ["train", "--resume", "run", "--quiet", "--set", "training.maxSteps=24"];
    },
    message: /^error: run\/metrics\.jsonl: cannot append to the metrics log: no space left on the device \(ENOSPC\)$/,
    exitCode: 74,
    after: async (dir) => {
      const run = join(dir, "run");
      expect(checkpointStep(join(run, "checkpoints", "last"))).toBe(SHARED_LAST_STEP);
      noSaveLeftovers(run);
      await stillTranslates(run);
    },
  },
  {
    name: "translate --output on a full device (/dev/full)",
    args: (_dir, shared) => ["translate", "--checkpoint", shared.runDir, "--output", "/dev/full"],
    input: "a b\n",
    message: /^error: \/dev\/full: cannot write the --output file: no space left on the device \(ENOSPC\)$/,
    exitCode: 74,
  },
  {
    name: "translate --input naming a folder (EISDIR)",
    args: (dir, shared) => {
      mkdirSync(join(dir, "sentences"));
      return ["translate", "--checkpoint", shared.runDir, "--input", "sentences"];
    },
    message: /^error: sentences: cannot read the --input file: is a folder, expected a file \(EISDIR\)$/,
    exitCode: 1,
  },
  {
    name: "data generate --out naming an existing file",
    args: (dir) => {
      aFile(dir);
      return ["data", "generate", "--task", "copy", "--n", "20", "--out", "afile"];
    },
    message: /^error: --out afile: is a file; expected a folder \(new, or one to overwrite with --force\)$/,
    exitCode: 1,
    after: stillAFile,
  },
  {
    name: "data generate --out an existing dataset without --force: its files are kept",
    args: (dir) => {
      mkdirSync(join(dir, "gen"));
      writeFileSync(join(dir, "gen", "train.tsv"), "mine\tmine\n");
      return ["data", "generate", "--task", "copy", "--n", "20", "--out", "gen"];
    },
    message: /^error: --out gen: already holds a dataset \(train\.tsv\); pass --force to overwrite its files, or choose a new folder$/,
    exitCode: 1,
    after: (dir) => expect(readdirSync(join(dir, "gen")).map((f) => [f, readFileSync(join(dir, "gen", f), "utf8")])).toEqual([["train.tsv", "mine\tmine\n"]]),
  },
  // Root on Linux only: the faults below need a tmpfs (permission bits do not stop root).
  ...mountCases,
];
