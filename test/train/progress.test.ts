import { describe, expect, it } from "vitest";
import { formatSeconds, TrainingProgress, type ProgressOptions } from "../../src/train/progress.js";

/** A display on a non-terminal with a fake clock; returns the lines it wrote. */
function display(opts: Partial<ProgressOptions> = {}) {
  const lines: string[] = [];
  let ms = 1_000_000;
  const progress = new TrainingProgress({ quiet: false, total: 100, tty: false, write: (l) => lines.push(l), now: () => ms, ...opts });
  return { progress, lines, advance: (seconds: number) => (ms += seconds * 1000) };
}

const values = (step: number, elapsedSeconds: number) => ({ step, epoch: 0, loss: 2.345678, tokensPerSecond: 1234.4, lr: 0.001, elapsedSeconds });

describe("training progress without a terminal", () => {
  it("prints one plain line per logged window: step, loss, tokens/s, lr, elapsed and ETA", () => {
    const { progress, lines, advance } = display();
    progress.start(0);
    for (let step = 1; step <= 20; step++) {
      advance(0.5);
      progress.update(values(step, step * 0.5));
      if (step % 10 === 0) progress.logged(values(step, step * 0.5));
    }
    expect(lines).toEqual([
      "step 10/100 (epoch 1) | loss 2.3457 | 1234 tok/s | lr 1.00e-3 | elapsed 5.0 s | ETA 45.0 s",
      "step 20/100 (epoch 1) | loss 2.3457 | 1234 tok/s | lr 1.00e-3 | elapsed 10.0 s | ETA 40.0 s",
    ]);
  });

  it("estimates from this session's pace after a resume, and never past training.maxMinutes", () => {
    const { progress, advance } = display({ maxSeconds: 120 });
    progress.start(50); // resumed at step 50, 100 s into the run
    expect(progress.etaSeconds(50, 100)).toBeNull();
    advance(10);
    // 10 steps in 10 s → 40 steps left take 40 s, but only 120 − 110 = 10 s remain.
    expect(progress.etaSeconds(60, 110)).toBe(10);
    const uncapped = display();
    uncapped.progress.start(50);
    uncapped.advance(10);
    expect(uncapped.progress.etaSeconds(60, 110)).toBe(40);
  });

  it("--quiet prints no progress and no validation lines, but warnings", () => {
    const { progress, lines } = display({ quiet: true });
    progress.start(0);
    progress.logged(values(10, 1));
    progress.log("valid step 10: loss 1.0");
    progress.warn("warning: training is diverging");
    expect(lines).toEqual(["warning: training is diverging"]);
  });

  it("on a terminal the bar shows progress, so no plain lines are written", () => {
    const { progress, lines } = display({ tty: true, quiet: true }); // quiet: no bar is drawn in the test
    progress.start(0);
    progress.logged(values(10, 1));
    expect(lines).toEqual([]);
  });

  it("formats durations", () => {
    expect(formatSeconds(5)).toBe("5.0 s");
    expect(formatSeconds(125)).toBe("2 min 5 s");
  });
});
