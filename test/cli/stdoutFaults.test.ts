import { spawnSync } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, stripAnsi, tempFolder } from "./fixture.js";

const dir = tempFolder("stdout-faults");

describe("a failing stdout", () => {
  it("is one error line with exit code 74 when stdout is a full device, not an unhandled 'error' event", () => {
    const full = openSync("/dev/full", "w");
    try {
      const r = spawnSync(process.execPath, [BIN, "data", "generate", "--task", "copy", "--n", "10", "--out", join(dir, "gen")], {
        stdio: ["ignore", full, "pipe"],
        env: { ...process.env, FORCE_COLOR: "0" },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(74);
      expect(stripAnsi(r.stderr)).toBe("error: <stdout>: cannot write the output: no space left on the device (ENOSPC)\n");
    } finally {
      closeSync(full);
    }
  });
});
