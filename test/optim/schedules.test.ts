import { describe, expect, it } from "vitest";
import {
  ConstantLr,
  createScheduler,
  InverseSqrtLr,
  NoamLr,
  ReduceLrOnPlateau,
  schedulerFromState,
  StepDecayLr,
  type LrScheduler,
  type SchedulerState,
} from "../../src/optim/index.js";
import { UserError } from "../../src/errors.js";

const rel = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.abs(want));

/** JSON round trip, as a checkpoint would do. */
const viaJson = (s: SchedulerState): SchedulerState => JSON.parse(JSON.stringify(s)) as SchedulerState;

describe("step-indexed schedules", () => {
  it("constant", () => {
    const s = new ConstantLr({ lr: 3e-4 });
    for (const t of [0, 1, 10, 1e6]) expect(s.lrAt(t)).toBe(3e-4);
    expect(s.step()).toBe(3e-4);
  });

  it("step decay: lr * gamma^floor((t-1)/stepSize)", () => {
    const s = new StepDecayLr({ lr: 1, stepSize: 3, gamma: 0.5 });
    const want = [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25];
    expect(want.map((_, i) => s.lrAt(i + 1))).toEqual(want);
    expect(want.map(() => s.step())).toEqual(want);
    expect(s.lastStep).toBe(8);
    for (const t of [1, 7, 100, 301]) rel(s.lrAt(t), 0.5 ** Math.floor((t - 1) / 3));
  });

  it("Noam (Vaswani et al. 2017, §5.3): factor * d^-0.5 * min(t^-0.5, t * w^-1.5)", () => {
    const d = 512;
    const w = 4000;
    const s = new NoamLr({ dModel: d, warmup: w, factor: 2 });
    for (const t of [1, 10, 1000, 3999, 4000, 4001, 16000, 100000]) {
      rel(s.lrAt(t), (2 / Math.sqrt(d)) * Math.min(1 / Math.sqrt(t), t / w ** 1.5));
    }
    rel(s.lrAt(w), 2 / Math.sqrt(d * w));
    rel(s.lrAt(1), 2 / Math.sqrt(d) / w ** 1.5);
    rel(s.lrAt(4 * w), 1 / Math.sqrt(d * w));
    expect(s.lrAt(0)).toBe(0);
    expect(new NoamLr({ dModel: d, warmup: w }).spec.factor).toBe(1);
  });

  it("inverse sqrt with linear warm-up: peak * min(t/w, sqrt(w/t))", () => {
    const s = new InverseSqrtLr({ peakLr: 5e-4, warmup: 4000 });
    rel(s.lrAt(1000), 1.25e-4);
    rel(s.lrAt(4000), 5e-4);
    rel(s.lrAt(16000), 2.5e-4);
    expect(s.lrAt(0)).toBe(0);
    // Same curve as Noam with peak factor / sqrt(dModel * warmup).
    const noam = new NoamLr({ dModel: 256, warmup: 4000, factor: 1.5 });
    const same = new InverseSqrtLr({ peakLr: 1.5 / Math.sqrt(256 * 4000), warmup: 4000 });
    for (const t of [1, 77, 4000, 9999, 50000]) rel(same.lrAt(t), noam.lrAt(t));
  });

  it("state dict round trip (through JSON) continues the same sequence", () => {
    const specs = [
      { kind: "constant", lr: 0.1 },
      { kind: "step", lr: 0.1, stepSize: 2, gamma: 0.3 },
      { kind: "noam", dModel: 64, warmup: 5 },
      { kind: "inverse_sqrt", peakLr: 1e-3, warmup: 5 },
    ] as const;
    for (const spec of specs) {
      const a = createScheduler(spec);
      for (let i = 0; i < 7; i++) a.step();
      const b = schedulerFromState(viaJson(a.stateDict()));
      expect(b.lastStep).toBe(7);
      expect(b.lr).toBe(a.lr);
      for (let i = 0; i < 5; i++) expect(b.step()).toBe(a.step());
    }
  });

  it("rejects bad specs and a state of another kind with UserError", () => {
    expect(() => new StepDecayLr({ lr: 1, stepSize: 0, gamma: 0.5 })).toThrow(UserError);
    expect(() => new NoamLr({ dModel: 0, warmup: 10 })).toThrow(UserError);
    expect(() => new InverseSqrtLr({ peakLr: -1, warmup: 10 })).toThrow(UserError);
    expect(() => new ReduceLrOnPlateau({ lr: 1, factor: 1 })).toThrow(UserError);
    expect(() => createScheduler({ kind: "cosine" } as never)).toThrow(UserError);
    const noam = new NoamLr({ dModel: 8, warmup: 10 });
    expect(() => noam.loadStateDict(new ConstantLr({ lr: 1 }).stateDict())).toThrow(UserError);
  });
});

