import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding attn's package.json. Files shipped beside the code (package.json, the
 * WebAssembly kernels, the thread worker, the PyTorch templates) are found from here rather than
 * relative to the importing module, because the CLI runs either from the TypeScript sources or
 * from one bundled file in dist/, and only the package root is the same for both.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`attn: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const PACKAGE_ROOT: string = findPackageRoot();

/** Absolute path of a file shipped with attn, given relative to the package root (e.g. "src/kernels/wasm/threadWorker.mjs"). */
export function packageFile(relativePath: string): string {
  return join(PACKAGE_ROOT, relativePath);
}
