import { describe, expect, it } from "vitest";
import { nonFiniteMessage, type NonFiniteStop } from "../../src/train/nonFiniteStop.js";

const base: NonFiniteStop = { what: "loss", value: NaN, step: 41, lastSavedStep: 40, best: null, metric: "loss", validEvery: 10 };

describe("the NaN/Inf stop message", () => {
  it("before any checkpoint: says none was saved", () => {
    expect(nonFiniteMessage({ ...base, lastSavedStep: null })).toBe(
      "loss became NaN at step 41; stopping. No checkpoint had been saved yet (the first comes at step 10). Try a lower training.lr or training.clipNorm.",
    );
  });

  it("points at checkpoints/best when last is newer, and does not call last good", () => {
    const m = nonFiniteMessage({ ...base, what: "gradient norm", value: Infinity, best: { value: 1.23456, step: 20 } });
    expect(m).toMatch(/^gradient norm became Infinity at step 41; stopping\. Use checkpoints\/best \(step 20, valid loss 1\.2346\); checkpoints\/last \(step 40\) holds later weights/);
    expect(m).toMatch(/may already be diverging/);
    expect(m).not.toMatch(/good/);
  });

  it("says when best is the newest checkpoint", () => {
    expect(nonFiniteMessage({ ...base, best: { value: 0.5, step: 40 } })).toMatch(/Use checkpoints\/best \(step 40, valid loss 0\.5000\), which is also the newest checkpoint before the failure\./);
  });

  it("a resumed run knows the best value but not its step", () => {
    expect(nonFiniteMessage({ ...base, metric: "bleu", best: { value: 12.5, step: null } })).toMatch(/Use checkpoints\/best \(valid bleu 12\.5000\); checkpoints\/last \(step 40\)/);
  });

  it("without validation there is no best: last is named, with the warning", () => {
    const m = nonFiniteMessage(base);
    expect(m).toMatch(/checkpoints\/last \(step 40\) holds the newest weights before the failure, possibly already diverging; there is no checkpoints\/best \(no validation\)\./);
    expect(m).not.toMatch(/good/);
  });
});
