import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";

const configsDir = fileURLToPath(new URL("../../configs/", import.meta.url));

function presetFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? presetFiles(join(dir, e.name)) : e.name.endsWith(".json") ? [join(dir, e.name)] : []));
}

describe("configs/ presets", () => {
  const files = presetFiles(configsDir);
  it("exist", () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });
  for (const f of files) {
    it(`${f.slice(configsDir.length)} validates`, () => {
      expect(() => loadConfig(f)).not.toThrow();
    });
  }
});
