/**
 * What both readers share once a line has been split into its two sides: normalisation, skipping
 * (and counting) pairs with an empty side, the optional pair limit, and the warnings.
 */
import { normalizeText, type NormalizeOptions } from "../normalize.js";

/** One sentence pair after normalisation. */
export interface TextPair {
  src: string;
  tgt: string;
  /** Line number in the file(s) it came from, for messages. */
  line: number;
}

/** How a file of parallel text is read. */
export interface ReadOptions extends NormalizeOptions {
  /**
   * What to do with a TSV line that has no tab: "error" (default) stops with file:line;
   * "skip" drops it and reports the count as a warning.
   */
  onBadLine?: "error" | "skip";
  /** Keep at most this many pairs (reading stops there); for quick experiments. Default: all. */
  limit?: number;
  /** Exchange the sides: the file's second column (or the target file) becomes the source. */
  swap?: boolean;
}

export interface ReadResult {
  pairs: TextPair[];
  /** Human-readable notes about skipped lines, one line each. */
  warnings: string[];
  /** Pairs dropped because one side (or both) was empty after normalisation. */
  skippedEmpty: number;
  /** TSV lines dropped because they had no tab (onBadLine "skip"). */
  skippedBad: number;
}

interface SkipCount {
  count: number;
  firstLine: number;
}

export class PairCollector {
  private readonly pairs: TextPair[] = [];
  private readonly empty: SkipCount = { count: 0, firstLine: 0 };
  private readonly bad: SkipCount = { count: 0, firstLine: 0 };

  /** `label` names the input in warnings (a file, or "a.en + a.fr"). */
  constructor(
    private readonly label: string,
    private readonly opts: ReadOptions,
  ) {}

  /** Adds a pair read at `line`; returns false once the pair limit is reached (stop reading). */
  add(rawSrc: string, rawTgt: string, line: number): boolean {
    const a = normalizeText(rawSrc, this.opts);
    const b = normalizeText(rawTgt, this.opts);
    if (a === "" || b === "") {
      count(this.empty, line);
    } else {
      this.pairs.push(this.opts.swap ? { src: b, tgt: a, line } : { src: a, tgt: b, line });
    }
    return this.opts.limit === undefined || this.pairs.length < this.opts.limit;
  }

  /** Records a malformed line that was skipped. */
  skipBadLine(line: number): void {
    count(this.bad, line);
  }

  result(): ReadResult {
    const warnings: string[] = [];
    if (this.empty.count > 0) {
      warnings.push(`${this.label}: skipped ${plural(this.empty.count, "pair")} with an empty side (first at line ${this.empty.firstLine})`);
    }
    if (this.bad.count > 0) {
      warnings.push(`${this.label}: skipped ${plural(this.bad.count, "line")} without a tab (first at line ${this.bad.firstLine})`);
    }
    return { pairs: this.pairs, warnings, skippedEmpty: this.empty.count, skippedBad: this.bad.count };
  }
}

function count(skips: SkipCount, line: number): void {
  if (skips.count === 0) skips.firstLine = line;
  skips.count++;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
