#!/usr/bin/env node
// Builds the WebAssembly kernels from src/kernels/wasm/c/*.c with clang (Debian: clang-19, lld-19):
//   npm run build:kernels
// Two modules come out of the same sources, and both are committed so users need no toolchain:
//   build/kernels-simd.wasm  plain SIMD128 (multiply, then add: two roundings)
//   build/kernels-fma.wasm   relaxed SIMD; MADD is f32x4.relaxed_madd, fused where the CPU has FMA
// build/manifest.json records a hash of every source, so a test can tell when the committed
// modules are older than their source.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const srcDir = join(root, "src/kernels/wasm/c");
const outDir = join(root, "src/kernels/wasm/build");
const clang = process.env.CLANG ?? "clang-19";

const sources = readdirSync(srcDir).filter((f) => f.endsWith(".c") || f.endsWith(".h")).sort();
const cFiles = sources.filter((f) => f.endsWith(".c")).map((f) => join(srcDir, f));

const common = [
  "--target=wasm32", "-O3", "-std=c11", "-Wall", "-Wextra", "-Werror",
  "-msimd128", "-matomics", "-mbulk-memory", "-nostdlib",
  // No silent fusing of scalar a*b+c: the two variants must differ only where MADD says so.
  "-ffp-contract=off", "-fno-builtin",
  "-Wl,--no-entry", "-Wl,--import-memory", "-Wl,--shared-memory", "-Wl,--max-memory=4294967296",
  "-Wl,--export=__stack_pointer", "-Wl,--export=__heap_base", "-Wl,-z,stack-size=65536",
];
const variants = { simd: [], fma: ["-mrelaxed-simd", "-DATTN_FMA=1"] };

mkdirSync(outDir, { recursive: true });
for (const [name, flags] of Object.entries(variants)) {
  const out = join(outDir, `kernels-${name}.wasm`);
  execFileSync(clang, [...common, ...flags, "-o", out, ...cFiles], { stdio: "inherit" });
  console.log(`wrote ${out} (${readFileSync(out).length} bytes)`);
}
writeFileSync(join(outDir, "manifest.json"), JSON.stringify({
  compiler: execFileSync(clang, ["--version"], { encoding: "utf8" }).split("\n")[0],
  sources: Object.fromEntries(sources.map((f) => [f, sha256(readFileSync(join(srcDir, f)))])),
}, null, 2) + "\n");

function sha256(buf) {
  return createHash("sha256").update(buf).digest("hex");
}
