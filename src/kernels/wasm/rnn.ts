import { gruCellBackward, gruCellForward, lstmCellBackward, lstmCellForward } from "../js/rnnCells.js";
import type { Kernels } from "../types.js";
import { f32, f32OrNull, released } from "./bind.js";
import type { WasmRuntime } from "./runtime.js";

/**
 * Fused GRU and LSTM cells on the WebAssembly module (c/rnn.c). Optional gradient outputs pass
 * address 0 (the module's reserved low memory, never tensor storage) for "none". Float64 storage
 * (gradient checks) stays on the JS reference.
 */
export function bindRnn(rt: WasmRuntime): Partial<Kernels> {
  const f = rt.fn;
  const acc = (a: Float32Array | null, n: number) => (a ? rt.out(a, 0, n) : 0);
  return released(rt, {
    gruCellForward(gi, gh, h, hOut, cache, batch, hidden) {
      if (!f32(gi) || !f32(gh) || !f32(h) || !f32(hOut) || !f32(cache)) return gruCellForward(gi, gh, h, hOut, cache, batch, hidden);
      const n = batch * hidden;
      if (n === 0) return;
      f.gru_cell_forward!(
        rt.in(gi, 0, 3 * n), rt.in(gh, 0, 3 * n), rt.in(h, 0, n),
        rt.out(hOut, 0, n, false), rt.out(cache, 0, 3 * n, false), batch, hidden,
      );
    },
    gruCellBackward(dhOut, cache, gh, h, dgi, dgh, dh, batch, hidden) {
      if (!f32(dhOut) || !f32(cache) || !f32(gh) || !f32(h) || !f32OrNull(dgi) || !f32OrNull(dgh) || !f32OrNull(dh)) {
        return gruCellBackward(dhOut, cache, gh, h, dgi, dgh, dh, batch, hidden);
      }
      const n = batch * hidden;
      if (n === 0) return;
      f.gru_cell_backward!(
        rt.in(dhOut, 0, n), rt.in(cache, 0, 3 * n), rt.in(gh, 0, 3 * n),
        rt.in(h, 0, n), acc(dgi, 3 * n), acc(dgh, 3 * n), acc(dh, n), batch, hidden,
      );
    },
    lstmCellForward(gates, c, hc, cache, batch, hidden) {
      if (!f32(gates) || !f32(c) || !f32(hc) || !f32(cache)) return lstmCellForward(gates, c, hc, cache, batch, hidden);
      const n = batch * hidden;
      if (n === 0) return;
      f.lstm_cell_forward!(
        rt.in(gates, 0, 4 * n), rt.in(c, 0, n),
        rt.out(hc, 0, 2 * n, false), rt.out(cache, 0, 5 * n, false), batch, hidden,
      );
    },
    lstmCellBackward(dhc, cache, c, dgates, dc, batch, hidden) {
      if (!f32(dhc) || !f32(cache) || !f32(c) || !f32OrNull(dgates) || !f32OrNull(dc)) {
        return lstmCellBackward(dhc, cache, c, dgates, dc, batch, hidden);
      }
      const n = batch * hidden;
      if (n === 0) return;
      f.lstm_cell_backward!(
        rt.in(dhc, 0, 2 * n), rt.in(cache, 0, 5 * n), rt.in(c, 0, n),
        acc(dgates, 4 * n), acc(dc, n), batch, hidden,
      );
    },
  });
}
