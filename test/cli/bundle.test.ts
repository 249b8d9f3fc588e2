/**
 * bin/attn.js runs the CLI from a bundle of src/ (dist/attn.mjs) that is rebuilt whenever the
 * sources change, and from the sources through tsx when ATTN_BUNDLE=0 or no bundle can be built.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attn, ROOT } from "./fixture.js";

/** A copy of the package (sources, bin, package.json) with the repository's node_modules linked in. */
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function packageCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "attn-bundle-"));
  copies.push(dir);
  for (const part of ["src", "bin", "package.json"]) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

describe("the CLI bundle", () => {
  it("gives the same program as the sources run through tsx", async () => {
    const [bundled, sources] = await Promise.all([attn(["--help"]), attn(["--help"], { env: { ATTN_BUNDLE: "0" } })]);
    expect(bundled.code).toBe(0);
    expect(sources.code).toBe(0);
    expect(bundled.stdout).toContain("Usage: attn");
    expect(bundled.stdout).toBe(sources.stdout);
  });

  it("is rebuilt when a source changes, so it never runs stale code", () => {
    const dir = packageCopy();
    const bin = join(dir, "bin", "attn.js");
    const first = spawnSync(process.execPath, [bin, "--help"], { cwd: dir, encoding: "utf8" });
    expect(first.status).toBe(0);
    expect(existsSync(join(dir, "dist", "attn.mjs"))).toBe(true);
    const main = join(dir, "src", "cli", "main.ts");
    const text = readFileSync(main, "utf8");
    const before = "Train small attention-based sequence-to-sequence translation models";
    expect(text).toContain(before);
    writeFileSync(main, text.replace(before, "Edited description of the copy"));
    const second = spawnSync(process.execPath, [bin, "--help"], { cwd: dir, encoding: "utf8" });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("Edited description of the copy");
    expect(readFileSync(join(dir, "dist", "attn.mjs"), "utf8")).toContain("Edited description of the copy");
  });

  it("falls back to the sources when the bundle cannot be written", () => {
    const dir = packageCopy();
    // A file where dist/ should be: the build fails, the CLI still runs.
    writeFileSync(join(dir, "dist"), "not a folder");
    chmodSync(join(dir, "dist"), 0o444);
    const run = spawnSync(process.execPath, [join(dir, "bin", "attn.js"), "--version"], { cwd: dir, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });
});
