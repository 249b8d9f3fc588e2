import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_CODES } from "../../src/errors.js";
import { MetricsLog } from "../../src/train/metricsLog.js";
import { tempFolder } from "../cli/fixture.js";
import { userErrorOf } from "../helpers/userErrors.js";
import { fillDisk, mountTmpfs, unmount } from "../reliability/mounts.js";

const root = tempFolder("metrics-log");

describe("MetricsLog on a failing disk", () => {
  it("reports a full device in one line naming metrics.jsonl (exit 74)", () => {
    const path = join(root, "full.jsonl");
    symlinkSync("/dev/full", path);
    const err = userErrorOf(() => new MetricsLog(path).write({ type: "train", step: 1 }));
    expect(err.message).toBe(`${path}: cannot append to the metrics log: no space left on the device (ENOSPC)`);
    expect(err.exitCode).toBe(EXIT_CODES.io);
  });

  // A line cut by a full disk would make the whole file unreadable as JSON lines.
  it("cuts off a line the full disk took only half of", () => {
    const disk = join(root, "disk");
    mountTmpfs(disk, "64k");
    try {
      const path = join(disk, "metrics.jsonl");
      const log = new MetricsLog(path);
      log.write({ type: "train", step: 1 });
      const before = readFileSync(path, "utf8");
      fillDisk(disk, 1000);
      expect(() => log.write({ type: "train", step: 2, note: "x".repeat(20_000) })).toThrow(/no space left/);
      expect(readFileSync(path, "utf8")).toBe(before);
    } finally {
      unmount(disk);
    }
  });

  it("appends one JSON object per line otherwise", () => {
    const path = join(root, "ok.jsonl");
    writeFileSync(path, "");
    const log = new MetricsLog(path);
    log.write({ type: "train", step: 1 });
    log.write({ type: "valid", step: 2, loss: Infinity });
    const lines = readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.type, l.step])).toEqual([["train", 1], ["valid", 2]]);
  });
});
