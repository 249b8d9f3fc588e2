import { describe, expect, it } from "vitest";
import {
  CASE_VARIANTS, DATE_FORMATS, DAY_COUNT, FIRST_YEAR, LAST_YEAR, dateAt, datesTask, renderDate, type CalendarDate,
} from "../../../src/data/tasks/dates.js";
import type { SyntheticPair } from "../../../src/data/tasks/index.js";
import { Rng } from "../../../src/tensor/rng.js";
import { alignmentProblems, sourcesOf } from "./alignmentChecks.js";

// An independent reader of the formats, written from their examples, not from the generator.
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = "(?:sun|mon|tue|wed|thu|fri|sat)[a-z]*";
const MONTH = "([a-z]+)";
const PATTERNS: [RegExp, (m: RegExpMatchArray) => [string, string, string]][] = [
  [/^(\d{4})(\d{2})(\d{2})$/, (m) => [m[1]!, m[2]!, m[3]!]],
  [/^(\d{4})([ /])(\d{2})\2(\d{2})$/, (m) => [m[1]!, m[3]!, m[4]!]],
  [/^(\d{2})\.(\d{2})\.(\d{4})$/, (m) => [m[3]!, m[2]!, m[1]!]],
  [/^(\d{2})\/(\d{2})\/(\d{2})$/, (m) => [m[3]!, m[2]!, m[1]!]],
  [new RegExp(`^(?:${WEEKDAYS},? )?(\\d{1,2})(?:st|nd|rd|th)?[ -]${MONTH}[ -](\\d{4})$`), (m) => [m[3]!, m[2]!, m[1]!]],
  [new RegExp(`^${MONTH} (\\d{1,2}), (\\d{4})$`), (m) => [m[3]!, m[1]!, m[2]!]],
  [new RegExp(`^the (\\d{1,2})(?:st|nd|rd|th) of ${MONTH}, (\\d{4})$`), (m) => [m[3]!, m[2]!, m[1]!]],
  [new RegExp(`^${WEEKDAYS} (\\d{1,2}) ${MONTH} '(\\d{2})$`), (m) => [m[3]!, m[2]!, m[1]!]],
];

function parseDate(text: string): string {
  const s = text.toLowerCase();
  for (const [re, fields] of PATTERNS) {
    const m = s.match(re);
    if (!m) continue;
    let [y, mo, d] = fields(m);
    if (y.length === 2) y = (Number(y) >= 50 ? "19" : "20") + y;
    if (!/^\d+$/.test(mo)) mo = String(MONTHS.indexOf(mo.slice(0, 3)) + 1);
    return `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`;
  }
  throw new Error(`unparseable date: ${text}`);
}

/** What is wrong with a date pair's alignment, beyond valid indices (empty when nothing is). */
function meaningProblems(pair: SyntheticPair): string[] {
  const problems: string[] = [];
  const aligned = sourcesOf(pair);
  const spelled = (targets: number[]): string => {
    const idx = [...new Set(targets.flatMap((j) => aligned.get(j) ?? []))].sort((a, b) => a - b);
    return idx.map((i) => pair.src[i]).join("").toLowerCase();
  };
  const [y, m, d] = pair.tgt.split("-").map(Number) as [number, number, number];
  // The source characters aligned to each field spell that field's value.
  const year = spelled([0, 1, 2, 3]);
  if (year !== String(y) && year !== String(y % 100).padStart(2, "0")) problems.push(`year aligned to "${year}"`);
  const month = spelled([5, 6]);
  if ((/^\d+$/.test(month) ? Number(month) : MONTHS.indexOf(month.slice(0, 3)) + 1) !== m) problems.push(`month aligned to "${month}"`);
  if (Number(spelled([8, 9])) !== d) problems.push(`day aligned to "${spelled([8, 9])}"`);
  // Digit-to-digit links join equal digits, except a padding zero or a century digit.
  for (const [i, j] of pair.alignment) {
    const s = pair.src[i]!;
    const paddingZero = (j === 5 || j === 8) && pair.tgt[j] === "0";
    if (/\d/.test(s) && s !== pair.tgt[j] && !paddingZero && j >= 2) problems.push(`${i}-${j} links ${s} to ${pair.tgt[j]}`);
  }
  if (aligned.has(4) || aligned.has(7)) problems.push("a separator is aligned");
  return problems.map((p) => `${pair.src}: ${p}`);
}

