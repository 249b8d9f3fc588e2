import { readFileSync } from "node:fs";
import type { EncodedSplit } from "../data/dataset.js";
import { UserError } from "../errors.js";
import { checkLinkRanges, parsePharaoh, type GoldLinks } from "../eval/pharaoh.js";
import { fsUserError } from "../fsErrors.js";

/**
 * The gold alignment of each evaluated pair, read from a Pharaoh file that is line-aligned with
 * the split's data file (`attn data generate` writes test.align beside test.tsv): line k of the
 * gold file belongs to line k of the data file, so pairs dropped by length limits keep their
 * place. Returns one entry per example of the split (by example index). Errors name file:line:
 * a malformed link, a link beyond a sentence's tokens, or a file with too few or too many lines.
 */
export function readGoldAlignments(file: string, split: EncodedSplit, splitName: string): GoldLinks[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") throw new UserError(`--alignments ${file}: no such file`);
    throw fsUserError(err, "read the --alignments file", file);
  }
  const gold = parsePharaoh(text, file);
  const lastLine = split.pairs.reduce((max, p) => Math.max(max, p.line), 0);
  if (gold.length < lastLine) {
    throw new UserError(`${file}:${gold.length + 1}: the file ends after ${gold.length} lines, but the ${splitName} split has pairs up to line ${lastLine} of its data file; expected one alignment line per data line`);
  }
  if (gold.length > lastLine && split.removed + split.tooLongForModel === 0) {
    throw new UserError(`${file}:${lastLine + 1}: one line more than the ${lastLine} lines of the ${splitName} split's data; expected one alignment line per data line`);
  }
  return split.examples.map((ex) => {
    const line = split.pairs[ex.index]!.line;
    const links = gold[line - 1]!;
    checkLinkRanges(links, ex.src.length - 1, ex.tgt.length - 2, file, line);
    return links;
  });
}
