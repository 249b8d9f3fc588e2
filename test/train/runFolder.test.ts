import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkRunDirWritable } from "../../src/train/runFolder.js";
import { tempFolder } from "../cli/fixture.js";
import { userErrorOf } from "../helpers/userErrors.js";
import { mountTmpfs, unmount } from "../reliability/mounts.js";

const root = tempFolder("run-folder");
const message = (fn: () => unknown) => userErrorOf(fn).message;

describe("checkRunDirWritable (before data is read or a model built)", () => {
  it("creates the folder, leaves no probe file, and abandon() removes it again while it is empty", () => {
    const dir = join(root, "runs", "a");
    const abandon = checkRunDirWritable(dir, "--run-dir runs/a");
    expect(readdirSync(dir)).toEqual([]);
    abandon();
    expect(existsSync(dir)).toBe(false);
  });

  it("keeps a folder that existed before, or that the run wrote into", () => {
    const existing = join(root, "existing");
    mkdirSync(existing);
    checkRunDirWritable(existing, "--run-dir existing")();
    expect(existsSync(existing)).toBe(true);
    const used = join(root, "used");
    const abandon = checkRunDirWritable(used, "--run-dir used");
    writeFileSync(join(used, "config.json"), "{}");
    abandon();
    expect(readdirSync(used)).toEqual(["config.json"]);
  });

  it("names a file that is, or lies above, the run folder", () => {
    const file = join(root, "file");
    writeFileSync(file, "x");
    expect(message(() => checkRunDirWritable(file, "--run-dir file"))).toBe(`--run-dir file: ${file} is a file; expected a folder`);
    expect(message(() => checkRunDirWritable(join(file, "runs", "x"), "output.runsDir file/runs"))).toBe(
      `output.runsDir file/runs: ${file} is a file; expected a folder (the run folder would be below it)`,
    );
  });

  it("says read-only file system, not 'no such file', and creates nothing", () => {
    const ro = join(root, "ro");
    mountTmpfs(ro, "64k", { readOnly: true });
    try {
      expect(message(() => checkRunDirWritable(join(ro, "run"), "--run-dir ro/run"))).toBe(`${join(ro, "run")}: cannot write the run folder (--run-dir ro/run): read-only file system (EROFS)`);
    } finally {
      unmount(ro);
    }
  });
});
