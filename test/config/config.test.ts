import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderConfigDocs } from "../../src/config/docs.js";
import { applyOverrides, validateConfig } from "../../src/config/load.js";
import { UserError } from "../../src/errors.js";

const base = { data: { path: "data/dates" } };

function errorOf(raw: unknown): string {
  try {
    validateConfig(raw, "c.json");
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error("expected a validation error");
}

describe("config validation", () => {
  it("fills every default", () => {
    const c = validateConfig(base, "c.json");
    expect(c.seed).toBe(1234);
    expect(c.model.decoder.type).toBe("bahdanau");
    expect(c.model.attention.score).toBe("additive");
    expect(c.training.earlyStopping.metric).toBe("loss");
    expect(c.data.split.valid).toBe(0.05);
  });

  it("names the JSON path and the valid choices of a misspelt enum value", () => {
    expect(errorOf({ ...base, model: { attention: { score: "additve" } } })).toBe(
      'c.json: model.attention.score: expected one of additive | dot | general | bilinear | concat | scaled-dot | multihead; got "additve"',
    );
  });

  it("rejects unknown keys with their path", () => {
    expect(errorOf({ ...base, training: { maxStep: 10 } })).toBe('c.json: training: unknown key "maxStep"');
    expect(errorOf({ ...base, colour: "red" })).toBe('c.json: (config): unknown key "colour"');
  });

  it("reports wrong types and ranges", () => {
    expect(errorOf({ ...base, training: { lr: "fast" } })).toBe('c.json: training.lr: expected number; got "fast"');
    expect(errorOf({ ...base, training: { batchSize: 0 } })).toMatch(/^c\.json: training\.batchSize: .*; got 0$/);
  });

  it("requires a data source", () => {
    expect(errorOf({})).toBe("c.json: data: required (expected object)");
    expect(errorOf({ data: {} })).toBe('c.json: data: expected "path" (one corpus to split) or "train" (with optional "valid" and "test")');
  });

  it("checks combinations across fields", () => {
    expect(errorOf({ ...base, model: { decoder: { type: "bahdanau" }, attention: { scope: "local-m" } } })).toMatch(/local attention is Luong's/);
    expect(errorOf({ ...base, model: { encoder: { hiddenSize: 64 }, decoder: { type: "luong", hiddenSize: 100 }, attention: { score: "dot" } } })).toMatch(
      /model\.decoder\.hiddenSize = 100 must equal the encoder output size 128/,
    );
    expect(errorOf({ ...base, model: { decoder: { type: "none", bridge: "none" } } })).toMatch(/^c\.json: model\.decoder\.bridge = "none": /);
  });
});

describe("--set overrides", () => {
  it("sets nested values parsed as JSON, strings otherwise, and validates them like the file", () => {
    const raw = applyOverrides(base, ["training.maxSteps=100", "model.attention.score=dot", "model.decoder.hiddenSize=256", "data.lowercase=true"]);
    const c = validateConfig(raw, "c.json");
    expect(c.training.maxSteps).toBe(100);
    expect(c.model.attention.score).toBe("dot");
    expect(c.data.lowercase).toBe(true);
    expect(errorOf(applyOverrides(base, ["model.attention.score=additve"]))).toMatch(/model\.attention\.score: expected one of/);
  });

  it("does not modify the original object", () => {
    const raw = { data: { path: "x" } };
    applyOverrides(raw, ["data.path=y"]);
    expect(raw.data.path).toBe("x");
  });

  it("rejects malformed overrides", () => {
    expect(() => applyOverrides(base, ["training.maxSteps"])).toThrow("--set training.maxSteps: expected path=value, e.g. --set training.maxSteps=100");
    expect(() => applyOverrides(base, ["data.path.x=1"])).toThrow('--set data.path.x=1: "path" is not an object in the config');
  });
});

describe("docs/config.md", () => {
  it("is generated from the schema (run `npm run docs:config` after changing it)", () => {
    const onDisk = readFileSync(new URL("../../docs/config.md", import.meta.url), "utf8");
    expect(onDisk).toBe(renderConfigDocs());
  });

  it("documents every option of every section", () => {
    const doc = renderConfigDocs();
    for (const key of ["data.path", "tokenizer.source.type", "vocab.shared", "model.encoder.bidirectional", "model.decoder.inputFeeding", "model.attention.scope", "training.labelSmoothing", "training.earlyStopping.metric", "decoding.beam", "output.runsDir"]) {
      expect(doc).toContain(`\`${key}\``);
    }
  });
});
