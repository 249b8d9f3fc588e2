/**
 * The permutation and uniform-attention checks (Jain & Wallace 2019; Wiegreffe & Pinter 2019):
 * a model whose output provably ignores the context vector gets TVD exactly 0, the same model
 * unmodified does not; only the chosen layers / heads are changed; the permutations come from the
 * seed; the attention explain reads is the model's.
 */
import { describe, expect, it } from "vitest";
import { forcedDecode } from "../../../src/decode/forced.js";
import { TransformerSeq2Seq } from "../../../src/models/transformer/transformerSeq2Seq.js";
import type { TranslationModel } from "../../../src/models/types.js";
import { noGrad } from "../../../src/autograd/tape.js";
import { Rng } from "../../../src/tensor/rng.js";
import { attentionSites } from "../../../src/workflows/explain/attentionSites.js";
import { forcedBatch } from "../../../src/workflows/explain/forcedBatch.js";
import { attentionInterventions, type InterventionSteps } from "../../../src/workflows/explain/interventions.js";
import { resolveChoice, type AttentionChoice } from "../../../src/workflows/explain/selection.js";
import { param, recurrent, transformer, zeroColumns } from "./models.js";

const SRC = Int32Array.of(4, 5, 6, 7, 8, 2);
const OUT = Int32Array.of(8, 7, 6, 5, 4, 2);

function run(net: TranslationModel, permutations = 12, choice: AttentionChoice = { layer: null, head: null }, seed = 1): InterventionSteps {
  const sites = attentionSites(net);
  return attentionInterventions(net, sites, resolveChoice(sites, choice), SRC, OUT, permutations, new Rng(seed));
}

const allPermutationTvds = (r: InterventionSteps) => r.permutationTvd.flat();

function expectExactlyZero(r: InterventionSteps): void {
  expect(allPermutationTvds(r).every((v) => v === 0)).toBe(true);
  expect(r.uniformTvd.every((v) => v === 0)).toBe(true);
}

function expectMoved(r: InterventionSteps): void {
  expect(Math.max(...allPermutationTvds(r))).toBeGreaterThan(1e-6);
  expect(Math.max(...r.uniformTvd)).toBeGreaterThan(1e-6);
}

describe("a model whose output ignores the context vector", () => {
  // Encoder: bidirectional GRU of 5 → keys and context of 10; decoder: embeddings 6, hidden 7.
  const CTX = 10;

  it("Bahdanau: TVD exactly 0 once the recurrent input and the output layer no longer read c_t (and > 0 before)", () => {
    const net = recurrent({ type: "bahdanau" });
    expectMoved(run(net));
    zeroColumns(param(net, "decoder.rnn.weight_ih_l0"), 6, 6 + CTX); // s_t = RNN([E y; c_t], s_{t−1})
    zeroColumns(param(net, "decoder.output.weight"), 7, 7 + CTX); // W_o [s_t; c_t; E y]
    expectExactlyZero(run(net));
  });

  it("Luong with input feeding (general score, LSTM): TVD exactly 0 once W_c no longer reads c_t", () => {
    const net = recurrent({ type: "luong", cell: "lstm", inputFeeding: true }, { score: "general" });
    expectMoved(run(net));
    zeroColumns(param(net, "decoder.combine.weight"), 0, CTX); // h̃_t = tanh(W_c [c_t; h_t]), fed back as input
    expectExactlyZero(run(net));
  });

  it("Luong with the multihead score (every head permuted alike): TVD exactly 0 once W_c no longer reads c_t", () => {
    const net = recurrent({ type: "luong", hiddenSize: 8 }, { score: "multihead" });
    expectMoved(run(net));
    zeroColumns(param(net, "decoder.combine.weight"), 0, 8);
    expectExactlyZero(run(net));
  });

  it("Bahdanau with local-p attention and a sparse normaliser: the same", () => {
    const net = recurrent({ type: "bahdanau" }, { scope: "local-p", window: 1, normalizer: "sparsemax" });
    expectMoved(run(net));
    zeroColumns(param(net, "decoder.rnn.weight_ih_l0"), 6, 6 + CTX);
    zeroColumns(param(net, "decoder.output.weight"), 7, 7 + CTX);
    expectExactlyZero(run(net));
  });

  it("Transformer: TVD exactly 0 once every cross-attention's output projection is zero", () => {
    const net = transformer();
    expectMoved(run(net));
    for (const layer of [0, 1]) {
      param(net, `decoder.layers.${layer}.multihead_attn.out_proj.weight`).data.fill(0);
      param(net, `decoder.layers.${layer}.multihead_attn.out_proj.bias`).data.fill(0);
    }
    expectExactlyZero(run(net));
  });
});

