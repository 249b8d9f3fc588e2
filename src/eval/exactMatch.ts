/** Fraction of hypotheses identical to their reference (string equality, no normalisation). */
export function exactMatch(hypotheses: readonly string[], references: readonly string[]): number {
  if (hypotheses.length !== references.length) throw new Error(`exactMatch: ${hypotheses.length} hypotheses but ${references.length} references`);
  if (hypotheses.length === 0) return 0;
  let same = 0;
  hypotheses.forEach((h, i) => (same += h === references[i] ? 1 : 0));
  return same / hypotheses.length;
}
