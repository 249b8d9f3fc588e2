import { Tensor } from "../../tensor/tensor.js";
import { gatherRowBlocks, incrementalWork, type IncrementalAttentionState } from "./incremental.js";

/**
 * Causal sliding-window attention step by step (Beltagy et al. 2020 §3.1, the decoder form): a
 * position reads only the g global tokens and the last w positions and itself, so the state keeps
 * just those — the first g keys/values, and a ring of w + 1 slots (position p in slot p mod (w+1)) —
 * and a step costs O(w + g) in time and memory whatever the position. Softmax in float64 over the
 * allowed keys in position order, one row at a time (batch-independent).
 */
export class WindowIncrementalState implements IncrementalAttentionState {
  length = 0;
  /** Per row: [heads, g, d] global keys / values, [heads, w+1, d] ring keys / values, padding flags [g] and [w+1]. */
  private buffers: Float64Array[];
  private readonly ring: number;

  constructor(readonly rows: number, readonly heads: number, readonly headDim: number, readonly window: number, readonly globalTokens: number) {
    this.ring = window + 1;
    this.buffers = this.rowSizes().map((size) => new Float64Array(rows * size));
  }

  private rowSizes(): number[] {
    const { heads: H, headDim: d, globalTokens: g, ring: R } = this;
    return [H * g * d, H * g * d, H * R * d, H * R * d, g, R];
  }

  step(qkv: Tensor, embedDim: number, keyPaddingMask: Uint8Array | null): Tensor {
    const [N, T, width] = qkv.shape as [number, number, number];
    if (N !== this.rows) throw new Error(`WindowIncrementalState.step: ${N} rows for a state of ${this.rows}`);
    const { heads: H, headDim: d, globalTokens: g, ring: R, window: w } = this;
    const [gk, gv, rk, rv, gpad, rpad] = this.buffers as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const S = this.length + T;
    const out = Tensor.zeros([N * H, T, d]);
    const scale = 1 / Math.sqrt(d);
    const probs = new Float64Array(g + R);
    const src = qkv.data;
    for (let t = 0; t < T; t++) {
      const p = this.length + t;
      const global = p < g;
      const slot = global ? p : p % R;
      for (let n = 0; n < N; n++) {
        const row = (n * T + t) * width;
        const padded = keyPaddingMask !== null && keyPaddingMask[n * S + p] === 1 ? 1 : 0;
        if (global) gpad[n * g + slot] = padded;
        else rpad[n * R + slot] = padded;
        for (let h = 0; h < H; h++) {
          const keys = global ? gk : rk;
          const values = global ? gv : rv;
          const at = ((n * H + h) * (global ? g : R) + slot) * d;
          for (let e = 0; e < d; e++) {
            keys[at + e] = src[row + embedDim + h * d + e]!;
            values[at + e] = src[row + 2 * embedDim + h * d + e]!;
          }
          // Keys j < min(g, p + 1) (global), then max(g, p − w) ≤ j ≤ p (window), in position order.
          const lastGlobal = Math.min(g, p + 1);
          const firstWindow = Math.max(g, p - w);
          let count = 0;
          let mx = -Infinity;
          const score = (keyBuf: Float64Array, at: number): number => {
            let s = 0;
            for (let e = 0; e < d; e++) s += src[row + h * d + e]! * keyBuf[at + e]!;
            return s * scale;
          };
          for (let j = 0; j < lastGlobal; j++, count++) {
            probs[count] = gpad[n * g + j] === 1 ? -Infinity : score(gk, ((n * H + h) * g + j) * d);
            mx = Math.max(mx, probs[count]!);
          }
          for (let j = firstWindow; j <= p; j++, count++) {
            probs[count] = rpad[n * R + (j % R)] === 1 ? -Infinity : score(rk, ((n * H + h) * R + (j % R)) * d);
            mx = Math.max(mx, probs[count]!);
          }
          incrementalWork.keyReads += count;
          if (mx === -Infinity) continue;
          let total = 0;
          for (let i = 0; i < count; i++) total += probs[i] = Math.exp(probs[i]! - mx);
          const o = ((n * H + h) * T + t) * d;
          let i = 0;
          for (let j = 0; j < lastGlobal; j++, i++) addScaled(out.data, o, gv, ((n * H + h) * g + j) * d, probs[i]! / total, d);
          for (let j = firstWindow; j <= p; j++, i++) addScaled(out.data, o, rv, ((n * H + h) * R + (j % R)) * d, probs[i]! / total, d);
        }
      }
    }
    this.length = S;
    return out;
  }

  select(rows: Int32Array): WindowIncrementalState {
    const out = new WindowIncrementalState(0, this.heads, this.headDim, this.window, this.globalTokens);
    (out as { rows: number }).rows = rows.length;
    out.length = this.length;
    out.buffers = this.gather(rows);
    return out;
  }

  reorder(rows: Int32Array): void {
    if (rows.length !== this.rows) throw new Error(`WindowIncrementalState.reorder: ${rows.length} rows for a state of ${this.rows}; use select()`);
    this.buffers = this.gather(rows);
  }

  private gather(rows: Int32Array): Float64Array[] {
    const sizes = this.rowSizes();
    return this.buffers.map((b, i) => gatherRowBlocks(b, sizes[i]!, rows, this.rows));
  }
}

/** out[o … o+d) += f · src[from … from+d). */
function addScaled(out: { [i: number]: number }, o: number, src: Float64Array, from: number, f: number, d: number): void {
  for (let e = 0; e < d; e++) out[o + e]! += f * src[from + e]!;
}
