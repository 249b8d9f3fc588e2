import { describe, expect, it } from "vitest";
import { attentionSvg } from "../../src/viz/attentionSvg.js";
import { weightColor } from "../../src/viz/colorScale.js";
import { findAll, ownText, parseXml, type XmlElement } from "../helpers/xml.js";

const cells = (root: XmlElement) => findAll(root, (e) => e.name === "rect" && e.attrs.class === "cell");
const group = (root: XmlElement, cls: string) => findAll(root, (e) => e.name === "g" && e.attrs.class === cls)[0]!;
const labels = (g: XmlElement) => findAll(g, (e) => e.name === "text").map(ownText);

/** Relative luminance of #rrggbb, enough to order colours from light to dark. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

describe("attentionSvg", () => {
  const tricky = ["<", "&", '"', "'", "</s>", "a&b<c>\"d'", "ctl\u0001x", "lone\ud800"];
  const weights = [
    [0.5, 0.25, 0, 0.25, 0, 0, 0, 0],
    [0, 0, 1, 0, 0, 0, 0, 0],
  ];
  const svg = attentionSvg({ weights, rowLabels: ["&amp;", "<s>"], colLabels: tricky, title: 'sentence 0 · cross · layer 1 · head 2 · "q" & <k>', rowAxis: "target (query)", colAxis: "source (key)" });
  const root = parseXml(svg);

  it("is a well-formed SVG document with one cell per weight", () => {
    expect(root.name).toBe("svg");
    expect(root.attrs.xmlns).toBe("http://www.w3.org/2000/svg");
    expect(cells(root)).toHaveLength(2 * 8);
  });

  it("escapes tokens and the title, reading back exactly (characters XML forbids become U+FFFD)", () => {
    expect(labels(group(root, "col-labels"))).toEqual(["<", "&", '"', "'", "</s>", "a&b<c>\"d'", "ctl\ufffdx", "lone\ufffd"]);
    expect(labels(group(root, "row-labels"))).toEqual(["&amp;", "<s>"]);
    const title = findAll(root, (e) => e.name === "text" && e.attrs.class === "title")[0]!;
    expect(ownText(title)).toBe('sentence 0 · cross · layer 1 · head 2 · "q" & <k>');
    expect(findAll(root, (e) => e.name === "text" && e.attrs.class === "axis").map(ownText)).toEqual(["source (key)", "target (query)"]);
  });

  it("hatches exact zeros and colours other weights darker as they grow", () => {
    const fills = cells(root).map((c) => c.attrs.fill!);
    weights.flat().forEach((w, k) => {
      if (w === 0) expect(fills[k]).toBe("url(#zero)");
      else expect(fills[k]).toBe(weightColor(w));
    });
    expect(findAll(root, (e) => e.name === "pattern" && e.attrs.id === "zero")).toHaveLength(1);
    // A weight of 1e-9 is coloured (the lightest blue), never hatched like an exact zero.
    const tiny = parseXml(attentionSvg({ weights: [[1e-9, 1 - 1e-9]], rowLabels: ["t"], colLabels: ["a", "b"], title: "t" }));
    expect(cells(tiny)[0]!.attrs.fill).toMatch(/^#[0-9a-f]{6}$/);
    const ladder = [0.01, 0.2, 0.4, 0.6, 0.8, 1].map((w) => luminance(weightColor(w)));
    ladder.slice(1).forEach((l, i) => expect(l).toBeLessThan(ladder[i]!));
  });

  it("has a legend: the colour scale with ticks 0 to 1 and the exact-zero swatch", () => {
    const legend = group(root, "legend");
    expect(labels(legend)).toEqual(["0.00", "0.25", "0.50", "0.75", "1.00", "exactly 0"]);
    expect(findAll(legend, (e) => e.name === "rect").map((r) => r.attrs.fill)).toEqual(["url(#scale)", "url(#zero)"]);
  });

  it("is self-contained: no links, images, fonts or styles fetched from elsewhere", () => {
    expect(svg).not.toMatch(/href|<image|@import|@font-face|<style/);
    expect(svg.match(/https?:\/\/[^"]*/g)).toEqual(["http://www.w3.org/2000/svg"]);
    expect(svg.match(/url\([^)]*\)/g)!.every((u) => u.startsWith("url(#"))).toBe(true);
  });

  it("prints weights in large cells and tooltips on every cell of small matrices", () => {
    const values = labels(group(root, "values"));
    expect(values).toEqual(weights.flat().map((w) => (w === 0 ? "0" : w.toFixed(2))));
    expect(ownText(findAll(cells(root)[0]!, (e) => e.name === "title")[0]!)).toBe("&amp; → <: 0.5");
  });

  it("stays readable from 1 to 200 tokens", () => {
    const one = parseXml(attentionSvg({ weights: [[1]], rowLabels: ["</s>"], colLabels: ["</s>"], title: "one" }));
    expect(cells(one)).toHaveLength(1);
    const n = 200;
    const w = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0.9 : 0.1 / (n - 1))));
    const long = "x".repeat(40);
    const big = attentionSvg({ weights: w, rowLabels: Array.from({ length: n }, (_, i) => `t${i}`), colLabels: Array.from({ length: n }, (_, i) => (i === 0 ? long : `s${i}`)), title: "big" });
    const root200 = parseXml(big);
    const rects = cells(root200);
    expect(rects).toHaveLength(n * n);
    expect(Number(rects[0]!.attrs.width)).toBeGreaterThanOrEqual(10);
    expect(Number(root200.attrs.width)).toBeLessThan(2600);
    expect(Number(root200.attrs.height)).toBeLessThan(2600);
    // The 40-character token is cut to 24 characters, the whole token kept as its tooltip.
    const first = findAll(group(root200, "col-labels"), (e) => e.name === "text")[0]!;
    expect(ownText(first)).toBe("x".repeat(23) + "…");
    expect(ownText(findAll(first, (e) => e.name === "title")[0]!)).toBe(long);
    // No per-cell tooltips or printed values at this size (they would make the file huge).
    expect(findAll(rects[0]!, (e) => e.name === "title")).toHaveLength(0);
    expect(findAll(root200, (e) => e.attrs.class === "values")).toHaveLength(0);
  });

  it("rejects labels that do not match the matrix", () => {
    expect(() => attentionSvg({ weights: [[1, 0]], rowLabels: ["a"], colLabels: ["b"], title: "t" })).toThrow(/row 0 has 2 weights but there are 1 column labels/);
    expect(() => attentionSvg({ weights: [[1]], rowLabels: [], colLabels: ["b"], title: "t" })).toThrow(/1 rows but 0 row labels/);
  });
});

describe("the test's XML parser", () => {
  it("rejects what is not well-formed XML", () => {
    expect(() => parseXml("<a><b></a>")).toThrow(/closes/);
    expect(() => parseXml("<a>&</a>")).toThrow(/bare "&"/);
    expect(() => parseXml('<a x="<"/>')).toThrow(/raw "<"/);
    expect(() => parseXml("<a>&nbsp;</a>")).toThrow(/unknown entity/);
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/);
    expect(() => parseXml("<a/><b/>")).toThrow(/after the root/);
    expect(() => parseXml("<a>\u0001</a>")).toThrow(/not allowed/);
    expect(parseXml('<a x="&lt;&#38;">t&gt;<b/></a>')).toEqual({ name: "a", attrs: { x: "<&" }, children: ["t>", { name: "b", attrs: {}, children: [] }] });
  });
});
