import type { FloatArray } from "../../tensor/dtype.js";

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function gruCellForward(gi: FloatArray, gh: FloatArray, h: FloatArray, hOut: FloatArray, cache: FloatArray, batch: number, hidden: number): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g = b * 3 * H;
    const o = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gi[g + j]! + gh[g + j]!);
      const z = sigmoid(gi[g + H + j]! + gh[g + H + j]!);
      const n = Math.tanh(gi[g + 2 * H + j]! + r * gh[g + 2 * H + j]!);
      cache[g + j] = r;
      cache[g + H + j] = z;
      cache[g + 2 * H + j] = n;
      hOut[o + j] = (1 - z) * n + z * h[o + j]!;
    }
  }
}

export function gruCellBackward(
  dhOut: FloatArray, cache: FloatArray, gh: FloatArray, h: FloatArray,
  dgi: FloatArray | null, dgh: FloatArray | null, dh: FloatArray | null,
  batch: number, hidden: number,
): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g = b * 3 * H;
    const o = b * H;
    for (let j = 0; j < H; j++) {
      const r = cache[g + j]!;
      const z = cache[g + H + j]!;
      const n = cache[g + 2 * H + j]!;
      const d = dhOut[o + j]!;
      const dnPre = d * (1 - z) * (1 - n * n);
      const dzPre = d * (h[o + j]! - n) * z * (1 - z);
      const drPre = dnPre * gh[g + 2 * H + j]! * r * (1 - r);
      if (dgi) {
        dgi[g + j]! += drPre;
        dgi[g + H + j]! += dzPre;
        dgi[g + 2 * H + j]! += dnPre;
      }
      if (dgh) {
        dgh[g + j]! += drPre;
        dgh[g + H + j]! += dzPre;
        dgh[g + 2 * H + j]! += dnPre * r;
      }
      if (dh) dh[o + j]! += d * z;
    }
  }
}

export function lstmCellForward(gates: FloatArray, c: FloatArray, hc: FloatArray, cache: FloatArray, batch: number, hidden: number): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g = b * 4 * H;
    const k = b * 5 * H;
    const o = b * H;
    const out = b * 2 * H;
    for (let j = 0; j < H; j++) {
      const ig = sigmoid(gates[g + j]!);
      const fg = sigmoid(gates[g + H + j]!);
      const gg = Math.tanh(gates[g + 2 * H + j]!);
      const og = sigmoid(gates[g + 3 * H + j]!);
      const cNew = fg * c[o + j]! + ig * gg;
      const tc = Math.tanh(cNew);
      cache[k + j] = ig;
      cache[k + H + j] = fg;
      cache[k + 2 * H + j] = gg;
      cache[k + 3 * H + j] = og;
      cache[k + 4 * H + j] = tc;
      hc[out + j] = og * tc;
      hc[out + H + j] = cNew;
    }
  }
}

export function lstmCellBackward(
  dhc: FloatArray, cache: FloatArray, c: FloatArray,
  dgates: FloatArray | null, dc: FloatArray | null,
  batch: number, hidden: number,
): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g = b * 4 * H;
    const k = b * 5 * H;
    const o = b * H;
    const out = b * 2 * H;
    for (let j = 0; j < H; j++) {
      const ig = cache[k + j]!;
      const fg = cache[k + H + j]!;
      const gg = cache[k + 2 * H + j]!;
      const og = cache[k + 3 * H + j]!;
      const tc = cache[k + 4 * H + j]!;
      const dh = dhc[out + j]!;
      const dcTot = dhc[out + H + j]! + dh * og * (1 - tc * tc);
      if (dgates) {
        dgates[g + j]! += dcTot * gg * ig * (1 - ig);
        dgates[g + H + j]! += dcTot * c[o + j]! * fg * (1 - fg);
        dgates[g + 2 * H + j]! += dcTot * ig * (1 - gg * gg);
        dgates[g + 3 * H + j]! += dh * tc * og * (1 - og);
      }
      if (dc) dc[o + j]! += dcTot * fg;
    }
  }
}
