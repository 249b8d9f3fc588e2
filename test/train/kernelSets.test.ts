/**
 * One training step agrees across kernel sets (js, wasm, wasm-fma, avx2) within float32 tolerance;
 * each set is bitwise reproducible; a steady-state step takes no new kernel memory.
 */
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/load.js";
import { createKernels, jsKernels, KERNEL_SET_NAMES, kernels, withKernels, type Kernels } from "../../src/kernels/index.js";
import { buildModel } from "../../src/models/build.js";
import { Rng } from "../../src/tensor/rng.js";
import { Arena, kernelMemory, persistentBytes } from "../../src/tensor/storage.js";
import { buildOptimizer, buildScheduler } from "../../src/train/optimizerFactory.js";
import { trainStep } from "../../src/train/trainer.js";
import { tinyConfig } from "../cli/fixture.js";
import { avx2Expected } from "../kernels/sets.js";
import { fixedBatches, tinyReverseExamples } from "../models/tinyTask.js";

const VOCAB = 12;
const batches = fixedBatches(tinyReverseExamples(48, VOCAB - 4, 3, 9, 5), 16);

function configFor(decoder: string, optimizer: string): ReturnType<typeof validateConfig> {
  const patch: Record<string, Record<string, unknown>> =
    decoder === "transformer"
      ? { model: { encoder: { type: "transformer", hiddenSize: 16, layers: 1 }, decoder: { type: "transformer", hiddenSize: 16, layers: 1 }, transformer: { heads: 2, ffSize: 32, dropout: 0.1 } } }
      : { model: { encoder: { type: "gru", embeddingSize: 8, hiddenSize: 8, bidirectional: true, dropout: 0.1 }, decoder: { type: decoder, embeddingSize: 8, hiddenSize: 16 }, attention: { score: "additive", size: 8 } } };
  return validateConfig({ ...tinyConfig(patch), training: { batchSize: 16, optimizer, lr: optimizer === "sgd" ? 0.1 : 0.01, clipNorm: 1, labelSmoothing: 0.1 } }, "test");
}

/** Parameters after `steps` training steps under kernel set `k`, plus the kernel memory used after each step. */
function train(k: Kernels, decoder: string, steps: number, optimizerName = "adam"): { params: Float32Array[]; used: number[]; persistent: number[]; losses: number[] } {
  return withKernels(k, () => {
    const config = configFor(decoder, optimizerName);
    const model = buildModel(config.model, { source: VOCAB, target: VOCAB }, config.seed);
    const optimizer = buildOptimizer(config.training, model.namedParameters());
    const scheduler = buildScheduler(config.training);
    const rng = new Rng(config.seed).fork("scheduled-sampling");
    const arena = new Arena();
    const used: number[] = [];
    const persistent: number[] = [];
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      arena.reset();
      const r = arena.run(() => trainStep(model, batches[s % batches.length]!, optimizer, scheduler, config, rng));
      if (!r.ok) throw new Error(`non-finite ${r.what}`);
      losses.push(r.loss);
      used.push(kernelMemory().usedBytes);
      persistent.push(persistentBytes());
    }
    return { params: model.parameters().map((p) => Float32Array.from(p.data)), used, persistent, losses };
  });
}

const sameBits = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("kernel sets", () => {
  it("the default kernel set is the fastest this Node runs (avx2 on a CPU with AVX2 and FMA, else wasm-fma here)", () => {
    expect(createKernels("wasm-fma")).not.toBeNull();
    const fastest = avx2Expected() ? "avx2" : "wasm-fma";
    expect(kernels().name).toBe(process.env.ATTN_KERNELS && process.env.ATTN_KERNELS !== "auto" ? process.env.ATTN_KERNELS : fastest);
  });

  for (const decoder of ["bahdanau", "luong", "transformer"]) {
    it(`${decoder}: three steps agree across kernel sets, and each set is bitwise reproducible`, () => {
      // SGD for the comparison: Adam's first steps are ≈ lr·sign(g), so float32 noise in a
      // near-zero gradient flips them legitimately; SGD moves by lr·g, which float32 noise barely shifts.
      const ref = train(jsKernels, decoder, 3, "sgd");
      const fmaRun = train(createKernels("wasm-fma")!, decoder, 3);
      for (const name of KERNEL_SET_NAMES.filter((n) => n !== "avx2" || avx2Expected())) {
        const k = createKernels(name)!;
        const a = train(k, decoder, 3, "sgd");
        const [b1, b2] = [train(k, decoder, 3), train(k, decoder, 3)];
        b1.params.forEach((p, i) => expect(sameBits(p, b2.params[i]!), `${name} param ${i} reproducible`).toBe(true));
        // The AVX2 gemm sums in the wasm-fma gemm's order with the same fused multiply-adds.
        if (name === "avx2") b1.params.forEach((p, i) => expect(sameBits(p, fmaRun.params[i]!), `avx2 param ${i} = wasm-fma's`).toBe(true));
        a.params.forEach((p, i) => {
          const r = ref.params[i]!;
          let worst = 0;
          for (let j = 0; j < p.length; j++) worst = Math.max(worst, Math.abs(p[j]! - r[j]!));
          expect(worst, `${name} param ${i} vs js`).toBeLessThan(1e-3);
        });
        a.losses.forEach((l, i) => expect(Math.abs(l - ref.losses[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref.losses[i]!))));
      }
    });
  }

  for (const decoder of ["bahdanau", "transformer"]) {
    it(`${decoder}: a steady-state training step takes no new kernel memory`, () => {
      const { used, persistent } = train(kernels(), decoder, 12);
      // The first steps size the arena and create gradients and optimizer state; batches repeat
      // every 3 steps, so from step 4 on nothing may be allocated, persistent or otherwise.
      expect(persistent[11]).toBe(persistent[3]);
      expect(used[11]).toBe(used[3]);
    });
  }
});
