/**
 * The layering of docs/architecture.md: a file imports only from its own layer or the layers
 * above it in this list. Type-only imports of the config's types by models are the one documented
 * exception (the builder reads a validated config).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(new URL("../../src", import.meta.url).pathname);
/** Root files (errors, version, json, fsErrors) first, then the layers in order. */
const LAYERS = ["", "tensor", "kernels", "autograd", "ops", "nn", "optim", "attention", "models", "data", "viz", "config", "decode", "eval", "train", "workflows", "cli"];
const TYPE_EXCEPTIONS = [["models", "config"]];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** The layer of a file under src/ ("" for the root files). */
function layerOf(file: string): string {
  const parts = relative(SRC, file).split("/");
  return parts.length === 1 ? "" : parts[0]!;
}

describe("imports follow the layers", () => {
  it("no file imports from a layer below its own", () => {
    const problems: string[] = [];
    for (const file of files(SRC)) {
      const from = layerOf(file);
      expect(LAYERS, `${relative(SRC, file)}: a layer missing from the list`).toContain(from);
      for (const m of readFileSync(file, "utf8").matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"/gms)) {
        const to = layerOf(resolve(dirname(file), m[2]!));
        if (LAYERS.indexOf(to) <= LAYERS.indexOf(from)) continue;
        if (m[1] && TYPE_EXCEPTIONS.some(([a, b]) => a === from && b === to)) continue;
        problems.push(`${relative(SRC, file)} imports ${m[2]} (${from || "root"} → ${to})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("nn has no Transformer layers and never imports attention", () => {
    const nn = files(join(SRC, "nn"));
    expect(nn.some((f) => f.includes("/transformer/"))).toBe(false);
    for (const f of nn) expect(readFileSync(f, "utf8"), relative(SRC, f)).not.toMatch(/from "\.\.\/(\.\.\/)?attention\//);
  });
});
