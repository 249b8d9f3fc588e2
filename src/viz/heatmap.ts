import chalk from "chalk";

/**
 * An attention matrix drawn in the terminal: one row per target token, one column per source
 * token, each cell shaded by its weight (a block character, and a background colour when the
 * terminal has colours). Source tokens are written vertically above their columns so even
 * long tokens keep the columns narrow.
 */
const SHADES = [" ", "░", "▒", "▓", "█"];

export function renderHeatmap(sourceTokens: readonly string[], targetTokens: readonly string[], weights: readonly (readonly number[])[], useColor = chalk.level > 0): string {
  const rowLabelWidth = Math.min(16, Math.max(1, ...targetTokens.map((t) => displayWidth(t))));
  const maxSrc = Math.min(12, Math.max(1, ...sourceTokens.map((t) => [...t].length)));
  const lines: string[] = [];
  // Vertical source labels, one character per line, columns 2 characters wide.
  for (let i = 0; i < maxSrc; i++) {
    let line = " ".repeat(rowLabelWidth + 1);
    for (const tok of sourceTokens) line += ([...tok][i] ?? " ").padEnd(2);
    lines.push(line.trimEnd());
  }
  targetTokens.forEach((tok, t) => {
    let line = truncate(tok, rowLabelWidth).padStart(rowLabelWidth) + " ";
    const row = weights[t] ?? [];
    for (let s = 0; s < sourceTokens.length; s++) {
      const w = Math.max(0, Math.min(1, row[s] ?? 0));
      const cell = SHADES[Math.min(SHADES.length - 1, Math.round(w * (SHADES.length - 1)))]!.repeat(2);
      if (useColor) {
        const v = Math.round(255 * (1 - w));
        line += chalk.bgRgb(v, v, 255)(w > 0.5 ? chalk.white(cell) : chalk.blue(cell));
      } else {
        line += cell;
      }
    }
    lines.push(line);
  });
  return lines.join("\n");
}

function displayWidth(s: string): number {
  return [...s].length;
}

function truncate(s: string, width: number): string {
  const chars = [...s];
  return chars.length <= width ? s : chars.slice(0, width - 1).join("") + "…";
}
