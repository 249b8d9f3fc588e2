import { describe, expect, it } from "vitest";
import { decodeNumber, encodeNumber, toJson } from "../src/json.js";

describe("JSON numbers", () => {
  it("writes NaN and ±Infinity as strings JSON can hold, at any depth, and finite numbers as they are", () => {
    const text = toJson({ loss: Infinity, nested: { values: [NaN, -Infinity, 1.5] }, step: 3, name: "NaN" });
    expect(JSON.parse(text)).toEqual({ loss: "Infinity", nested: { values: ["NaN", "-Infinity", 1.5] }, step: 3, name: "NaN" });
    expect(text).not.toContain("null");
    expect(JSON.stringify({ loss: Infinity })).toBe('{"loss":null}'); // what the helper exists to avoid
  });

  it("reads back what it writes", () => {
    for (const x of [NaN, Infinity, -Infinity, 0, -2.5, 1e-300]) expect(decodeNumber(JSON.parse(JSON.stringify(encodeNumber(x))))).toBe(x);
    expect(decodeNumber("inf")).toBeUndefined();
    expect(decodeNumber(null)).toBeUndefined();
  });

  it("indents like JSON.stringify", () => {
    expect(toJson({ a: 1 }, 2)).toBe(JSON.stringify({ a: 1 }, null, 2));
  });
});
