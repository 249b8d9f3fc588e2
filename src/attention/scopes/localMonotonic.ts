import type { Tensor } from "../../tensor/tensor.js";
import { repeatLengths, windowMask, type Scope, type ScopeInput } from "../scope.js";

/**
 * local-m (Luong et al. 2015 §3.2): the window [p_t − D, p_t + D] around the monotonic position
 * p_t = t, clipped to each sentence's last real position.
 */
export class LocalMonotonicScope implements Scope {
  readonly kind = "local-m";

  constructor(readonly window: number) {}

  restrict(input: ScopeInput): { energies: Tensor; mask: Uint8Array } {
    const N = input.energies.shape[0]!;
    const S = input.energies.shape[1]!;
    const lengths = repeatLengths(input.memory.lengths, input.rows);
    const centres = new Float64Array(N);
    for (let r = 0; r < N; r++) centres[r] = Math.min(input.step, lengths[r]! - 1);
    return { energies: input.energies, mask: windowMask(input.padMask, centres, S, this.window) };
  }
}
