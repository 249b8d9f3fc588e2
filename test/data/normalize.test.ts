import { describe, expect, it } from "vitest";
import { normalizeText } from "../../src/data/normalize.js";

describe("normalizeText", () => {
  it("composes to NFC", () => {
    const decomposed = "Cafe\u0301";
    expect(normalizeText(decomposed)).toBe("Café");
    expect(normalizeText(decomposed).length).toBe(4);
  });

  it("collapses whitespace runs, trims, drops control characters and zero-width spaces", () => {
    expect(normalizeText("  a\t b\u00a0\u00a0c \u200b d\u0007 ")).toBe("a b c d");
  });

  it("lowercases and strips accents on request", () => {
    expect(normalizeText("Élodie ÉTÉ", { lowercase: true })).toBe("élodie été");
    expect(normalizeText("Příliš žluťoučký déjà vu", { stripAccents: true })).toBe("Prilis zlutoucky deja vu");
    expect(normalizeText("Ça Œuvre", { lowercase: true, stripAccents: true })).toBe("ca œuvre");
    expect(normalizeText("İstanbul", { lowercase: true, stripAccents: true })).toBe("istanbul");
  });

  it("replaces the tokenizers' marker characters so round trips stay exact", () => {
    expect(normalizeText("a\u2581b \uFFEDc")).toBe("a_b _c");
  });

  it("is idempotent", () => {
    const once = normalizeText(" Ève\u0301  et\tÉlodie ", { lowercase: true, stripAccents: true });
    expect(normalizeText(once, { lowercase: true, stripAccents: true })).toBe(once);
  });
});
