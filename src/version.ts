import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** attn's version, from package.json (recorded in run folders and checkpoints). */
export const ATTN_VERSION: string = (JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as { version: string }).version;
