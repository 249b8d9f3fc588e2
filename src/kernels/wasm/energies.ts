import { additiveEnergiesBackward as jsBackward, additiveEnergiesForward as jsForward } from "../js/energies.js";
import type { Kernels } from "../types.js";
import { f32, f32OrNull, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/** Additive-attention energies forward and backward on the C kernels of c/energies.c; Float64 storage goes to the JS reference. */
export function bindEnergies(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;

  const additiveEnergiesForward: Kernels["additiveEnergiesForward"] = (keys, query, v, e, tanhCache, batch, srcLen, dim) => {
    if (!f32(keys) || !f32(query) || !f32(v) || !f32(e) || !f32(tanhCache)) {
      jsForward(keys, query, v, e, tanhCache, batch, srcLen, dim);
      return;
    }
    const rows = batch * srcLen;
    if (rows <= 0) return;
    const n = rows * dim;
    f.additive_energies_forward!(
      rt.in(keys, 0, n), rt.in(query, 0, batch * dim), rt.in(v, 0, dim), rt.out(e, 0, rows, false),
      rt.out(tanhCache, 0, n, false), batch, srcLen, dim,
    );
  };

  const additiveEnergiesBackward: Kernels["additiveEnergiesBackward"] = (de, tanhCache, v, dkeys, dquery, dv, batch, srcLen, dim) => {
    if (!f32(de) || !f32(tanhCache) || !f32(v) || !f32OrNull(dkeys) || !f32OrNull(dquery) || !f32OrNull(dv)) {
      jsBackward(de, tanhCache, v, dkeys, dquery, dv, batch, srcLen, dim);
      return;
    }
    const rows = batch * srcLen;
    if (rows <= 0 || dim <= 0) return;
    const n = rows * dim;
    f.additive_energies_backward!(
      rt.in(de, 0, rows), rt.in(tanhCache, 0, n), rt.in(v, 0, dim),
      dkeys ? rt.out(dkeys, 0, n) : 0, dquery ? rt.out(dquery, 0, batch * dim) : 0, dv ? rt.out(dv, 0, dim) : 0,
      batch, srcLen, dim,
    );
  };

  return released(rt, { additiveEnergiesForward, additiveEnergiesBackward });
}
