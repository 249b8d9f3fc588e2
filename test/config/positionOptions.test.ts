/**
 * Config mistakes in the position, adaptive-span and local-p options are one-line errors naming
 * the option; the new positions have no length limit.
 */
import { describe, expect, it } from "vitest";
import { applyOverrides, validateConfig } from "../../src/config/load.js";
import { ValueOrigins } from "../../src/config/origins.js";
import { positionLimit } from "../../src/config/positionLimit.js";
import { UserError } from "../../src/errors.js";

const transformer = {
  data: { path: "data/x" },
  model: {
    encoder: { type: "transformer", hiddenSize: 16, layers: 1 },
    decoder: { type: "transformer", hiddenSize: 16, layers: 1 },
    transformer: { heads: 2, ffSize: 16 },
  },
};

function errorOf(raw: unknown, sets: string[]): string {
  try {
    validateConfig(applyOverrides(raw, sets), "c.json", ValueOrigins.fromSets(sets));
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error(`expected a validation error for ${sets.join(" ")}`);
}

const valid = (sets: string[]) => validateConfig(applyOverrides(transformer, sets), "c.json", ValueOrigins.fromSets(sets));

describe("position and span options", () => {
  const cases: [string[], RegExp][] = [
    [['model.transformer.adaptiveSpan={"maxSpan":8,"ramp":0}'], /^c\.json: model\.transformer\.adaptiveSpan\.ramp: .*; got 0 \(from --set\)$/],
    [['model.transformer.adaptiveSpan={"maxSpan":8,"init":1.5}'], /^c\.json: model\.transformer\.adaptiveSpan\.init: .*; got 1\.5 \(from --set\)$/],
    [['model.transformer.adaptiveSpan={"maxSpan":8,"lossWeight":-1}'], /^c\.json: model\.transformer\.adaptiveSpan\.lossWeight: .*; got -1 \(from --set\)$/],
    [['model.transformer.adaptiveSpan={"maxSpan":2.5}'], /^c\.json: model\.transformer\.adaptiveSpan\.maxSpan: .*; got 2\.5 \(from --set\)$/],
    [["model.transformer.adaptiveSpan.maxSpan=0"], /^c\.json: model\.transformer\.adaptiveSpan\.maxSpan: .*; got 0 \(from --set\)$/],
    [["model.transformer.adaptiveSpan.maxSpan=1000000"], /^c\.json: model\.transformer\.adaptiveSpan\.maxSpan = 1000000 \(from --set\): expected at most 100,000$/],
    [['model.transformer.adaptiveSpan={"span":8}'], /^c\.json: model\.transformer\.adaptiveSpan: unknown key "span" \(from --set\)$/],
    [["model.transformer.t5Buckets=3"], /^c\.json: model\.transformer\.t5Buckets: .*; got 3 \(from --set\)$/],
    [["model.transformer.t5Buckets=5000"], /^c\.json: model\.transformer\.t5Buckets = 5000 \(from --set\): expected at most 1,024$/],
    [["model.transformer.positions=rope"], /^c\.json: model\.transformer\.positions: expected one of sinusoidal \| learned \| relative \| rotary \| alibi \| t5; got "rope" \(from --set\)$/],
    [["model.attention.localP=inside"], /^c\.json: model\.attention\.localP: expected one of renormalised \| paper; got "inside" \(from --set\)$/],
  ];
  for (const [sets, message] of cases) {
    it(`${sets.join(" ")}: one line naming the option`, () => {
      const m = errorOf(transformer, sets);
      expect(m.split("\n")).toHaveLength(1);
      expect(m).toMatch(message);
    });
  }

  it("accepts the options with their defaults filled in", () => {
    const c = valid(["model.transformer.positions=t5", 'model.transformer.adaptiveSpan={"maxSpan":10}']);
    expect(c.model.transformer.adaptiveSpan).toEqual({ maxSpan: 10, ramp: 32, lossWeight: 2e-6, init: 0 });
    expect([c.model.transformer.t5Buckets, c.model.transformer.t5MaxDistance]).toEqual([32, 128]);
    expect(valid([]).model.transformer.adaptiveSpan).toBeUndefined();
    expect(valid([]).model.attention.localP).toBe("renormalised");
  });

  it("rotary, alibi and t5 have no length limit: only learned positions bound decoding.maxLen", () => {
    for (const positions of ["rotary", "alibi", "t5"]) {
      const c = valid([`model.transformer.positions=${positions}`, "model.transformer.maxPositions=8", "decoding.maxLen=500"]);
      expect(positionLimit(c.model)).toBeNull();
    }
    expect(errorOf(transformer, ["model.transformer.positions=learned", "model.transformer.maxPositions=8", "decoding.maxLen=500"])).toMatch(/positions without a length limit \(sinusoidal, relative, rotary, alibi, t5\)$/);
  });
});
