import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { checkLinkRanges, formatPharaoh, parsePharaoh } from "../../src/eval/pharaoh.js";

describe("Pharaoh alignments", () => {
  it("reads one line per pair: empty lines have no links, CRLF and a BOM are accepted", () => {
    expect(parsePharaoh("\ufeff0-0 1-1\r\n\r\n2-0\t0-2\n", "g.align")).toEqual([
      { sure: [[0, 0], [1, 1]], possible: [] },
      { sure: [], possible: [] },
      { sure: [[2, 0], [0, 2]], possible: [] },
    ]);
  });

  it("a link both sure and possible counts as sure; repeats count once", () => {
    expect(parsePharaoh("1?2 1-2 0p0 0p0", "g")).toEqual([{ sure: [[1, 2]], possible: [[0, 0]] }]);
  });

  it("a malformed link is one UserError naming file:line and the link", () => {
    for (const bad of ["0-1 2:3", "0-1 -1-2", "a-b", "0-1-2", "1 2"]) {
      const text = `0-0\n${bad}\n`;
      expect(() => parsePharaoh(text, "gold.align")).toThrow(UserError);
      expect(() => parsePharaoh(text, "gold.align")).toThrow(/^gold\.align:2: link "[^"]+": expected i-j \(sure\) or i\?j \/ ipj \(possible\) with 0-based token indices$/);
    }
  });

  it("links beyond a sentence's tokens are one UserError naming file:line, the link and the length", () => {
    const gold = parsePharaoh("0-0 3-1 0?5", "g")[0]!;
    expect(() => checkLinkRanges(gold, 3, 6, "gold.align", 7)).toThrow(/^gold\.align:7: link 3-1 is out of range \(source index 3: the source has 3 tokens\)/);
    expect(() => checkLinkRanges(gold, 4, 5, "gold.align", 7)).toThrow(/^gold\.align:7: possible link 0-5 is out of range \(target index 5: the target has 5 tokens\)/);
    expect(() => checkLinkRanges(gold, 4, 6, "gold.align", 7)).not.toThrow();
  });

  it("writes i-j links sorted by source, then target index", () => {
    expect(formatPharaoh([[2, 0], [0, 2], [0, 1]])).toBe("0-1 0-2 2-0");
    expect(formatPharaoh([])).toBe("");
    expect(parsePharaoh(formatPharaoh([[3, 1], [0, 0]]), "g")[0]!.sure).toEqual([[0, 0], [3, 1]]);
  });
});
