/**
 * The classic attention demonstration: dates written in many human formats → ISO 8601,
 * character by character ("Monday, 23 November 2026" → "2026-11-23").
 *
 * Alignment (indices into the char tokens of source and target): each target digit aligns to
 * the source characters that express it — year digits to year digits; for a two-digit year the
 * last two target digits to their digits and the century digits to both (the century follows
 * from the two digits: 50–99 → 19xx, 00–49 → 20xx); month digits to the month's digits, or to
 * every letter of a month name; a zero added before a one-digit day or month aligns to that
 * digit. The "-" separators, weekday names, ordinal suffixes and literal words align to nothing.
 */
import type { Rng } from "../../tensor/rng.js";
import { pick, sampleDistinct, type Alignment, type SyntheticPair, type SyntheticTask } from "./task.js";

/** The covered range, 100 years so that two-digit years are unambiguous. */
export const FIRST_YEAR = 1950;
export const LAST_YEAR = 2049;

const DAY_MS = 86_400_000;
const FIRST_DAY_MS = Date.UTC(FIRST_YEAR, 0, 1);
/** Number of days from 1950-01-01 to 2049-12-31 inclusive. */
export const DAY_COUNT = (Date.UTC(LAST_YEAR, 11, 31) - FIRST_DAY_MS) / DAY_MS + 1;

export const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export interface CalendarDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

/** The date `n` days after 1950-01-01 (n in [0, DAY_COUNT)). */
export function dateAt(n: number): CalendarDate {
  const d = new Date(FIRST_DAY_MS + n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/**
 * Source formats, as templates: {d}/{dd} day without/with leading zero, {m}/{mm} month,
 * {Mon}/{Month} month name short/long, {yy}/{yyyy} year, {Wkd}/{Weekday} weekday name,
 * {ord} ordinal suffix of the day; anything else is literal. Each format can be told apart
 * from the others by its shape, so every source has exactly one reading.
 */
export const DATE_FORMATS = [
  "{d} {Mon} {yyyy}",
  "{Month} {d}, {yyyy}",
  "{dd}/{mm}/{yy}",
  "{Weekday}, {d} {Month} {yyyy}",
  "{yyyy} {mm} {dd}",
  "{dd}.{mm}.{yyyy}",
  "{Mon} {d}, {yyyy}",
  "{d}{ord} {Month} {yyyy}",
  "the {d}{ord} of {Month}, {yyyy}",
  "{Wkd} {d} {Mon} '{yy}",
  "{yyyy}/{mm}/{dd}",
  "{yyyy}{mm}{dd}",
  "{d}-{Mon}-{yyyy}",
] as const;

/** Letter case of the rendered source; digits are unaffected. */
export type CaseVariant = "as-is" | "lower" | "upper";
export const CASE_VARIANTS: readonly CaseVariant[] = ["as-is", "lower", "upper"];

type Role = "year" | "yy" | "month" | "monthName" | "day" | "none";
interface Piece {
  text: string;
  role: Role;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

function ordinalSuffix(day: number): string {
  if (day >= 11 && day <= 13) return "th";
  return ["th", "st", "nd", "rd"][day % 10] ?? "th";
}

function field(name: string, d: CalendarDate): Piece {
  switch (name) {
    case "d": return { text: String(d.day), role: "day" };
    case "dd": return { text: pad2(d.day), role: "day" };
    case "m": return { text: String(d.month), role: "month" };
    case "mm": return { text: pad2(d.month), role: "month" };
    case "Mon": return { text: MONTH_NAMES[d.month - 1]!.slice(0, 3), role: "monthName" };
    case "Month": return { text: MONTH_NAMES[d.month - 1]!, role: "monthName" };
    case "yy": return { text: pad2(d.year % 100), role: "yy" };
    case "yyyy": return { text: String(d.year), role: "year" };
    case "Wkd": return { text: WEEKDAY_NAMES[d.weekday]!.slice(0, 3), role: "none" };
    case "Weekday": return { text: WEEKDAY_NAMES[d.weekday]!, role: "none" };
    case "ord": return { text: ordinalSuffix(d.day), role: "none" };
    default: throw new Error(`date format field {${name}} is unknown`);
  }
}

function renderPieces(template: string, d: CalendarDate): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    if (m.index > last) pieces.push({ text: template.slice(last, m.index), role: "none" });
    pieces.push(field(m[1]!, d));
    last = m.index + m[0].length;
  }
  if (last < template.length) pieces.push({ text: template.slice(last), role: "none" });
  return pieces;
}

export function isoDate(d: CalendarDate): string {
  return `${d.year}-${pad2(d.month)}-${pad2(d.day)}`;
}

// Target character positions in "yyyy-mm-dd".
const YEAR_AT = 0;
const MONTH_AT = 5;
const DAY_AT = 8;

/** Alignment pairs of one source piece starting at source index `at`. */
function alignPiece(piece: Piece, at: number): Alignment {
  const pairs: Alignment = [];
  const n = piece.text.length;
  const digits = (target: number, width: number): void => {
    // Same number of digits: digit to digit; a one-digit field: both target digits to it.
    for (let k = 0; k < width; k++) pairs.push([at + (n === width ? k : 0), target + k]);
  };
  switch (piece.role) {
    case "year":
      digits(YEAR_AT, 4);
      break;
    case "yy":
      for (let k = 0; k < 2; k++) pairs.push([at, YEAR_AT + k], [at + 1, YEAR_AT + k]);
      digits(YEAR_AT + 2, 2);
      break;
    case "month":
      digits(MONTH_AT, 2);
      break;
    case "day":
      digits(DAY_AT, 2);
      break;
    case "monthName":
      for (let c = 0; c < n; c++) pairs.push([at + c, MONTH_AT], [at + c, MONTH_AT + 1]);
      break;
    case "none":
      break;
  }
  return pairs;
}

/** One date in one format and letter case, with its ISO target and gold alignment. */
export function renderDate(d: CalendarDate, template: string, letterCase: CaseVariant = "as-is"): SyntheticPair {
  let src = "";
  const alignment: Alignment = [];
  for (const piece of renderPieces(template, d)) {
    const text = letterCase === "lower" ? piece.text.toLowerCase() : letterCase === "upper" ? piece.text.toUpperCase() : piece.text;
    alignment.push(...alignPiece({ text, role: piece.role }, src.length));
    src += text;
  }
  alignment.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { src, tgt: isoDate(d), alignment };
}

const HAS_LETTERS = /[A-Za-z]/;

function sampleDate(rng: Rng): SyntheticPair {
  const date = dateAt(rng.int(DAY_COUNT));
  const template = pick(rng, DATE_FORMATS);
  // Half as-is, a quarter each lower and upper case; numeric formats have no letters to change.
  const r = rng.int(4);
  const letterCase: CaseVariant = !HAS_LETTERS.test(template) || r < 2 ? "as-is" : r === 2 ? "lower" : "upper";
  return renderDate(date, template, letterCase);
}

export const datesTask: SyntheticTask = {
  name: "dates",
  description: `dates ${FIRST_YEAR}–${LAST_YEAR} in ${DATE_FORMATS.length} human formats → ISO yyyy-mm-dd, character level`,
  tokenizer: "char",
  options: [],
  generate: (n, _options, rng) => sampleDistinct(n, () => sampleDate(rng), "dates"),
};
