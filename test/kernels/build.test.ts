/**
 * The committed WebAssembly modules and the native AVX2 module are built from the committed C
 * sources: each build/manifest.json (written by `npm run build:kernels` / `build:native`) must
 * list every source with its current hash, so editing a kernel without rebuilding fails here
 * rather than silently running the old code.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WasmRuntime } from "../../src/kernels/wasm/runtime.js";

/** The committed builds and the npm script that remakes each. */
const builds = [
  { dir: "wasm", script: "build:kernels" },
  { dir: "native", script: "build:native" },
] as const;

describe("kernel build", () => {
  for (const { dir, script } of builds) {
    it(`${dir}/build/manifest.json matches every C source (run \`npm run ${script}\` after editing one)`, () => {
      const srcDir = new URL(`../../src/kernels/${dir}/c/`, import.meta.url);
      const manifest = JSON.parse(readFileSync(new URL(`../../src/kernels/${dir}/build/manifest.json`, import.meta.url), "utf8")) as { sources: Record<string, string> };
      const sources = readdirSync(srcDir).filter((f) => /\.(c|h)$/.test(f)).sort();
      expect(Object.keys(manifest.sources).sort()).toEqual(sources);
      for (const f of sources) {
        const hash = createHash("sha256").update(readFileSync(new URL(f, srcDir))).digest("hex");
        expect(manifest.sources[f], `${f} changed since the last build`).toBe(hash);
      }
    });
  }

  it("each committed module is the variant it claims to be", () => {
    for (const [variant, fma] of [["simd", 0], ["fma", 1]] as const) {
      const rt = WasmRuntime.load(variant);
      expect(rt, variant).not.toBeNull();
      expect(rt!.fn["kernels_fma"]!()).toBe(fma);
    }
  });
});
