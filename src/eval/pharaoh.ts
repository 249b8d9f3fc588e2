import { UserError } from "../errors.js";

/** A link [sourceIndex, targetIndex], 0-based. */
export type Link = readonly [number, number];

/**
 * One line of a gold alignment (Och & Ney 2003): sure links S and possible links P. `possible`
 * lists the links marked possible only; every sure link is possible too (S ⊆ P).
 */
export interface GoldLinks {
  sure: Link[];
  possible: Link[];
}

/**
 * Parses Pharaoh alignments, one line per sentence pair: whitespace-separated links `i-j` (sure:
 * source token i with target token j, 0-based) and `i?j` or `ipj` (possible), the convention of
 * the Och & Ney and Mihalcea & Pedersen gold sets. An empty line is a pair without links. A link
 * given as both sure and possible counts as sure. Errors name `file:line`.
 */
export function parsePharaoh(text: string, file: string): GoldLinks[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line, n) => {
    const sure = new Map<string, Link>();
    const possible = new Map<string, Link>();
    for (const token of line.split(/[ \t]+/)) {
      if (token === "") continue;
      const m = /^(\d+)([-?p])(\d+)$/.exec(token);
      if (!m) throw new UserError(`${file}:${n + 1}: link "${token}": expected i-j (sure) or i?j / ipj (possible) with 0-based token indices`);
      const link: Link = [Number(m[1]), Number(m[3])];
      (m[2] === "-" ? sure : possible).set(`${link[0]}-${link[1]}`, link);
    }
    for (const key of sure.keys()) possible.delete(key);
    return { sure: [...sure.values()], possible: [...possible.values()] };
  });
}

/**
 * Every link of line `line` (1-based) must index a real token: source indices below `sourceLength`,
 * target indices below `targetLength` (neither counts </s>).
 */
export function checkLinkRanges(gold: GoldLinks, sourceLength: number, targetLength: number, file: string, line: number): void {
  const check = (links: readonly Link[], kind: string): void => {
    for (const [i, j] of links) {
      const what = i >= sourceLength ? `source index ${i}: the source has ${sourceLength} tokens` : j >= targetLength ? `target index ${j}: the target has ${targetLength} tokens` : null;
      if (what) throw new UserError(`${file}:${line}: ${kind} ${i}-${j} is out of range (${what}); expected indices of the model's tokens, 0-based, </s> not counted`);
    }
  };
  check(gold.sure, "link");
  check(gold.possible, "possible link");
}

/** One Pharaoh line: `i-j` links sorted by source, then target index, separated by spaces. */
export function formatPharaoh(links: readonly Link[]): string {
  return [...links]
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([i, j]) => `${i}-${j}`)
    .join(" ");
}
