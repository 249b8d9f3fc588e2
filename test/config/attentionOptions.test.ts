/**
 * The attention options of the config come from the attention registry: enums, descriptions in
 * docs/config.md, defaults, and one-line errors for impossible values.
 */
import { describe, expect, it } from "vitest";
import { NORMALIZER_REGISTRY, SCOPE_REGISTRY, SCORE_REGISTRY } from "../../src/attention/registry.js";
import { renderConfigDocs } from "../../src/config/docs.js";
import { applyOverrides, validateConfig } from "../../src/config/load.js";
import { ValueOrigins } from "../../src/config/origins.js";
import { ATTENTION_NORMALIZERS, ATTENTION_SCOPES, ATTENTION_SCORES, ConfigSchema } from "../../src/config/schema.js";
import { UserError } from "../../src/errors.js";

const base = { data: { path: "data/x" } };

function errorOf(sets: string[]): string {
  try {
    validateConfig(applyOverrides(base, sets), "c.json", ValueOrigins.fromSets(sets));
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error(`expected an error for ${sets.join(" ")}`);
}

describe("attention options from the registry", () => {
  it("the enums are the registry's names, in its order", () => {
    expect([...ATTENTION_SCORES]).toEqual(Object.keys(SCORE_REGISTRY));
    expect([...ATTENTION_SCOPES]).toEqual(Object.keys(SCOPE_REGISTRY));
    expect([...ATTENTION_NORMALIZERS]).toEqual(Object.keys(NORMALIZER_REGISTRY));
  });

  it("docs/config.md lists every entry with its summary, in both sections that take a normaliser", () => {
    const doc = renderConfigDocs().replace(/\\\|/g, "|");
    for (const registry of [SCORE_REGISTRY, SCOPE_REGISTRY, NORMALIZER_REGISTRY] as Record<string, { summary: string }>[]) {
      for (const [name, e] of Object.entries(registry)) expect(doc).toContain(`${name}: ${e.summary}`);
    }
    for (const section of ["model.attention", "model.transformer"]) {
      for (const key of ["normalizer", "alpha", "learnAlpha", "topK"]) expect(doc).toContain(`\`${section}.${key}\``);
    }
  });

  it("defaults: softmax over every position, α unset; a config written before normalisers existed resolves to that", () => {
    const c = ConfigSchema.parse(base).model;
    for (const s of [c.attention, c.transformer]) {
      expect(s.normalizer).toBe("softmax");
      expect(s.learnAlpha).toBe(false);
      expect(s.alpha).toBeUndefined();
      expect(s.topK).toBeUndefined();
    }
  });

  it("topK below 1 or fractional, α ≤ 1, an unknown normaliser: one line naming the option", () => {
    for (const [set, re] of [
      ["model.attention.topK=0", /^c\.json: model\.attention\.topK: .*; got 0 \(from --set\)$/],
      ["model.transformer.topK=-2", /^c\.json: model\.transformer\.topK: .*; got -2 \(from --set\)$/],
      ["model.attention.topK=1.5", /^c\.json: model\.attention\.topK: .*; got 1\.5 \(from --set\)$/],
      ["model.transformer.alpha=1", /^c\.json: model\.transformer\.alpha: .*; got 1 \(from --set\)$/],
      ["model.attention.normalizer=sparsemx", /^c\.json: model\.attention\.normalizer: expected one of softmax \| sparsemax \| entmax15 \| entmax; got "sparsemx" \(from --set\)$/],
    ] as const) {
      const message = errorOf([set]);
      expect(message.split("\n")).toHaveLength(1);
      expect(message).toMatch(re);
    }
  });

  it("accepts topK above any sentence length and every normaliser with its α", () => {
    for (const sets of [["model.attention.topK=1000"], ["model.attention.normalizer=entmax", "model.attention.alpha=1.2"], ["model.transformer.normalizer=entmax", "model.transformer.learnAlpha=true", "model.transformer.alpha=3"]]) {
      expect(() => validateConfig(applyOverrides(base, sets), "c.json")).not.toThrow();
    }
  });
});
