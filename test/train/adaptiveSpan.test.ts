/**
 * The trainer's part of the adaptive span (Sukhbaatar et al. 2019): the span loss joins the
 * backward pass (the reported loss stays the cross-entropy), z is clamped to [0, 1] after every
 * optimizer step, and metrics.jsonl / attn eval read the learned spans.
 */
import { describe, expect, it } from "vitest";
import { learnedSpans } from "../../src/attention/adaptiveSpan.js";
import { ConfigSchema } from "../../src/config/schema.js";
import { buildModel } from "../../src/models/build.js";
import { Rng } from "../../src/tensor/rng.js";
import { buildOptimizer, buildScheduler } from "../../src/train/optimizerFactory.js";
import { spanRecord } from "../../src/train/spanRecord.js";
import { trainStep } from "../../src/train/trainer.js";
import { formatSpans } from "../../src/workflows/spanReport.js";
import { fixedBatches, tinyReverseExamples } from "../models/tinyTask.js";

const batches = fixedBatches(tinyReverseExamples(32, 6, 2, 5, 3), 16);

function setup(adaptiveSpan: Record<string, unknown> | undefined, lr = 0.01) {
  const config = ConfigSchema.parse({
    data: { train: "x" },
    model: {
      encoder: { type: "transformer", hiddenSize: 8, layers: 1 },
      decoder: { type: "transformer", hiddenSize: 8, layers: 1 },
      transformer: { heads: 2, ffSize: 16, dropout: 0, ...(adaptiveSpan ? { adaptiveSpan } : {}) },
    },
    training: { lr, clipNorm: 1000 },
  });
  const model = buildModel(config.model, { source: 10, target: 10 }, 3);
  return { config, model, optimizer: buildOptimizer(config.training, model.namedParameters()), scheduler: buildScheduler(config.training) };
}

describe("adaptive span in the training step", () => {
  it("the span loss λ·L·mean z is in the gradient of z, not in the reported loss", () => {
    const none = setup({ maxSpan: 6, ramp: 2, lossWeight: 0, init: 0.5 });
    const heavy = setup({ maxSpan: 6, ramp: 2, lossWeight: 3, init: 0.5 });
    const a = trainStep(none.model, batches[0]!, none.optimizer, none.scheduler, none.config, new Rng(1));
    const b = trainStep(heavy.model, batches[0]!, heavy.optimizer, heavy.scheduler, heavy.config, new Rng(1));
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(b.loss).toBe(a.loss);
    // ∂/∂z_h of λ·L·mean z = λ·L/H = 3·6/2 = 9 on top of the cross-entropy's gradient.
    const grads = (m: typeof none.model) => m.namedParameters().filter(([n]) => n.endsWith("current_val")).flatMap(([, t]) => Array.from(t.grad!));
    grads(heavy.model).forEach((g, i) => expect(g - grads(none.model)[i]!).toBeCloseTo(9, 4));
  });

  it("z is clamped to [0, 1] after each step: a heavy span loss drives the spans to exactly 0", () => {
    const s = setup({ maxSpan: 6, ramp: 2, lossWeight: 10, init: 0.02 }, 0.05);
    for (let k = 0; k < 3; k++) expect(trainStep(s.model, batches[k % 2]!, s.optimizer, s.scheduler, s.config, new Rng(1)).ok).toBe(true);
    for (const { spans } of learnedSpans(s.model)) expect(spans).toEqual([0, 0]);
    // From the top: whatever the cross-entropy's gradient says, z stays ≤ 1.
    const top = setup({ maxSpan: 6, ramp: 2, lossWeight: 0, init: 1 }, 0.05);
    for (let k = 0; k < 3; k++) expect(trainStep(top.model, batches[k % 2]!, top.optimizer, top.scheduler, top.config, new Rng(1)).ok).toBe(true);
    for (const { spans } of learnedSpans(top.model)) for (const x of spans) expect(x).toBeLessThanOrEqual(6);
  });

  it("metrics records and the eval table name each self-attention and give the span of every head", () => {
    const s = setup({ maxSpan: 6, ramp: 2, lossWeight: 0, init: 0.25 });
    expect(spanRecord(s.model)).toEqual({ spans: { "encoder.layers.0.self_attn": [1.5, 1.5], "decoder.layers.0.self_attn": [1.5, 1.5] } });
    expect(spanRecord(setup(undefined).model)).toEqual({});
    const table = formatSpans(learnedSpans(s.model));
    expect(table).toContain("| adaptive span (positions) | head 0 | head 1 |");
    expect(table).toContain("| decoder.layers.0.self_attn | 1.50 | 1.50 |");
  });
});
