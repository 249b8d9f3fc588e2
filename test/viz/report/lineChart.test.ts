import { describe, expect, it } from "vitest";
import { lineChartSvg, niceTicks } from "../../../src/viz/report/lineChart.js";

const points = (ys: number[]): [number, number][] => ys.map((y, i) => [10 * (i + 1), y]);

describe("lineChartSvg", () => {
  it("draws axes, tick labels, axis names and one polyline per series", () => {
    const svg = lineChartSvg({ title: "Loss", xLabel: "step", yLabel: "loss", series: [{ name: "train", points: points([2, 1.5, 1]) }, { name: "valid", points: points([2.2, 1.8, 1.4]) }] });
    expect(svg.match(/<polyline class="line"/g)).toHaveLength(2);
    expect(svg).toContain('class="x-label"');
    expect(svg).toContain(">step</text>");
    expect(svg).toContain(">loss</text>");
    // the y axis starts and ends on labelled ticks
    expect(svg).toContain(">1</text>");
    expect(svg).toContain(">2.5</text>");
    // x ticks 10, 15, …, 30 and a legend naming both series
    expect(svg).toContain(">10</text>");
    expect(svg).toContain(">30</text>");
    expect(svg).toContain(">valid</text>");
    expect(svg).not.toContain("non-finite");
  });

  it("breaks the line at NaN and Infinity and counts them instead of drawing 0", () => {
    const svg = lineChartSvg({ title: "Perplexity", xLabel: "step", yLabel: "perplexity", series: [{ name: "valid", points: points([5, NaN, 4, Infinity, 3, 2]) }] });
    // [5] alone is a dot, [4] alone is a dot, [3, 2] a line
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain("2 non-finite values not drawn");
    expect(svg).not.toContain("NaN,");
  });

  it("says so when there is nothing to draw", () => {
    expect(lineChartSvg({ title: "chrF", xLabel: "step", yLabel: "chrF", series: [{ name: "valid", points: [] }] })).toContain("no values recorded");
    expect(lineChartSvg({ title: "BLEU", xLabel: "step", yLabel: "BLEU", series: [{ name: "valid", points: points([NaN, NaN]) }] })).toContain("only non-finite values (2 NaN/Infinity)");
  });

  it("uses a log axis with power-of-ten ticks only over two decades or more", () => {
    const wide = lineChartSvg({ title: "p", xLabel: "step", yLabel: "perplexity", logY: true, series: [{ name: "v", points: points([1000, 50, 3]) }] });
    expect(wide).toContain("perplexity (log scale)");
    expect(wide).toContain(">10</text>");
    expect(wide).toContain(">100</text>");
    const narrow = lineChartSvg({ title: "p", xLabel: "step", yLabel: "perplexity", logY: true, series: [{ name: "v", points: points([6.9, 4.1]) }] });
    expect(narrow).not.toContain("log scale");
  });

  it("escapes titles and series names", () => {
    const svg = lineChartSvg({ title: "a <b> & c", xLabel: "x", yLabel: "y", series: [{ name: "<s>", points: points([1]) }, { name: "t", points: points([2]) }] });
    expect(svg).toContain("a &lt;b&gt; &amp; c");
    expect(svg).toContain("&lt;s&gt;");
  });
});

describe("niceTicks", () => {
  it("steps of 1, 2 or 5 times a power of ten covering the range", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(10, 40, 6)).toEqual([10, 15, 20, 25, 30, 35, 40]);
    expect(niceTicks(1.3, 2.2, 5)).toEqual([1.4, 1.6, 1.8, 2, 2.2]);
    expect(niceTicks(0.004, 1.27, 5, true)).toEqual([0, 0.5, 1, 1.5]);
  });
});
