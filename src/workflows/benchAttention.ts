import { writeFileSync } from "node:fs";
import { favorAttention, impliedFavorWeights, LinformerSelfAttention, orthogonalGaussianFeatures, SELF_ATTENTION_KINDS, type SelfAttentionKind } from "../attention/efficient/index.js";
import { scaledDotProductAttention } from "../attention/scaledDotProduct.js";
import { noGrad } from "../autograd/tape.js";
import { UserError } from "../errors.js";
import { windowAttention, windowAttentionWeights } from "../ops/index.js";
import { kernels } from "../kernels/index.js";
import { Rng } from "../tensor/rng.js";
import { Arena } from "../tensor/storage.js";
import { Tensor } from "../tensor/tensor.js";
import { escapeXml } from "../viz/xml.js";
import { trainedTable, type TrainedAttentionResult } from "./benchAttentionTrained.js";

/** `attn bench attention` options (cli/commands/bench.ts). */
export interface BenchAttentionOptions {
  n: number[];
  types: SelfAttentionKind[];
  dim: number;
  heads: number;
  batch: number;
  runs: number;
  window: number;
  globalTokens: number;
  projectedLength: number;
  features: number;
  /** Largest n for the implied-matrix error (it materialises [B·H, n, n] twice). */
  matrixErrorUpTo: number;
  /** Full attention is skipped where its n×n buffers would exceed this many bytes. */
  fullBytesLimit: number;
  json: boolean;
  svg?: string;
  seed: number;
}

export interface BenchAttentionRow {
  type: SelfAttentionKind;
  n: number;
  /** Median milliseconds of the forward pass and of forward + backward; null where skipped. */
  forwardMs: number | null;
  forwardBackwardMs: number | null;
  /** Peak bytes the arena held during forward + backward (inputs excluded). */
  peakBytes: number | null;
  /** Forward GFLOP/s (multiply-adds × 2 of the products, the exponentials not counted). */
  gflops: number | null;
  /** Relative Frobenius errors against exact softmax attention: output, and implied matrix. */
  outputError: number | null;
  matrixError: number | null;
  note: string;
}

export interface BenchAttentionResult {
  kernels: string;
  settings: Omit<BenchAttentionOptions, "json" | "svg">;
  rows: BenchAttentionRow[];
  /** Per efficient type: the smallest n from which it stays faster than full (forward + backward) at every larger n where both ran, or null. */
  crossover: Record<string, number | null>;
  /** The n where full attention stopped for its memory bound, or null. */
  fullStoppedAt: number | null;
  /** With --checkpoint: the errors on a trained model's encoder self-attention (benchAttentionTrained.ts). */
  trained?: TrainedAttentionResult;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function gaussian(shape: number[], rng: Rng, std: number): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = std * rng.normal();
  return t;
}

