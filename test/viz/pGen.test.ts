import { describe, expect, it } from "vitest";
import { ATTENTION_CSV_HEADER, attentionCsv, attentionMatrixCsv, type AttentionMatrix } from "../../src/viz/attentionCsv.js";
import { renderPGenTable } from "../../src/viz/pGenTable.js";

/** p_gen of copy attention in attention dumps and in translate --show-pgen. */
const copyMap: AttentionMatrix = { sentence: 0, kind: "cross", layer: 0, head: 0, targetTokens: ["appelez", "zanu", "</s>"], sourceTokens: ["call", "zanu", "</s>"], weights: [[1, 0, 0], [0, 0.75, 0.25], [0, 0, 1]], pGen: [0.9, 0.125, 0.5] };

describe("p_gen in attention CSV", () => {
  it("long format: a last column p_gen, the step's value on each of its rows", () => {
    const lines = attentionCsv([copyMap]).trimEnd().split("\n");
    expect(lines[0]).toBe(`${ATTENTION_CSV_HEADER},p_gen`);
    expect(lines[1]).toBe("0,cross,0,0,0,appelez,0,call,1,0.9");
    expect(lines[5]).toBe("0,cross,0,0,1,zanu,1,zanu,0.75,0.125");
    expect(lines).toHaveLength(1 + 9);
  });

  it("long format without copy attention is unchanged; maps without p_gen get an empty field beside ones with", () => {
    const { pGen: _drop, ...plain } = copyMap;
    expect(attentionCsv([plain]).split("\n")[0]).toBe(ATTENTION_CSV_HEADER);
    const mixed = attentionCsv([copyMap, { ...plain, sentence: 1 }]).trimEnd().split("\n");
    expect(mixed[mixed.length - 1]).toBe("1,cross,0,0,2,</s>,2,</s>,1,");
  });

  it("matrix format: a p_gen column after the source tokens", () => {
    expect(attentionMatrixCsv([copyMap])).toBe("# sentence 0 kind cross layer 0 head 0\n,call,zanu,</s>,p_gen\nappelez,1,0,0,0.9\nzanu,0,0.75,0.25,0.125\n</s>,0,0,1,0.5\n");
  });

  it("translate --show-pgen: p_gen and the token of each step, copied words outside the vocabulary marked", () => {
    expect(renderPGenTable(["appelez", "zanu", "</s>"], [0.9, 0.125, 0.5], [false, true, false])).toBe(
      "  p_gen  token\n  0.900  appelez\n  0.125  zanu  (source word outside the vocabulary)\n  0.500  </s>",
    );
  });
});
