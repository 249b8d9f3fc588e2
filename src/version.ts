import { readFileSync } from "node:fs";
import { packageFile } from "./packageFiles.js";

/** attn's version, from package.json (recorded in run folders and checkpoints). */
export const ATTN_VERSION: string = (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
