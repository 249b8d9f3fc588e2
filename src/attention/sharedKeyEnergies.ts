import { additiveEnergies, reshape, slice, stack } from "../ops/index.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * additiveEnergies for N = G·B query rows over B sentences' projected keys [B, S, A], row r
 * against sentence ⌊r / G⌋ (dotEnergies' convention): one additiveEnergies call per g over the
 * rows b·G + g, results interleaved back to [N, S], so the keys are never copied per hypothesis.
 */
export function sharedKeyAdditiveEnergies(keysProj: Tensor, queryProj: Tensor, v: Tensor): Tensor {
  const [B, S, A] = keysProj.shape as [number, number, number];
  const N = queryProj.shape[0]!;
  if (N === B) return additiveEnergies(keysProj, queryProj, v);
  const G = N / B;
  if (queryProj.ndim !== 2 || !Number.isInteger(G) || G < 1) throw new Error(`additive energies: ${N} query rows for ${B} sentences; expected a positive multiple`);
  const q = reshape(queryProj, [B, G, A]);
  const parts = Array.from({ length: G }, (_, g) => additiveEnergies(keysProj, reshape(slice(q, 1, g, g + 1), [B, A]), v));
  return reshape(stack(parts, 1), [N, S]);
}
