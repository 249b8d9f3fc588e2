#!/usr/bin/env node
// Builds the native AVX2 matrix multiply from src/kernels/native/c with gcc and Node's own
// Node-API headers (Debian: gcc; the headers ship with Node under include/node):
//   npm run build:native
// The module is committed (build/attn-avx2-linux-x64.node) so users need no toolchain; attn
// loads it only on Linux x86-64 CPUs with AVX2 and FMA, and falls back to the WebAssembly
// kernels everywhere else. build/manifest.json records a hash of every source, so a test can
// tell when the committed module is older than its source.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(root, "src/kernels/native/c");
const outDir = join(root, "src/kernels/native/build");
const cc = process.env.CC ?? "gcc";
const nodeInclude = [process.env.NODE_API_INCLUDE, join(dirname(process.execPath), "..", "include", "node"), "/usr/include/node"]
  .find((d) => d && existsSync(join(d, "node_api.h")));
if (!nodeInclude) throw new Error("build-native: node_api.h not found; set NODE_API_INCLUDE to Node's include/node folder");

const sources = readdirSync(srcDir).filter((f) => f.endsWith(".c") || f.endsWith(".h")).sort();
// -ffp-contract=off: no fused a*b+c except the explicit FMAs, so the bits match the wasm-fma gemm.
const common = ["-O3", "-std=c11", "-fPIC", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off", "-fno-fast-math", "-fvisibility=hidden"];
// Only the kernels use AVX2; the Node-API glue (and its CPU check) runs on any x86-64.
const units = { "gemm_avx2.c": ["-mavx2", "-mfma"], "addon.c": [`-I${nodeInclude}`] };

const tmp = mkdtempSync(join(tmpdir(), "attn-native-"));
try {
  const objects = Object.entries(units).map(([file, flags]) => {
    const obj = join(tmp, file.replace(/\.c$/, ".o"));
    execFileSync(cc, [...common, ...flags, "-c", join(srcDir, file), "-o", obj], { stdio: "inherit" });
    return obj;
  });
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, "attn-avx2-linux-x64.node");
  execFileSync(cc, ["-shared", "-s", "-o", out, ...objects], { stdio: "inherit" });
  console.log(`wrote ${out} (${readFileSync(out).length} bytes)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
writeFileSync(join(outDir, "manifest.json"), JSON.stringify({
  compiler: execFileSync(cc, ["--version"], { encoding: "utf8" }).split("\n")[0],
  sources: Object.fromEntries(sources.map((f) => [f, sha256(readFileSync(join(srcDir, f)))])),
}, null, 2) + "\n");

function sha256(buf) {
  return createHash("sha256").update(buf).digest("hex");
}
