/** Reader for two line-aligned files, e.g. train.en and train.fr: line i of one translates line i of the other. */
import { UserError } from "../../errors.js";
import { displayPath } from "../../fsErrors.js";
import { readLines, type Line } from "./lines.js";
import { PairCollector, type ReadOptions, type ReadResult } from "./pairCollector.js";

/** Reads both files in lockstep (streaming); different line counts are an error naming both files and counts. */
export async function readParallelFiles(srcPath: string, tgtPath: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const collector = new PairCollector(`${displayPath(srcPath)} + ${displayPath(tgtPath)}`, opts);
  const srcLines = readLines(srcPath);
  const tgtLines = readLines(tgtPath);
  try {
    for (;;) {
      const [a, b] = await Promise.all([srcLines.next(), tgtLines.next()]);
      if (a.done && b.done) break;
      if (a.done || b.done) {
        // Count the rest of the longer file so the message gives both totals.
        const longer = a.done ? tgtLines : srcLines;
        const shortCount = (a.done ? (b.value as Line) : (a.value as Line)).lineNo - 1;
        const longCount = shortCount + 1 + (await countRemaining(longer));
        const [srcCount, tgtCount] = a.done ? [shortCount, longCount] : [longCount, shortCount];
        throw new UserError(
          `${displayPath(srcPath)} has ${srcCount} lines but ${displayPath(tgtPath)} has ${tgtCount}; expected line-aligned files with the same number of lines`,
        );
      }
      if (!collector.add(a.value.text, b.value.text, a.value.lineNo)) break;
    }
  } finally {
    // Closes the underlying streams when reading stopped early (limit or error).
    await Promise.all([srcLines.return(undefined), tgtLines.return(undefined)]);
  }
  return collector.result();
}

async function countRemaining(lines: AsyncGenerator<Line>): Promise<number> {
  let n = 0;
  for (let r = await lines.next(); !r.done; r = await lines.next()) n++;
  return n;
}
