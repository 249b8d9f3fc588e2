import { describe, expect, it } from "vitest";
import { attentionCsv, type AttentionMatrix } from "../../../src/viz/attentionCsv.js";
import { attentionTimeline } from "../../../src/viz/report/attentionTimeline.js";
import { readAttentionCsv } from "../../../src/viz/report/readAttentionCsv.js";

const m = (sentence: number, weights: number[][], targetTokens: string[], sourceTokens: string[], kind: AttentionMatrix["kind"] = "cross", layer = 0, head = 0): AttentionMatrix => ({ sentence, kind, layer, head, targetTokens, sourceTokens, weights });

describe("readAttentionCsv", () => {
  it("reads back what attentionCsv writes, quoted tokens included", () => {
    const matrices = [m(0, [[0.25, 0.75], [1, 0]], ['"', ","], ["a,b", "</s>"]), m(1, [[0.5, 0.5, 0]], ["x"], ["p", "q", "</s>"], "decoder-self", 1, 2)];
    expect(readAttentionCsv(attentionCsv(matrices))).toEqual(matrices);
  });

  it("names the line of a malformed row", () => {
    expect(readAttentionCsv("nope\n")).toMatch(/^line 1: expected the header/);
    const text = attentionCsv([m(0, [[1]], ["a"], ["b"])]) + "0,cross,0,0,x,a,0,b,1\n";
    expect(readAttentionCsv(text)).toBe("line 3: expected integer indices and a numeric weight");
  });
});

describe("attentionTimeline", () => {
  it("orders steps, lists every map once, and keeps exact zeros apart from tiny weights", () => {
    const t = attentionTimeline([
      { step: 20, matrices: [m(0, [[0.123456, 0.00001, 0]], ["x"], ["a", "b", "</s>"])] },
      { step: 10, matrices: [m(0, [[0.5, 0.5, 0]], ["x"], ["a", "b", "</s>"]), m(1, [[1]], ["y"], ["</s>"])] },
    ]);
    expect(t.steps).toEqual([10, 20]);
    expect(t.maps.map((x) => x.label)).toEqual(["sentence 0 “a b” · cross", "sentence 1 “” · cross"]);
    expect(t.frames[0]![0]).toEqual([["x"], ["a", "b", "</s>"], [0.5, 0.5, 0]]);
    expect(t.frames[1]![0]![2]).toEqual([0.1235, 0.0001, 0]);
    expect(t.frames[1]![1]).toBeNull();
  });
});
