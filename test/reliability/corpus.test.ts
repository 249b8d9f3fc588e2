import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { attn, stripAnsi, tempFolder, trainTiny, writeTinyTask } from "../cli/fixture.js";
import type { BadInputCase, SharedRun } from "./corpus.js";

/** Every case file in ./cases, loaded before the tests are declared. */
const casesDir = new URL("./cases/", import.meta.url);
const modules: [string, { cases: BadInputCase[] }][] = [];
for (const file of readdirSync(casesDir).filter((f) => f.endsWith(".ts")).sort()) {
  modules.push([file, (await import(new URL(file, casesDir).href)) as { cases: BadInputCase[] }]);
}

const root = tempFolder("corpus");
const shared: SharedRun = { runDir: join(root, "shared-run"), config: "", taskDir: join(root, "task") };

beforeAll(async () => {
  shared.config = writeTinyTask(shared.taskDir, { training: { maxSteps: 12, validEvery: 6 } });
  await trainTiny(shared.config, shared.runDir);
}, 120_000);

let counter = 0;
for (const [file, mod] of modules) {
  const group = file.replace(/\.ts$/, "");
  describe.concurrent(`bad input: ${group}`, () => {
    for (const c of mod.cases) {
      it(c.name, async () => {
        const dir = join(root, `case-${counter++}`);
        mkdirSync(dir, { recursive: true });
        try {
          const args = await c.args(dir, shared);
          const run = await attn(args, {
            cwd: c.cwd ? c.cwd(dir, shared) : dir,
            ...(c.input !== undefined ? { input: c.input } : {}),
            ...(c.env ? { env: c.env } : {}),
            timeoutMs: c.timeoutMs ?? 60_000,
          });
          const stderr = stripAnsi(run.stderr);
          const context = `attn ${args.join(" ")}\nexit ${run.code} ${run.signal ?? ""}\nstderr:\n${stderr}`;
          expect(run.signal, context).toBeNull();
          if (c.exitCode !== undefined) expect(run.code, context).toBe(c.exitCode);
          else expect(run.code, context).not.toBe(0);
          expect(stderr, context).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
          const errors = stderr.split("\n").filter((l) => l.startsWith("error: "));
          expect(errors, context).toHaveLength(1);
          expect(errors[0], context).toMatch(c.message);
          await c.after?.(dir, run, shared);
        } finally {
          await c.cleanup?.(dir, shared);
        }
      }, (c.timeoutMs ?? 60_000) + 60_000);
    }
  });
}
