/** Reader for one TSV file with `source<TAB>target` per line. */
import { UserError } from "../../errors.js";
import { displayPath } from "../../fsErrors.js";
import { readLines } from "./lines.js";
import { PairCollector, type ReadOptions, type ReadResult } from "./pairCollector.js";

/**
 * Reads `source<TAB>target` pairs. Columns after the second are ignored (Tatoeba exports keep
 * attribution there). A blank line counts as a pair with empty sides (skipped and counted); a
 * non-blank line without a tab is an error, or skipped and counted with onBadLine "skip".
 */
export async function readTsv(path: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const collector = new PairCollector(displayPath(path), opts);
  for await (const { text, lineNo } of readLines(path)) {
    const tab = text.indexOf("\t");
    if (tab < 0) {
      if (text.trim() === "") {
        collector.add("", "", lineNo);
        continue;
      }
      if (opts.onBadLine === "skip") {
        collector.skipBadLine(lineNo);
        continue;
      }
      throw new UserError(
        `${displayPath(path)}:${lineNo}: no tab; expected "source<TAB>target" (to skip such lines: --on-bad-line skip, or "onBadLine": "skip" in the config)`,
      );
    }
    const nextTab = text.indexOf("\t", tab + 1);
    const tgt = nextTab < 0 ? text.slice(tab + 1) : text.slice(tab + 1, nextTab);
    if (!collector.add(text.slice(0, tab), tgt, lineNo)) break;
  }
  return collector.result();
}
