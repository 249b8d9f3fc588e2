// The CLI as one JavaScript file (dist/attn.mjs), bundled from src/ by esbuild. Starting from it
// takes ~0.3 s where loading ~400 TypeScript modules through tsx takes ~1.5 s; that difference
// is paid by every command a user types and by every CLI test. The bundle is rebuilt whenever
// the sources change (their count, sizes or modification times differ from the ones recorded
// when it was built), so it never runs stale code; if it cannot be built (no esbuild, read-only
// folder), bin/attn.js runs the sources through tsx instead.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SRC = join(ROOT, "src");
const DIST = join(ROOT, "dist");
export const BUNDLE = join(DIST, "attn.mjs");
const STAMP = join(DIST, "attn.stamp.json");

/** A summary of the TypeScript sources that changes whenever one is added, removed or edited. */
export function sourceStamp() {
  let files = 0;
  let bytes = 0;
  let newestMs = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".ts")) {
        const s = statSync(path);
        files++;
        bytes += s.size;
        newestMs = Math.max(newestMs, s.mtimeMs);
      }
    }
  };
  walk(SRC);
  return { files, bytes, newestMs };
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(STAMP, "utf8"));
  } catch {
    return null;
  }
}

export function bundleIsFresh() {
  const recorded = readStamp();
  if (recorded === null || !existsSync(BUNDLE)) return false;
  const now = sourceStamp();
  return recorded.files === now.files && recorded.bytes === now.bytes && recorded.newestMs === now.newestMs;
}

/** Builds dist/attn.mjs; written under temporary names and renamed, so concurrent builders never expose a half-written file. */
export async function buildBundle() {
  const { build } = await import("esbuild");
  const stamp = sourceStamp();
  mkdirSync(DIST, { recursive: true });
  const result = await build({
    entryPoints: [join(SRC, "cli", "main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Dependencies stay in node_modules; only attn's own sources are bundled.
    packages: "external",
    // dist/attn.mjs.map: a bug's stack trace points into src/ under NODE_OPTIONS=--enable-source-maps.
    sourcemap: "linked",
    outfile: BUNDLE,
    write: false,
    logLevel: "silent",
  });
  const outputs = [...result.outputFiles, { path: STAMP, contents: new TextEncoder().encode(JSON.stringify(stamp)) }];
  // The stamp is renamed last: a reader that sees it also sees the bundle it describes.
  outputs.sort((a, b) => (a.path === STAMP ? 1 : 0) - (b.path === STAMP ? 1 : 0));
  for (const { path, contents } of outputs) {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  }
}

/** The CLI's `main`: from a fresh bundle when one exists or can be built, else from the sources through tsx. */
export async function loadMain() {
  if (process.env.ATTN_BUNDLE !== "0") {
    let fresh = bundleIsFresh();
    if (!fresh) {
      try {
        await buildBundle();
        fresh = true;
      } catch {
        // Fall through to tsx: a read-only install or a missing esbuild must not stop the CLI.
      }
    }
    if (fresh) return (await import(pathToFileURL(BUNDLE).href)).main;
  }
  const { register } = await import("tsx/esm/api");
  register();
  return (await import("../src/cli/main.ts")).main;
}
