/**
 * The committed WebAssembly modules are built from the committed C sources: build/manifest.json
 * (written by `npm run build:kernels`) must list every source with its current hash, so editing a
 * kernel without rebuilding fails here rather than silently running the old code.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WasmRuntime } from "../../src/kernels/wasm/runtime.js";

const srcDir = new URL("../../src/kernels/wasm/c/", import.meta.url);
const buildDir = new URL("../../src/kernels/wasm/build/", import.meta.url);

describe("kernel build", () => {
  it("build/manifest.json matches every C source (run `npm run build:kernels` after editing one)", () => {
    const manifest = JSON.parse(readFileSync(new URL("manifest.json", buildDir), "utf8")) as { sources: Record<string, string> };
    const sources = readdirSync(srcDir).filter((f) => /\.(c|h)$/.test(f)).sort();
    expect(Object.keys(manifest.sources).sort()).toEqual(sources);
    for (const f of sources) {
      const hash = createHash("sha256").update(readFileSync(new URL(f, srcDir))).digest("hex");
      expect(manifest.sources[f], `${f} changed since the last build`).toBe(hash);
    }
  });

  it("each committed module is the variant it claims to be", () => {
    for (const [variant, fma] of [["simd", 0], ["fma", 1]] as const) {
      const rt = WasmRuntime.load(variant);
      expect(rt, variant).not.toBeNull();
      expect(rt!.fn["kernels_fma"]!()).toBe(fma);
    }
  });
});
