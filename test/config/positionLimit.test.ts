import { describe, expect, it } from "vitest";
import { toDataOptions } from "../../src/config/dataOptions.js";
import { validateConfig } from "../../src/config/load.js";
import { positionLimit } from "../../src/config/positionLimit.js";

const transformer = (positions: string, maxPositions: number, maxLen: number) => ({
  data: { path: "data/dates" },
  model: { encoder: { type: "transformer", hiddenSize: 8 }, decoder: { type: "transformer", hiddenSize: 8 }, transformer: { heads: 2, positions, maxPositions } },
  decoding: { maxLen },
});

describe("position limits of a config", () => {
  it("learned positions: P rows hold P − 1 tokens a side (</s> or <s> takes one) and P decoder steps", () => {
    const c = validateConfig(transformer("learned", 16, 16), "c.json");
    expect(positionLimit(c.model)).toEqual({ positions: 16, sentenceTokens: 15, decodingSteps: 16 });
    expect(toDataOptions(c).modelMaxLen).toBe(15);
  });

  it("decoding.maxLen one past maxPositions is refused up front, naming both options", () => {
    expect(() => validateConfig(transformer("learned", 16, 16), "c.json")).not.toThrow();
    expect(() => validateConfig(transformer("learned", 16, 17), "c.json")).toThrow(
      /^c\.json: decoding\.maxLen\b.*17 decoder steps need 17 target positions .*model\.transformer\.maxPositions\b.*16 with learned positions; expected decoding\.maxLen ≤ 16/,
    );
  });

  it("sinusoidal and relative positions, and recurrent models, have no limit", () => {
    for (const positions of ["sinusoidal", "relative"]) {
      const c = validateConfig(transformer(positions, 16, 500), "c.json");
      expect(positionLimit(c.model)).toBeNull();
      expect(toDataOptions(c).modelMaxLen).toBeUndefined();
    }
    const rnn = validateConfig({ data: { path: "data/dates" }, model: { transformer: { positions: "learned", maxPositions: 4 } }, decoding: { maxLen: 100 } }, "c.json");
    expect(positionLimit(rnn.model)).toBeNull();
  });
});
