/** One place that turns a data source description into pairs, whichever file layout it uses. */
import { resolve } from "node:path";
import { UserError } from "../../errors.js";
import { readParallelFiles } from "./parallelFiles.js";
import type { ReadOptions, ReadResult } from "./pairCollector.js";
import { readTsv } from "./tsv.js";

export type { ReadOptions, ReadResult, TextPair } from "./pairCollector.js";
export { readTsv } from "./tsv.js";
export { readParallelFiles } from "./parallelFiles.js";
export { readLines, assertReadableFile, type Line } from "./lines.js";

/**
 * Where a set of pairs comes from: a TSV path (string or `{ tsv }`), or two line-aligned files
 * `{ src, tgt }`. Relative paths are resolved against the directory of the config that names them.
 */
export type DataSource = string | { tsv: string } | { src: string; tgt: string };

export function readSource(source: DataSource, opts: ReadOptions, baseDir: string): Promise<ReadResult> {
  if (typeof source === "string") return readTsv(resolve(baseDir, source), opts);
  if ("tsv" in source && typeof source.tsv === "string") return readTsv(resolve(baseDir, source.tsv), opts);
  if ("src" in source && typeof source.src === "string" && typeof source.tgt === "string") {
    return readParallelFiles(resolve(baseDir, source.src), resolve(baseDir, source.tgt), opts);
  }
  throw new UserError(`data source ${JSON.stringify(source)}: expected a TSV path, { "tsv": path } or { "src": path, "tgt": path }`);
}

/** A short description of a source for messages and reports. */
export function describeSource(source: DataSource): string {
  if (typeof source === "string") return source;
  return "tsv" in source ? source.tsv : `${source.src} + ${source.tgt}`;
}