describe("which attention is changed (--layer, --head)", () => {
  it("--layer: permuting a layer whose cross-attention output is zero changes nothing; another layer does", () => {
    const net = transformer();
    param(net, "decoder.layers.0.multihead_attn.out_proj.weight").data.fill(0);
    expectExactlyZero(run(net, 8, { layer: 0, head: null }));
    expectMoved(run(net, 8, { layer: 1, head: null }));
  });

  it("--head: permuting a head the output projection no longer reads changes nothing; the other head does", () => {
    const net = transformer();
    // Head 1 is features 4…7 of the merged heads: the out_proj columns that read it.
    for (const layer of [0, 1]) zeroColumns(param(net, `decoder.layers.${layer}.multihead_attn.out_proj.weight`), 4, 8);
    expectExactlyZero(run(net, 8, { layer: null, head: 1 }));
    expectMoved(run(net, 8, { layer: null, head: 0 }));
  });

  it("a --layer or --head the model does not have is one clear error", () => {
    const sites = attentionSites(transformer());
    expect(() => resolveChoice(sites, { layer: 2, head: null })).toThrow("--layer 2: this model's decoder has 2 cross-attention layers (0–1)");
    expect(() => resolveChoice(sites, { layer: null, head: 2 })).toThrow("--head 2: this model's cross-attention has 2 heads (0–1)");
    expect(() => resolveChoice(attentionSites(recurrent({ type: "bahdanau" })), { layer: 1, head: null })).toThrow("--layer 1: this model's decoder has 1 cross-attention layer (0–0)");
  });
});

describe("permutations", () => {
  it("come from the seed: the same seed gives the same numbers, another seed others", () => {
    const net = recurrent({ type: "bahdanau" });
    expect(run(net, 10, undefined, 5)).toEqual(run(net, 10, undefined, 5));
    expect(allPermutationTvds(run(net, 10, undefined, 6))).not.toEqual(allPermutationTvds(run(net, 10, undefined, 5)));
  });

  it("leave the model as it was: no transform stays on an attention afterwards", () => {
    const net = transformer();
    run(net, 2);
    for (const s of attentionSites(net)) expect(s.module.weightsTransform).toBeNull();
  });
});

describe("the attention explain reads", () => {
  it("recurrent: the decoder's attention of each step, as teacher forcing gives it", () => {
    const net = recurrent({ type: "bahdanau" });
    const forced = forcedDecode(net, { ...forcedBatch(SRC, OUT) })[0]!.attention;
    run(net, 1).attention.forEach((a, t) => a.forEach((w, j) => expect(w).toBeCloseTo(forced[t]![j]!, 6)));
  });

  it("Transformer: the last layer's heads averaged, or one layer's head with --layer / --head", () => {
    const net = transformer() as TransformerSeq2Seq;
    const cross = noGrad(() => net.run(forcedBatch(SRC, OUT)).attention.cross);
    const S = SRC.length;
    const T = OUT.length;
    const at = (layer: number, head: number, t: number, j: number) => cross[layer]!.data[(head * T + t) * S + j]!;
    run(net, 1).attention.forEach((a, t) => a.forEach((w, j) => expect(w).toBeCloseTo((at(1, 0, t, j) + at(1, 1, t, j)) / 2, 5)));
    run(net, 1, { layer: 0, head: 1 }).attention.forEach((a, t) => a.forEach((w, j) => expect(w).toBeCloseTo(at(0, 1, t, j), 5)));
  });
});
