/**
 * Which batch rows take a real step at each time step of a right-padded batch, built once per
 * batch (no per-element closures): row b is active at step t iff t < lengths[b]. The same
 * mask serves both directions: the reverse direction runs t = T−1 … 0 and so starts a
 * sequence of length L at step L−1, from its initial state, like pack_padded_sequence.
 */
export interface StepMasks {
  batch: number;
  steps: number;
  /** Steps ≥ maxLength touch no row and are skipped entirely. */
  maxLength: number;
  /** Per step: null when every row is active (no select needed), else 1 = active. */
  active: (Uint8Array | null)[];
}

export function stepMasks(lengths: Int32Array | null | undefined, batch: number, steps: number): StepMasks {
  if (!lengths) return { batch, steps, maxLength: steps, active: new Array<null>(steps).fill(null) };
  if (lengths.length !== batch) throw new Error(`RNN: lengths has ${lengths.length} entries for a batch of ${batch}`);
  let maxLength = 0;
  for (let b = 0; b < batch; b++) {
    const L = lengths[b]!;
    if (!(L >= 0 && L <= steps)) throw new Error(`RNN: length ${L} of sequence ${b} is outside [0, ${steps}]`);
    if (L > maxLength) maxLength = L;
  }
  const active: (Uint8Array | null)[] = [];
  for (let t = 0; t < steps; t++) {
    let all = true;
    const m = new Uint8Array(batch);
    for (let b = 0; b < batch; b++) {
      m[b] = t < lengths[b]! ? 1 : 0;
      if (!m[b]) all = false;
    }
    active.push(all ? null : m);
  }
  return { batch, steps, maxLength, active };
}
