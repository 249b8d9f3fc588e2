import { describe, expect, it } from "vitest";
import { selectAttention } from "../../src/workflows/attentionSelection.js";
import type { AttentionKind } from "../../src/viz/attentionCsv.js";
import { userErrorOf } from "../helpers/userErrors.js";

/** The maps of one sentence through a 2+2-layer Transformer with 4 heads (weights left out). */
const transformer = (["encoder-self", "decoder-self", "cross"] as AttentionKind[]).flatMap((kind) =>
  [0, 1].flatMap((layer) => [0, 1, 2, 3].map((head) => ({ kind, layer, head }))),
);

const message = (fn: () => unknown) => userErrorOf(fn).message;

describe("selectAttention (dump-attention --kind/--layer/--head)", () => {
  it("keeps the maps that match every given filter", () => {
    expect(selectAttention(transformer, {})).toHaveLength(24);
    expect(selectAttention(transformer, { kind: "cross", layer: 1 }).map((m) => m.head)).toEqual([0, 1, 2, 3]);
    expect(selectAttention(transformer, { layer: 0, head: 2 }).map((m) => m.kind)).toEqual(["encoder-self", "decoder-self", "cross"]);
  });

  it("names the valid range instead of returning nothing", () => {
    expect(message(() => selectAttention(transformer, { layer: 2 }))).toBe("--layer 2: out of range; this model's attention has layers 0–1");
    expect(message(() => selectAttention(transformer, { kind: "cross", layer: 1, head: 4 }))).toBe("--head 4: out of range; this model's cross attention has heads 0–3 in layer 1");
    const recurrent = [{ kind: "cross" as const, layer: 0, head: 0 }];
    expect(message(() => selectAttention(recurrent, { kind: "encoder-self" }))).toBe("--kind encoder-self: this model has no encoder-self attention; expected cross");
    expect(message(() => selectAttention(recurrent, { head: 1 }))).toBe("--head 1: out of range; this model's attention has only head 0");
  });

  it("lists values that are not contiguous one by one", () => {
    const gappy = [0, 2, 5].map((layer) => ({ kind: "cross" as const, layer, head: 0 }));
    expect(message(() => selectAttention(gappy, { layer: 1 }))).toBe("--layer 1: out of range; this model's attention has layers 0, 2, 5");
  });

  it("checks nothing when there are no maps (no input sentences)", () => {
    expect(selectAttention([], { layer: 9 })).toEqual([]);
  });
});
