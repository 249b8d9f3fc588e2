import type { Tensor } from "../../tensor/tensor.js";
import type { Scope, ScopeInput } from "../scope.js";

/** Global attention: every real source position (Bahdanau et al. 2014; Luong et al. 2015 §3.1). */
export class GlobalScope implements Scope {
  readonly kind = "global";

  restrict(input: ScopeInput): { energies: Tensor; mask: Uint8Array } {
    return { energies: input.energies, mask: input.padMask };
  }
}
