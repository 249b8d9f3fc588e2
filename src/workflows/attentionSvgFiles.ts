import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { displayPath, makeDirs, withFsErrors } from "../fsErrors.js";
import type { AttentionMatrix } from "../viz/attentionCsv.js";
import { attentionSvg } from "../viz/attentionSvg.js";

/** What the rows and columns of each kind of map are, written along the picture's axes. */
const AXES: Record<AttentionMatrix["kind"], { rows: string; cols: string }> = {
  cross: { rows: "target (token emitted at each step)", cols: "source" },
  "encoder-self": { rows: "source (query)", cols: "source (key)" },
  "decoder-self": { rows: "decoder input (query)", cols: "decoder input (key)" },
};

/**
 * The file of one matrix: `sentence-<N>-<kind>-layer<L>-head<H>.svg`, N zero-padded to the
 * width of the largest sentence index so that the files list in sentence order.
 */
export function svgFileName(m: AttentionMatrix, sentenceDigits: number): string {
  return `sentence-${String(m.sentence).padStart(sentenceDigits, "0")}-${m.kind}-layer${m.layer}-head${m.head}.svg`;
}

/** Writes one SVG heatmap per matrix into `dir` (created if missing); returns the file names. */
export function writeAttentionSvgs(dir: string, matrices: readonly AttentionMatrix[]): string[] {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (info && !info.isDirectory()) throw new UserError(`--output ${displayPath(dir)}: is a file; with --format svg, expected a folder (one SVG file per sentence, kind, layer and head)`);
  if (!info) withFsErrors("create the folder for the SVG files", dir, () => makeDirs(dir));
  const digits = String(matrices.reduce((max, m) => Math.max(max, m.sentence), 0)).length;
  return matrices.map((m) => {
    const name = svgFileName(m, digits);
    const axes = AXES[m.kind];
    const svg = attentionSvg({
      weights: m.weights,
      rowLabels: m.targetTokens,
      colLabels: m.sourceTokens,
      title: `sentence ${m.sentence} · ${m.kind} · layer ${m.layer} · head ${m.head}`,
      rowAxis: axes.rows,
      colAxis: axes.cols,
    });
    withFsErrors("write the SVG file", join(dir, name), () => writeFileSync(join(dir, name), svg));
    return name;
  });
}