describe("ReduceLrOnPlateau", () => {
  const run = (s: LrScheduler, metrics: number[]) => metrics.map((m) => s.step(m));

  it("reduces after more than `patience` evaluations without improvement", () => {
    const s = new ReduceLrOnPlateau({ lr: 1, factor: 0.5, patience: 2 });
    expect(s.lr).toBe(1);
    expect(run(s, [10, 10, 10, 10])).toEqual([1, 1, 1, 0.5]);
    // The bad count restarts after a reduction.
    expect(run(s, [10, 10, 10])).toEqual([0.5, 0.5, 0.25]);
    // An improvement resets the count.
    expect(run(s, [9, 9, 9, 8, 8, 8])).toEqual([0.25, 0.25, 0.25, 0.25, 0.25, 0.25]);
  });

  it("uses a relative threshold in min mode", () => {
    const s = new ReduceLrOnPlateau({ lr: 1, factor: 0.5, patience: 0, threshold: 0.1 });
    s.step(10);
    expect(s.step(9.5)).toBe(0.5); // not below 10 * (1 - 0.1)
    expect(s.bestMetric).toBe(10);
    expect(s.step(8.9)).toBe(0.5);
    expect(s.bestMetric).toBe(8.9);
  });

  it("supports an absolute threshold and max mode", () => {
    const s = new ReduceLrOnPlateau({ lr: 1, mode: "max", factor: 0.5, patience: 0, threshold: 1, thresholdMode: "abs" });
    expect(run(s, [20, 22, 22.5, 24])).toEqual([1, 1, 0.5, 0.5]);
    expect(s.bestMetric).toBe(24);
  });

  it("ignores bad evaluations during cooldown", () => {
    const s = new ReduceLrOnPlateau({ lr: 1, factor: 0.5, patience: 0, cooldown: 2 });
    // reduce at eval 2; evals 3 and 4 are cooldown; reduce again at eval 5.
    expect(run(s, [1, 2, 2, 2, 2, 2])).toEqual([1, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  it("never goes below minLr and ignores reductions smaller than eps", () => {
    const s = new ReduceLrOnPlateau({ lr: 1, factor: 0.1, patience: 0, minLr: 0.015 });
    expect(run(s, [1, 1, 1, 1])).toEqual([1, 0.1, 0.015, 0.015]);
    const tiny = new ReduceLrOnPlateau({ lr: 1.5e-8, factor: 0.5, patience: 0 });
    expect(run(tiny, [1, 1])).toEqual([1.5e-8, 1.5e-8]);
  });

  it("counts NaN as a bad evaluation", () => {
    const s = new ReduceLrOnPlateau({ lr: 1, factor: 0.5, patience: 1 });
    expect(run(s, [3, Number.NaN, Number.NaN])).toEqual([1, 1, 0.5]);
    expect(s.bestMetric).toBe(3);
  });

  it("state dict round trip (through JSON) continues identically, also before any metric", () => {
    const spec = { lr: 1, factor: 0.5, patience: 1, cooldown: 1, minLr: 0.1 };
    const fresh = new ReduceLrOnPlateau(spec);
    const restored = schedulerFromState(viaJson(fresh.stateDict())) as ReduceLrOnPlateau;
    expect(restored.bestMetric).toBe(Infinity);

    const metrics = [5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3];
    const a = new ReduceLrOnPlateau(spec);
    run(a, metrics.slice(0, 5));
    const b = schedulerFromState(viaJson(a.stateDict())) as ReduceLrOnPlateau;
    expect(b.stateDict()).toEqual(a.stateDict());
    expect(run(b, metrics.slice(5))).toEqual(run(a, metrics.slice(5)));
    expect(run(restored, metrics)).toEqual(run(fresh, metrics));
  });

  it("requires a metric", () => {
    expect(() => new ReduceLrOnPlateau({ lr: 1 }).step()).toThrow();
  });
});
