/** Timing helpers shared by the benchmarks: warm-up, then the median of several timed runs. */

export interface Timing {
  /** Median time of one call, in microseconds. */
  medianUs: number;
  /** Fastest and slowest run (per call), in microseconds. */
  minUs: number;
  maxUs: number;
  /** Calls per timed run. */
  callsPerRun: number;
  runs: number;
}

export interface TimeOptions {
  /** Timed runs; the median is reported. */
  runs: number;
  /** Target length of one timed run, in milliseconds (the call count is fixed once, from the warm-up). */
  runMs: number;
  /** Minimum warm-up, in milliseconds (lets V8 optimise the kernels before timing). */
  warmupMs: number;
}

export const defaultTimeOptions: TimeOptions = { runs: 7, runMs: 150, warmupMs: 300 };

/** Time `fn`: warm up, choose a call count per run from the warm-up rate, then time `runs` runs. */
export function time(fn: () => void, opts: TimeOptions = defaultTimeOptions): Timing {
  let calls = 0;
  const w0 = performance.now();
  let w1 = w0;
  while (calls < 3 || w1 - w0 < opts.warmupMs) {
    fn();
    calls++;
    w1 = performance.now();
  }
  const perCall = (w1 - w0) / calls;
  const callsPerRun = Math.max(1, Math.round(opts.runMs / perCall));
  const perRun: number[] = [];
  for (let r = 0; r < opts.runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < callsPerRun; i++) fn();
    perRun.push(((performance.now() - t0) * 1000) / callsPerRun);
  }
  perRun.sort((x, y) => x - y);
  return {
    medianUs: perRun[Math.floor(perRun.length / 2)]!,
    minUs: perRun[0]!,
    maxUs: perRun[perRun.length - 1]!,
    callsPerRun,
    runs: opts.runs,
  };
}

/** Deterministic pseudo-random fill in [-1, 1) (no dependence on the project's Rng). */
export function filled(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

/** Render rows as a fixed-width text table (first column left-aligned, the rest right-aligned). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
