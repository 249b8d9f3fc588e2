/**
 * p_gen of each decoder step of a copy-attention translation (`attn translate --show-pgen`), as
 * an indented two-column table: p_gen (1 = the token came from the vocabulary distribution, 0 =
 * it was copied from the source; See et al. 2017 eq. 8), then the token the step emitted, marked
 * when it is a source word outside the target vocabulary (only copying can produce those).
 */
export function renderPGenTable(tokens: readonly string[], pGen: readonly number[], copiedOov: readonly boolean[]): string {
  const lines = ["  p_gen  token"];
  pGen.forEach((p, t) => lines.push(`  ${p.toFixed(3)}  ${tokens[t] ?? ""}${copiedOov[t] ? "  (source word outside the vocabulary)" : ""}`));
  return lines.join("\n");
}