function relativeFrobenius(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

interface Variant {
  forward(q: Tensor, k: Tensor, v: Tensor): Tensor;
  implied(q: Tensor, k: Tensor, v: Tensor): Tensor;
  flops(N: number, n: number, d: number): number;
}

function makeVariant(type: SelfAttentionKind, o: BenchAttentionOptions, maxN: number, d: number, rng: Rng): Variant {
  switch (type) {
    case "full":
      return {
        forward: (q, k, v) => scaledDotProductAttention(q, k, v).output,
        implied: (q, k, v) => scaledDotProductAttention(q, k, v).weights,
        flops: (N, n) => 4 * N * n * n * d,
      };
    case "window": {
      const wo = { window: o.window, globalTokens: o.globalTokens };
      return {
        forward: (q, k, v) => windowAttention(q, k, v, wo).output,
        implied: (q, k, v) => windowAttentionWeights(windowAttention(q, k, v, wo)),
        flops: (N, n) => 4 * N * (o.globalTokens * n + (n - o.globalTokens) * Math.min(n, 2 * o.window + 1 + o.globalTokens)) * d,
      };
    }
    case "linformer": {
      // Random projections scaled 1/√k·… as an untrained layer; the error is that of a random sketch.
      const lin = new LinformerSelfAttention(o.projectedLength, maxN, false, rng.fork("linformer"));
      const opts = { batch: o.batch, heads: o.heads, keyPaddingMask: null, queryStart: 0 };
      return {
        forward: (q, k, v) => lin.attend(q, k, v, opts).output,
        implied: (q, k, v) => lin.attend(q, k, v, opts).impliedWeights(),
        flops: (N, n) => 2 * N * (2 * o.projectedLength * n * d + 2 * n * o.projectedLength * d),
      };
    }
    case "performer": {
      const W = Tensor.zeros([o.features, d]);
      orthogonalGaussianFeatures(W.data, o.features, d, rng.fork("performer"));
      return {
        forward: (q, k, v) => favorAttention(q, k, v, W, false, null).output,
        implied: (q, k, v) => {
          const r = favorAttention(q, k, v, W, false, null);
          return impliedFavorWeights(r.fq, r.fk, false, 0);
        },
        flops: (N, n) => 2 * N * (2 * n * o.features * d + 3 * n * o.features * d),
      };
    }
  }
}

/**
 * The complexity lab: time, memory, throughput and approximation error of every self-attention
 * variant over sequence lengths, on random inputs q, k, v ~ N(0, 1/√d) [B·heads, n, d/heads].
 */
export function benchAttention(o: BenchAttentionOptions, log: (line: string) => void = () => {}): BenchAttentionResult {
  if (o.dim % o.heads !== 0) throw new UserError(`--dim ${o.dim} must be divisible by --heads ${o.heads}`);
  for (const t of o.types) if (!(SELF_ATTENTION_KINDS as readonly string[]).includes(t)) throw new UserError(`--types: unknown type "${t}"; expected ${SELF_ATTENTION_KINDS.join(", ")}`);
  const d = o.dim / o.heads;
  const N = o.batch * o.heads;
  const rng = new Rng(o.seed);
  const maxN = Math.max(...o.n);
  const variants = new Map(o.types.map((t) => [t, makeVariant(t, o, maxN, d, rng)] as const));
  const exact = makeVariant("full", o, maxN, d, rng);
  const rows: BenchAttentionRow[] = [];
  let fullStoppedAt: number | null = null;
  const arena = new Arena();
  const warmed = new Set<SelfAttentionKind>();
  for (const n of [...o.n].sort((a, b) => a - b)) {
    const inputRng = rng.fork(`inputs-${n}`);
    const q = gaussian([N, n, d], inputRng, Math.pow(d, -0.25));
    const k = gaussian([N, n, d], inputRng, Math.pow(d, -0.25));
    const v = gaussian([N, n, d], inputRng, 1);
    // Scores, scaled scores, weights and two gradients: five n×n float32 buffers per head row
    // (the arena measured 4.8 at n = 4,096).
    const fullBytes = 5 * 4 * N * n * n;
    const fullFits = fullBytes <= o.fullBytesLimit;
    const exactOut = fullFits ? noGrad(() => exact.forward(q, k, v)) : null;
    const matrixFits = n <= o.matrixErrorUpTo && fullFits;
    const exactMatrix = matrixFits ? noGrad(() => exact.implied(q, k, v)) : null;
    for (const [type, variant] of variants) {
      if (type === "full" && !fullFits) {
        if (fullStoppedAt === null) fullStoppedAt = n;
        rows.push({ type, n, forwardMs: null, forwardBackwardMs: null, peakBytes: null, gflops: null, outputError: null, matrixError: null, note: `skipped: its n×n buffers need ~${(fullBytes / 2 ** 20).toFixed(0)} MiB > ${(o.fullBytesLimit / 2 ** 20).toFixed(0)} MiB` });
        continue;
      }
      const fwd: number[] = [];
      const fb: number[] = [];
      let peak = 0;
      // One untimed forward + backward per type first (the JIT), not counted.
      const warm = !warmed.has(type);
      warmed.add(type);
      for (let r = warm ? -1 : 0; r < o.runs; r++) {
        let t0 = performance.now();
        arena.run(() => noGrad(() => variant.forward(q, k, v)));
        if (r >= 0) fwd.push(performance.now() - t0);
        arena.reset();
        arena.resetPeak();
        for (const t of [q, k, v]) {
          t.requiresGrad = true;
          t.grad = null;
        }
        t0 = performance.now();
        arena.run(() => {
          const out = variant.forward(q, k, v);
          out.backward(new Float32Array(out.size).fill(1));
        });
        if (r >= 0) fb.push(performance.now() - t0);
        if (r >= 0) peak = Math.max(peak, arena.peakBytes);
        arena.reset();
        for (const t of [q, k, v]) {
          t.requiresGrad = false;
          t.grad = null;
        }
      }
      const outputError = exactOut && type !== "full" ? relativeFrobenius(noGrad(() => variant.forward(q, k, v)).data, exactOut.data) : exactOut ? 0 : null;
      const matrixError = exactMatrix && type !== "full" ? relativeFrobenius(noGrad(() => variant.implied(q, k, v)).data, exactMatrix.data) : exactMatrix ? 0 : null;
      const forwardMs = median(fwd);
      const note = [exactOut ? "" : "no error: exact attention skipped at this n", exactOut && !exactMatrix ? `no matrix error above n = ${o.matrixErrorUpTo}` : ""].filter(Boolean).join("; ");
      const row: BenchAttentionRow = { type, n, forwardMs, forwardBackwardMs: median(fb), peakBytes: peak, gflops: variant.flops(N, n, d) / (forwardMs * 1e6), outputError, matrixError, note };
      rows.push(row);
      log(formatRow(row));
    }
  }
  const crossover: Record<string, number | null> = {};
  for (const t of o.types) {
    if (t === "full") continue;
    // The smallest measured n from which the variant stays faster at every larger n where both ran.
    let from: number | null = null;
    for (const r of rows.filter((x) => x.type === t && x.forwardBackwardMs !== null)) {
      const f = rows.find((x) => x.type === "full" && x.n === r.n);
      if (f?.forwardBackwardMs == null) continue;
      if (r.forwardBackwardMs! < f.forwardBackwardMs) from ??= r.n;
      else from = null;
    }
    crossover[t] = from;
  }
  const { json: _json, svg: _svg, ...settings } = o;
  const result: BenchAttentionResult = { kernels: kernels().name, settings, rows, crossover, fullStoppedAt };
  if (o.svg) writeFileSync(o.svg, benchSvg(result));
  return result;
}

const fmt = (x: number | null, digits = 2): string => (x === null ? "—" : x.toFixed(digits));

function formatRow(r: BenchAttentionRow): string {
  return `| ${r.type} | ${r.n} | ${fmt(r.forwardMs)} | ${fmt(r.forwardBackwardMs)} | ${r.peakBytes === null ? "—" : (r.peakBytes / 2 ** 20).toFixed(1)} | ${fmt(r.gflops)} | ${r.outputError === null ? "—" : r.outputError.toFixed(4)} | ${r.matrixError === null ? "—" : r.matrixError.toFixed(4)} | ${r.note} |`;
}

/** The Markdown table of a result, with the crossover and where full attention stopped. */
export function benchTable(r: BenchAttentionResult): string {
  const s = r.settings;
  const lines = [
    `kernels ${r.kernels}; batch ${s.batch}, dim ${s.dim}, heads ${s.heads}, ${s.runs} runs (median); window w = ${s.window}, g = ${s.globalTokens}; linformer k = ${s.projectedLength}; performer m = ${s.features}`,
    "",
    "| type | n | forward ms | fwd+bwd ms | peak MiB | GFLOP/s | output error | matrix error | note |",
    "|---|---|---|---|---|---|---|---|---|",
    ...r.rows.map(formatRow),
    "",
    ...Object.entries(r.crossover).map(([t, n]) => `${t}: ${n === null ? "never faster than full at the sizes run" : `faster than full (forward + backward) from n = ${n} on`}`),
    r.fullStoppedAt === null ? "full: ran at every n" : `full: stopped at n = ${r.fullStoppedAt} (memory bound)`,
    ...(r.trained ? ["", trainedTable(r.trained)] : []),
  ];
  return lines.join("\n");
}

const COLORS: Record<string, string> = { full: "#08519c", window: "#e6550d", linformer: "#31a354", performer: "#756bb1" };

/** Two log-log panels, time (fwd+bwd ms) and peak memory (MiB) against n, one line per type. */
export function benchSvg(r: BenchAttentionResult): string {
  const W = 420;
  const H = 300;
  const pad = 50;
  const panels: [string, (x: BenchAttentionRow) => number | null][] = [
    ["forward + backward (ms)", (x) => x.forwardBackwardMs],
    ["peak memory (MiB)", (x) => (x.peakBytes === null ? null : x.peakBytes / 2 ** 20)],
  ];
  const ns = r.rows.map((x) => x.n);
  const lx0 = Math.log10(Math.min(...ns));
  const lx1 = Math.log10(Math.max(...ns)) + 1e-9;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 30}" font-family="sans-serif" font-size="11">`];
  panels.forEach(([title, get], p) => {
    const ox = p * W;
    const vals = r.rows.map(get).filter((v): v is number => v !== null && v > 0);
    const ly0 = Math.floor(Math.log10(Math.min(...vals)));
    const ly1 = Math.ceil(Math.log10(Math.max(...vals))) + 1e-9;
    const X = (n: number) => ox + pad + ((Math.log10(n) - lx0) / (lx1 - lx0 || 1)) * (W - 2 * pad);
    const Y = (v: number) => H - pad + 20 - ((Math.log10(v) - ly0) / (ly1 - ly0 || 1)) * (H - 2 * pad);
    parts.push(`<text x="${ox + W / 2}" y="16" text-anchor="middle" font-weight="bold">${escapeXml(title)} vs n (log-log)</text>`);
    parts.push(`<rect x="${ox + pad}" y="${pad - 20}" width="${W - 2 * pad}" height="${H - 2 * pad + 40}" fill="none" stroke="#999"/>`);
    for (let e = ly0; e <= Math.floor(ly1); e++) parts.push(`<text x="${ox + pad - 4}" y="${Y(10 ** e) + 4}" text-anchor="end">1e${e}</text>`);
    for (const n of [...new Set(ns)]) parts.push(`<text x="${X(n)}" y="${H + 4}" text-anchor="middle">${n}</text>`);
    r.settings.types.forEach((t, i) => {
      const pts = r.rows.filter((x) => x.type === t).map((x) => [x.n, get(x)] as const).filter((pt): pt is readonly [number, number] => pt[1] !== null && pt[1] > 0);
      if (pts.length > 0) parts.push(`<polyline fill="none" stroke="${COLORS[t] ?? "#000"}" stroke-width="2" points="${pts.map(([n, v]) => `${X(n).toFixed(1)},${Y(v).toFixed(1)}`).join(" ")}"/>`);
      parts.push(`<text x="${ox + pad + 6}" y="${pad - 4 + 13 * i}" fill="${COLORS[t] ?? "#000"}">${escapeXml(t)}</text>`);
    });
  });
  parts.push(`<text x="${W}" y="${H + 24}" text-anchor="middle">n (sequence length)</text>`, "</svg>");
  return parts.join("\n") + "\n";
}
