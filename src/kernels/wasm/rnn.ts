import type { FloatArray } from "../../tensor/dtype.js";
import { gruCellBackward, gruCellForward, lstmCellBackward, lstmCellForward } from "../js/rnnCells.js";
import type { Kernels } from "../types.js";
import type { WasmRuntime } from "./runtime.js";

const f32 = (...arrays: (FloatArray | null)[]) => arrays.every((a) => a === null || a instanceof Float32Array);

/**
 * Fused GRU and LSTM cells on the WebAssembly module (c/rnn.c). Optional gradient outputs pass
 * address 0 (the module's reserved low memory, never tensor storage) for "none". Float64 storage
 * (gradient checks) stays on the JS reference.
 */
export function bindRnn(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;
  const acc = (a: FloatArray | null, n: number) => (a ? rt.out(a as Float32Array, 0, n) : 0);
  return {
    gruCellForward(gi, gh, h, hOut, cache, batch, hidden) {
      if (!f32(gi, gh, h, hOut, cache)) return gruCellForward(gi, gh, h, hOut, cache, batch, hidden);
      const n = batch * hidden;
      if (n === 0) return;
      try {
        f.gru_cell_forward!(
          rt.in(gi as Float32Array, 0, 3 * n), rt.in(gh as Float32Array, 0, 3 * n), rt.in(h as Float32Array, 0, n),
          rt.out(hOut as Float32Array, 0, n, false), rt.out(cache as Float32Array, 0, 3 * n, false), batch, hidden,
        );
      } finally {
        rt.release();
      }
    },
    gruCellBackward(dhOut, cache, gh, h, dgi, dgh, dh, batch, hidden) {
      if (!f32(dhOut, cache, gh, h, dgi, dgh, dh)) return gruCellBackward(dhOut, cache, gh, h, dgi, dgh, dh, batch, hidden);
      const n = batch * hidden;
      if (n === 0) return;
      try {
        f.gru_cell_backward!(
          rt.in(dhOut as Float32Array, 0, n), rt.in(cache as Float32Array, 0, 3 * n), rt.in(gh as Float32Array, 0, 3 * n),
          rt.in(h as Float32Array, 0, n), acc(dgi, 3 * n), acc(dgh, 3 * n), acc(dh, n), batch, hidden,
        );
      } finally {
        rt.release();
      }
    },
    lstmCellForward(gates, c, hc, cache, batch, hidden) {
      if (!f32(gates, c, hc, cache)) return lstmCellForward(gates, c, hc, cache, batch, hidden);
      const n = batch * hidden;
      if (n === 0) return;
      try {
        f.lstm_cell_forward!(
          rt.in(gates as Float32Array, 0, 4 * n), rt.in(c as Float32Array, 0, n),
          rt.out(hc as Float32Array, 0, 2 * n, false), rt.out(cache as Float32Array, 0, 5 * n, false), batch, hidden,
        );
      } finally {
        rt.release();
      }
    },
    lstmCellBackward(dhc, cache, c, dgates, dc, batch, hidden) {
      if (!f32(dhc, cache, c, dgates, dc)) return lstmCellBackward(dhc, cache, c, dgates, dc, batch, hidden);
      const n = batch * hidden;
      if (n === 0) return;
      try {
        f.lstm_cell_backward!(
          rt.in(dhc as Float32Array, 0, 2 * n), rt.in(cache as Float32Array, 0, 5 * n), rt.in(c as Float32Array, 0, n),
          acc(dgates, 4 * n), acc(dc, n), batch, hidden,
        );
      } finally {
        rt.release();
      }
    },
  };
}
