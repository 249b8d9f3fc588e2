import { escapeXml } from "../xml.js";

/** One line of a chart: points (x, y); non-finite y values are gaps, never drawn as 0. */
export interface ChartSeries {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface LineChartInput {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  /** Logarithmic y axis when the finite values are all > 0 and span two decades or more; linear otherwise. */
  logY?: boolean;
}

const W = 460;
const H = 260;
const M = { left: 64, right: 16, top: 30, bottom: 44 };
/** Colour-blind-safe (Okabe & Ito 2008). */
const COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"];
const FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

/**
 * A line chart as inline SVG (no scripts, fonts or links): axes with "nice" ticks and their
 * labels, the axis names, a title, one polyline per series with a legend. Non-finite values
 * (NaN, ±Infinity: the "NaN"/"Infinity" strings of the run files) break a line instead of being
 * drawn; how many there were is written under the chart. A chart without a finite point says so.
 */
export function lineChartSvg(input: LineChartInput): string {
  const finite = input.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const skipped = input.series.reduce((n, s) => n + s.points.filter(([, y]) => !Number.isFinite(y)).length, 0);
  const out: string[] = [];
  out.push(`<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}" font-size="11" role="img" aria-label="${escapeXml(input.title)}">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${M.left}" y="18" font-size="13" font-weight="bold">${escapeXml(input.title)}</text>`);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  if (finite.length === 0) {
    out.push(`<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#cccccc"/>`);
    const why = skipped > 0 ? `only non-finite values (${skipped} NaN/Infinity)` : "no values recorded";
    out.push(`<text class="empty" x="${M.left + plotW / 2}" y="${M.top + plotH / 2}" text-anchor="middle" fill="#777777">${escapeXml(why)}</text>`);
    out.push("</svg>");
    return out.join("");
  }
  // A log axis only over two decades or more (so it has at least two power-of-ten ticks).
  const positive = finite.every(([, y]) => y > 0);
  const logY = input.logY === true && positive && Math.max(...finite.map(([, y]) => y)) / Math.min(...finite.map(([, y]) => y)) >= 100;
  const fy = (y: number) => (logY ? Math.log10(y) : y);
  const xs = finite.map(([x]) => x);
  const ys = finite.map(([, y]) => fy(y));
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - (Math.abs(y0) || 1) * 0.1, y1 + (Math.abs(y1) || 1) * 0.1];
  const xTicks = niceTicks(x0, x1, 6);
  const yTicks = logY ? logTicks(y0, y1) : niceTicks(y0, y1, 5, true);
  if (!logY) [y0, y1] = [Math.min(y0, yTicks[0]!), Math.max(y1, yTicks[yTicks.length - 1]!)];
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => M.top + plotH - ((fy(y) - y0) / (y1 - y0)) * plotH;
  const syRaw = (v: number) => M.top + plotH - ((v - y0) / (y1 - y0)) * plotH;

  out.push('<g class="grid" stroke="#eeeeee">');
  for (const t of yTicks) out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${r(syRaw(t))}" y2="${r(syRaw(t))}"/>`);
  out.push("</g>");
  out.push('<g class="axis" stroke="#444444">');
  out.push(`<line x1="${M.left}" y1="${M.top + plotH}" x2="${M.left + plotW}" y2="${M.top + plotH}"/>`);
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + plotH}"/>`);
  for (const t of xTicks) out.push(`<line x1="${r(sx(t))}" x2="${r(sx(t))}" y1="${M.top + plotH}" y2="${M.top + plotH + 4}"/>`);
  for (const t of yTicks) out.push(`<line x1="${M.left - 4}" x2="${M.left}" y1="${r(syRaw(t))}" y2="${r(syRaw(t))}"/>`);
  out.push("</g>");
  out.push('<g class="ticks" fill="#333333">');
  for (const t of xTicks) out.push(`<text x="${r(sx(t))}" y="${M.top + plotH + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  for (const t of yTicks) out.push(`<text x="${M.left - 7}" y="${r(syRaw(t))}" dy="0.35em" text-anchor="end">${formatTick(logY ? 10 ** t : t)}</text>`);
  out.push("</g>");
  out.push(`<text class="x-label" x="${M.left + plotW / 2}" y="${H - 8}" text-anchor="middle" fill="#555555">${escapeXml(input.xLabel)}</text>`);
  out.push(`<text class="y-label" transform="translate(14,${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#555555">${escapeXml(input.yLabel + (logY ? " (log scale)" : ""))}</text>`);

  input.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    // Runs of consecutive finite points become one polyline each; a lone point becomes a dot.
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) out.push(`<polyline class="line" fill="none" stroke="${color}" stroke-width="1.8" points="${run.join(" ")}"/>`);
      else if (run.length === 1) {
        const [cx, cy] = run[0]!.split(",");
        out.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${color}"/>`);
      }
      run = [];
    };
    for (const [x, y] of s.points) {
      if (Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0)) run.push(`${r(sx(x))},${r(sy(y))}`);
      else flush();
    }
    flush();
  });
  if (input.series.length > 1) {
    // The legend sits in the title row, right-aligned, so it never covers a line.
    let x = W - M.right;
    [...input.series].reverse().forEach((s, k) => {
      const i = input.series.length - 1 - k;
      x -= 20 + Math.ceil(Array.from(s.name).length * 6.8) + 10;
      out.push(`<line x1="${x}" x2="${x + 16}" y1="14" y2="14" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/><text x="${x + 20}" y="14" dy="0.35em">${escapeXml(s.name)}</text>`);
    });
  }
  if (skipped > 0) out.push(`<text class="note" x="${W - M.right}" y="${H - 8}" text-anchor="end" fill="#b00020">${skipped} non-finite value${skipped === 1 ? "" : "s"} not drawn</text>`);
  out.push("</svg>");
  return out.join("");
}

/**
 * About `count` round tick values (1, 2, 5 × 10^k steps) within [lo, hi], or, with `outward`,
 * from the round value at or below lo to the one at or above hi (the y axis then starts and ends
 * on a labelled tick).
 */
export function niceTicks(lo: number, hi: number, count: number, outward = false): number[] {
  const span = hi - lo;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const ticks: number[] = [];
  const first = (outward ? Math.floor(lo / step + 1e-9) : Math.ceil(lo / step - 1e-9)) * step;
  const last = outward ? Math.ceil(hi / step - 1e-9) * step : hi;
  for (let t = first; t <= last + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Integer powers of ten within [lo, hi] (log10 units). */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.ceil(lo); k <= Math.floor(hi); k++) ticks.push(k);
  return ticks;
}

function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(0);
  return Number(v.toPrecision(6)).toString();
}

function r(v: number): string {
  return Number(v.toFixed(1)).toString();
}
