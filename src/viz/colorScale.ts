/**
 * The sequential colour scale of attention pictures: ColorBrewer's "Blues" (Brewer 2003), light
 * for small weights, dark for large ones, readable in grey-scale print and for colour-blind
 * readers. Weights are probabilities, so the scale is fixed to [0, 1] (not stretched to a matrix's
 * maximum) and pictures of different heads compare directly.
 */
export const BLUES = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"] as const;

/** Steps of the precomputed scale: finer than any screen can show between two stops. */
const STEPS = 1024;
let table: string[] | null = null;

/** The colour of weight w ∈ [0, 1] (clamped), linearly interpolated between the scale's stops. */
export function weightColor(w: number): string {
  table ??= Array.from({ length: STEPS + 1 }, (_, k) => interpolate(k / STEPS));
  return table[Math.round(Math.min(1, Math.max(0, w)) * STEPS)]!;
}

function interpolate(w: number): string {
  const x = w * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(x));
  const [a, b] = [rgb(BLUES[i]!), rgb(BLUES[i + 1]!)];
  const f = x - i;
  return "#" + a.map((v, k) => Math.round(v + f * (b[k]! - v)).toString(16).padStart(2, "0")).join("");
}

/** Weights from this one up print in white on their cell. */
export const DARK_FROM = 0.55;

function rgb(hex: string): [number, number, number] {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}
