/** Training is observable without a terminal: stderr of a child process is a pipe, as in CI or under nohup. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { attn, stripAnsi, tempFolder, writeTinyTask } from "./fixture.js";

const PROGRESS = /^step (\d+)\/20 \(epoch \d+\) \| loss \d+\.\d{4} \| \d+ tok\/s \| lr \d\.\d{2}e[-+]\d+ \| elapsed \d+\.\d s \| ETA \d+\.\d s$/;

describe("progress without a terminal", () => {
  const dir = tempFolder("observe");
  const config = writeTinyTask(dir, { training: { maxSteps: 20, validEvery: 10, logEvery: 5 } });

  it("prints a plain progress line every training.logEvery steps", async () => {
    const r = await attn(["train", "--config", config, "--run-dir", join(dir, "run")]);
    expect(r.code, r.stderr).toBe(0);
    const lines = stripAnsi(r.stderr).split("\n");
    const progress = lines.filter((l) => l.startsWith("step "));
    expect(progress.map((l) => Number(PROGRESS.exec(l)?.[1]))).toEqual([5, 10, 15, 20]);
    expect(lines.filter((l) => l.startsWith("valid step"))).toHaveLength(2);
    expect(r.stderr).not.toContain("\r"); // no bar redraws in a log file
  });

  it("--quiet stays quiet", async () => {
    const r = await attn(["train", "--config", config, "--run-dir", join(dir, "quiet"), "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(stripAnsi(r.stderr).split("\n").filter((l) => l.startsWith("step ") || l.startsWith("valid step"))).toEqual([]);
  });
});
