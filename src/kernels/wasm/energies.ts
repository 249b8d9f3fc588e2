import { additiveEnergiesBackward as jsBackward, additiveEnergiesForward as jsForward } from "../js/energies.js";
import type { Kernels } from "../types.js";
import type { WasmRuntime } from "./runtime.js";

/** Additive-attention energies forward and backward on the C kernels of c/energies.c; Float64 storage goes to the JS reference. */
export function bindEnergies(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;

  const additiveEnergiesForward: Kernels["additiveEnergiesForward"] = (keys, query, v, e, tanhCache, batch, srcLen, dim) => {
    if (!(keys instanceof Float32Array && query instanceof Float32Array && v instanceof Float32Array &&
      e instanceof Float32Array && tanhCache instanceof Float32Array)) {
      jsForward(keys, query, v, e, tanhCache, batch, srcLen, dim);
      return;
    }
    const rows = batch * srcLen;
    if (rows <= 0) return;
    const n = rows * dim;
    try {
      f.additive_energies_forward!(
        rt.in(keys, 0, n), rt.in(query, 0, batch * dim), rt.in(v, 0, dim), rt.out(e, 0, rows, false),
        rt.out(tanhCache, 0, n, false), batch, srcLen, dim,
      );
    } finally {
      rt.release();
    }
  };

  const additiveEnergiesBackward: Kernels["additiveEnergiesBackward"] = (de, tanhCache, v, dkeys, dquery, dv, batch, srcLen, dim) => {
    if (!(de instanceof Float32Array && tanhCache instanceof Float32Array && v instanceof Float32Array) ||
      !(dkeys === null || dkeys instanceof Float32Array) || !(dquery === null || dquery instanceof Float32Array) ||
      !(dv === null || dv instanceof Float32Array)) {
      jsBackward(de, tanhCache, v, dkeys, dquery, dv, batch, srcLen, dim);
      return;
    }
    const rows = batch * srcLen;
    if (rows <= 0 || dim <= 0) return;
    const n = rows * dim;
    try {
      f.additive_energies_backward!(
        rt.in(de, 0, rows), rt.in(tanhCache, 0, n), rt.in(v, 0, dim),
        dkeys ? rt.out(dkeys, 0, n) : 0, dquery ? rt.out(dquery, 0, batch * dim) : 0, dv ? rt.out(dv, 0, dim) : 0,
        batch, srcLen, dim,
      );
    } finally {
      rt.release();
    }
  };

  return { additiveEnergiesForward, additiveEnergiesBackward };
}