describe("dates", () => {
  it(`covers every day from ${FIRST_YEAR}-01-01 to ${LAST_YEAR}-12-31, leap days included`, () => {
    const days = Array.from({ length: DAY_COUNT }, (_, n) => dateAt(n));
    expect(days[0]).toMatchObject({ year: FIRST_YEAR, month: 1, day: 1 });
    expect(days.at(-1)).toMatchObject({ year: LAST_YEAR, month: 12, day: 31 });
    const iso = new Set(days.map((d) => `${d.year}-${d.month}-${d.day}`));
    expect(iso.size).toBe(DAY_COUNT);
    expect(iso.has("2000-2-29") && iso.has("1952-2-29") && iso.has("2048-2-29")).toBe(true);
    expect(iso.has("2049-2-29") || iso.has("1900-2-29")).toBe(false);
    expect(days.filter((d) => d.day === 31).length).toBe(100 * 7);
  });

  it("renders every day in every format so that an independent parser reads the same ISO date", () => {
    const wrong: string[] = [];
    for (let n = 0; n < DAY_COUNT; n++) {
      const date = dateAt(n);
      const iso = `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
      for (const format of DATE_FORMATS) {
        const pair = renderDate(date, format, CASE_VARIANTS[n % 3]!);
        if (pair.tgt !== iso || parseDate(pair.src) !== iso) wrong.push(`${pair.src} → ${pair.tgt}, expected ${iso}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("renders the formats of the issue", () => {
    const d: CalendarDate = { year: 2026, month: 11, day: 23, weekday: 1 };
    const all = DATE_FORMATS.map((f) => renderDate(d, f).src);
    for (const s of ["23 Nov 2026", "November 23, 2026", "23/11/26", "Monday, 23 November 2026", "2026 11 23"]) expect(all).toContain(s);
    expect(new Set(all).size).toBe(DATE_FORMATS.length);
    expect(renderDate({ year: 2001, month: 3, day: 2, weekday: 5 }, "the {d}{ord} of {Month}, {yyyy}", "upper").src).toBe("THE 2ND OF MARCH, 2001");
  });

  it("aligns each ISO field to the source characters that express it, in every format and case", () => {
    const problems: string[] = [];
    for (let n = 0; n < DAY_COUNT; n += 97) {
      for (const format of DATE_FORMATS) {
        for (const c of CASE_VARIANTS) {
          const pair = renderDate(dateAt(n), format, c);
          problems.push(...alignmentProblems(pair, "char"), ...meaningProblems(pair));
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("has a checker that notices wrong alignments", () => {
    const pair = renderDate({ year: 2026, month: 11, day: 23, weekday: 1 }, "{d} {Mon} {yyyy}");
    expect(meaningProblems(pair)).toEqual([]);
    const swapped = { ...pair, alignment: pair.alignment.map(([i, j]): [number, number] => [i, j === 8 ? 9 : j === 9 ? 8 : j]) };
    expect(meaningProblems(swapped)).not.toEqual([]);
  });

  it("gives exact alignments for a known example", () => {
    const pair = renderDate({ year: 1987, month: 3, day: 5, weekday: 4 }, "{d} {Mon} '{yy}");
    expect(pair.src).toBe("5 Mar '87");
    // day "5" → "05"; "Mar" → month digits; "87" → all four year digits, the last two one to one.
    expect(pair.alignment).toEqual([
      [0, 8], [0, 9],
      [2, 5], [2, 6], [3, 5], [3, 6], [4, 5], [4, 6],
      [7, 0], [7, 1], [7, 2], [8, 0], [8, 1], [8, 3],
    ]);
  });

  it("samples distinct sources, all formats, valid alignments, deterministically", () => {
    const a = datesTask.generate(3000, {}, new Rng(11));
    expect(datesTask.generate(3000, {}, new Rng(11))).toEqual(a);
    expect(new Set(a.map((p) => p.src)).size).toBe(3000);
    expect(a.flatMap((p) => alignmentProblems(p, "char"))).toEqual([]);
    expect(a.filter((p) => parseDate(p.src) !== p.tgt)).toEqual([]);
    const shapes = new Set(a.map((p) => p.src.toLowerCase().replace(/\d/g, "9").replace(/[a-z]+/g, "w")));
    expect(shapes.size).toBeGreaterThanOrEqual(DATE_FORMATS.length);
    expect(a.some((p) => p.src !== p.src.toLowerCase() && p.src === p.src.toUpperCase())).toBe(true);
  });
});
