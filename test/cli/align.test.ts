/**
 * End to end: `attn data generate` writes gold alignments, a tiny model trains on the data, then
 * `attn align`, `attn eval --alignments` and `attn dump-attention --format svg` run as real
 * processes. AER is recomputed here from align's output and the gold file, independently of
 * src/eval, and must match what eval reports.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { corpusBleu } from "../../src/eval/bleu.js";
import { formatAlignmentReport, type AlignmentReport } from "../../src/workflows/alignmentReport.js";
import { runAlign } from "../../src/workflows/align.js";
import { runDumpAttention } from "../../src/workflows/dumpAttention.js";
import { runEval } from "../../src/workflows/evaluate.js";
import { findAll, parseXml } from "../helpers/xml.js";
import { attn, tempFolder, tinyConfig, trainTiny, type Run } from "./fixture.js";

const TEST_PAIRS = 12;

/** Och & Ney's AER, precision and recall over a corpus of sure-only gold links (P = S), from Pharaoh lines. */
function aerOf(predicted: string[], gold: string[]): { aer: number; precision: number; recall: number } {
  let a = 0;
  let s = 0;
  let both = 0;
  predicted.forEach((line, i) => {
    const A = new Set(line.split(" ").filter(Boolean));
    const S = new Set(gold[i]!.split(" ").filter(Boolean));
    a += A.size;
    s += S.size;
    both += [...A].filter((l) => S.has(l)).length;
  });
  return { aer: 1 - (2 * both) / (a + s), precision: both / a, recall: both / s };
}

const lines = (text: string): string[] => text.split("\n").slice(0, -1);

/** A user mistake: a UserError whose message is one line (the CLI prints it as `error: <message>`). */
async function expectUserError(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  expect((err as UserError).message).not.toContain("\n");
  expect((err as UserError).message).toMatch(pattern);
}

describe("alignments and pictures from a trained model", () => {
  const dir = tempFolder("align");
  const gen = join(dir, "gen");
  const gold = join(gen, "test.align");
  const testTsv = join(gen, "test.tsv");
  const run = join(dir, "run");
  const transformer = join(dir, "transformer-run");
  const rnnPics = join(dir, "rnn-svg");
  const tPics = join(dir, "transformer-svg");
  let tsv: string[] = [];
  let goldLines: string[] = [];
  // Every CLI process of the file, run together once the models are trained (each costs a Node start-up).
  let out: Record<"forced" | "shift" | "free" | "translated" | "evalJson" | "evalText" | "rnnSvg" | "tJson" | "tHead" | "tSvg", Run>;

  beforeAll(async () => {
    const g = await attn(["data", "generate", "--task", "reverse", "--n", "150", "--valid", "12", "--test", String(TEST_PAIRS), "--min-len", "2", "--max-len", "5", "--symbols", "5", "--seed", "3", "--out", gen]);
    if (g.code !== 0) throw new Error(g.stderr);
    tsv = lines(readFileSync(testTsv, "utf8"));
    goldLines = lines(readFileSync(gold, "utf8"));
    const data = { train: "gen/train.tsv", valid: "gen/valid.tsv", test: "gen/test.tsv" };
    writeFileSync(join(dir, "rnn.json"), JSON.stringify(tinyConfig({ data, decoding: { maxLen: 8 } })));
    const model = { encoder: { type: "transformer", hiddenSize: 8, layers: 2 }, decoder: { type: "transformer", hiddenSize: 8, layers: 2 }, transformer: { heads: 2, ffSize: 16, dropout: 0 } };
    writeFileSync(join(dir, "transformer.json"), JSON.stringify(tinyConfig({ data, model, decoding: { maxLen: 8 } })));
    await Promise.all([trainTiny(join(dir, "rnn.json"), run, "--set", "training.maxSteps=60"), trainTiny(join(dir, "transformer.json"), transformer, "--set", "training.maxSteps=20")]);
    const plain = join(dir, "sources.txt");
    writeFileSync(plain, tsv.map((l) => l.split("\t")[0]).join("\n") + "\n");
    const two = join(dir, "two.tsv");
    writeFileSync(two, tsv.slice(0, 2).join("\n") + "\n");
    const runs = {
      forced: ["align", "--checkpoint", run, "--input", testTsv],
      shift: ["align", "--checkpoint", run, "--input", testTsv, "--method", "shift-att"],
      free: ["align", "--checkpoint", run, "--input", plain],
      translated: ["translate", "--checkpoint", run, "--input", plain],
      evalJson: ["eval", "--checkpoint", run, "--alignments", gold, "--json"],
      evalText: ["eval", "--checkpoint", run, "--alignments", gold],
      rnnSvg: ["dump-attention", "--checkpoint", run, "--input", two, "--format", "svg", "--output", rnnPics],
      tJson: ["eval", "--checkpoint", transformer, "--alignments", gold, "--json"],
      tHead: ["align", "--checkpoint", transformer, "--input", testTsv, "--layer", "1", "--head", "0", "--method", "shift-att"],
      tSvg: ["dump-attention", "--checkpoint", transformer, "--input", two, "--format", "svg", "--output", tPics, "--kind", "cross"],
    } as const;
    const results = await Promise.all(Object.values(runs).map((args) => attn(args)));
    out = Object.fromEntries(Object.keys(runs).map((k, i) => [k, results[i]!])) as typeof out;
    for (const [k, r] of Object.entries(out)) if (r.code !== 0) throw new Error(`${k} exited ${r.code}: ${r.stderr}`);
  }, 180_000);

  it("data generate's gold is Pharaoh i-j over the model's word tokens, one line per pair", () => {
    expect(goldLines).toHaveLength(TEST_PAIRS);
    goldLines.forEach((line, i) => {
      const n = tsv[i]!.split("\t")[0]!.split(" ").length;
      // Reversal: source token k is target token n − 1 − k.
      expect(line).toBe(Array.from({ length: n }, (_, k) => `${k}-${n - 1 - k}`).join(" "));
    });
  });

  it("align: one Pharaoh line per input line; a TSV line aligns its target, a plain line its translation", () => {
    const check = (text: string, targets: string[]) => {
      const got = lines(text);
      expect(got).toHaveLength(TEST_PAIRS);
      got.forEach((line, i) => {
        expect(line).toMatch(/^(\d+-\d+)( \d+-\d+)*$|^$/);
        const links = line === "" ? [] : line.split(" ").map((l) => l.split("-").map(Number) as [number, number]);
        const nSrc = tsv[i]!.split("\t")[0]!.split(" ").length;
        const nTgt = targets[i] === "" ? 0 : targets[i]!.split(" ").length;
        // argmax: every target token has exactly one link, to a real source token (never </s>).
        expect(links.map(([, j]) => j).sort((a, b) => a - b)).toEqual(Array.from({ length: nTgt }, (_, j) => j));
        for (const [src] of links) expect(src).toBeLessThan(nSrc);
        // Sorted by source, then target index.
        expect(formatSorted(links)).toBe(line);
      });
    };
    check(out.forced.stdout, tsv.map((l) => l.split("\t")[1]!));
    check(out.free.stdout, lines(out.translated.stdout));
  });

  it("eval --alignments reports the AER, precision and recall of align's links against the gold, for argmax and shift-att", () => {
    const report = (JSON.parse(out.evalJson.stdout) as { alignment: AlignmentReport }).alignment;
    expect(report.sentences).toBe(TEST_PAIRS);
    expect(report.rows).toHaveLength(1);
    expect(report.best).toBeUndefined();
    const row = report.rows[0]!;
    for (const [method, r] of [["argmax", out.forced], ["shift-att", out.shift]] as const) {
      const expected = aerOf(lines(r.stdout), goldLines);
      expect(row[method].aer).toBeCloseTo(expected.aer, 12);
      expect(row[method].precision).toBeCloseTo(expected.precision, 12);
      expect(row[method].recall).toBeCloseTo(expected.recall, 12);
    }
    expect(out.evalText.stdout).toContain(`alignment vs gold (${TEST_PAIRS} sentences), AER / precision / recall: argmax ${(100 * row.argmax.aer).toFixed(1)}%`);
  });

  it("eval scores BLEU the sacreBLEU way and prints sacreBLEU's signatures, chrF and chrF++", () => {
    const r = JSON.parse(out.evalJson.stdout) as { bleu: number; chrF: number; chrFpp: number; signatures: Record<string, string> };
    expect(r.bleu).toBeCloseTo(corpusBleu(lines(out.translated.stdout), [tsv.map((l) => l.split("\t")[1]!)]).bleu, 10);
    expect(r.signatures).toEqual({
      bleu: "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0",
      chrF: "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0",
      chrFpp: "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0",
    });
    expect(out.evalText.stdout).toContain(`BLEU ${r.bleu.toFixed(2)} | chrF ${r.chrF.toFixed(2)} | chrF++ ${r.chrFpp.toFixed(2)}`);
    expect(out.evalText.stdout).toContain("sacreBLEU signatures: BLEU nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
  });

  it("Transformer: eval scores every head, each layer's mean and the mean of all heads, and names the best head", () => {
    const report = (JSON.parse(out.tJson.stdout) as { alignment: AlignmentReport }).alignment;
    const { rows, best } = report;
    expect(rows.map((r) => r.maps)).toEqual(["layer 0 head 0", "layer 0 head 1", "layer 1 head 0", "layer 1 head 1", "layer 0, mean of 2 heads", "layer 1, mean of 2 heads", "all 4 heads, mean"]);
    for (const method of ["argmax", "shift-att"] as const) {
      const heads = rows.filter((r) => r.head !== null);
      const lowest = Math.min(...heads.map((r) => r[method].aer));
      expect(best![method].aer).toBe(lowest);
      expect(heads.find((r) => r.layer === best![method].layer && r.head === best![method].head)![method].aer).toBe(lowest);
    }
    const l1h0 = rows.find((r) => r.maps === "layer 1 head 0")!;
    expect(l1h0["shift-att"].aer).toBeCloseTo(aerOf(lines(out.tHead.stdout), goldLines).aer, 12);
    const text = formatAlignmentReport(report);
    expect(text).toContain("| cross-attention | argmax | shift-att |");
    expect(text).toContain(`| all 4 heads, mean | ${(100 * rows[6]!.argmax.aer).toFixed(1)}% / `);
    expect(text).toMatch(/lowest AER: argmax layer \d head \d \(\d+\.\d%\), shift-att layer \d head \d \(\d+\.\d%\)/);
  });

  it("bad gold files and selections are one-line user errors naming file:line or the flag", async () => {
    const write = (name: string, body: string[]) => {
      writeFileSync(join(dir, name), body.join("\n") + "\n");
      return join(dir, name);
    };
    const short = write("short.align", goldLines.slice(0, -1));
    const long = write("long.align", [...goldLines, "0-0"]);
    const malformed = write("malformed.align", goldLines.map((l, i) => (i === 2 ? l.replace(" ", " 0x1 ") : l)));
    const range = write("range.align", goldLines.map((l, i) => (i === 0 ? `${l} 9-0` : l)));
    const evalWith = (file: string) => runEval({ checkpoint: run, split: "test", beam: 1, alignments: file });
    await expectUserError(evalWith(short), new RegExp(`^${short}:${TEST_PAIRS}: the file ends after ${TEST_PAIRS - 1} lines, but the test split has pairs up to line ${TEST_PAIRS}`));
    await expectUserError(evalWith(long), new RegExp(`^${long}:${TEST_PAIRS + 1}: one line more than the ${TEST_PAIRS} lines`));
    await expectUserError(evalWith(malformed), new RegExp(`^${malformed}:3: link "0x1": expected i-j \\(sure\\) or i\\?j / ipj \\(possible\\)`));
    await expectUserError(evalWith(range), new RegExp(`^${range}:1: link 9-0 is out of range \\(source index 9: the source has \\d tokens\\)`));
    await expectUserError(runAlign({ checkpoint: transformer, input: testTsv, layer: 2, method: "argmax" }), /^--layer 2: out of range; this model's cross attention has layers 0–1$/);
    await expectUserError(runAlign({ checkpoint: transformer, input: testTsv, layer: 1, head: 2, method: "argmax" }), /^--head 2: out of range; this model's cross attention has heads 0–1 in layer 1$/);
    await expectUserError(runAlign({ checkpoint: run, input: testTsv, method: "attention" }), /^--method: expected argmax or shift-att; got "attention"$/);
    await expectUserError(runDumpAttention({ checkpoint: run, source: "a b", format: "svg" }), /^--format svg writes one file per sentence, kind, layer and head: give the folder with --output <dir>$/);
  });

  it("dump-attention --format svg writes one labelled heatmap per sentence, kind, layer and head", () => {
    expect(out.rnnSvg.stdout).toBe(`wrote 2 SVG files to ${rnnPics}\n`);
    expect(readdirSync(rnnPics).sort()).toEqual(["sentence-0-cross-layer0-head0.svg", "sentence-1-cross-layer0-head0.svg"]);
    tsv.slice(0, 2).forEach((line, i) => {
      const [src, tgt] = line.split("\t").map((x) => x.split(" "));
      const svg = parseXml(readFileSync(join(rnnPics, `sentence-${i}-cross-layer0-head0.svg`), "utf8"));
      // Rows: the target tokens and </s>; columns: the source tokens and </s>.
      expect(findAll(svg, (e) => e.name === "rect" && e.attrs.class === "cell")).toHaveLength((tgt!.length + 1) * (src!.length + 1));
      expect(findAll(svg, (e) => e.attrs.class === "title")[0]!.children).toEqual([`sentence ${i} · cross · layer 0 · head 0`]);
      const cols = findAll(findAll(svg, (e) => e.attrs.class === "col-labels")[0]!, (e) => e.name === "text").map((e) => e.children.join(""));
      expect(cols).toEqual([...src!, "</s>"]);
    });
    expect(readdirSync(tPics).sort()).toEqual([0, 1].flatMap((s) => [0, 1].flatMap((l) => [0, 1].map((h) => `sentence-${s}-cross-layer${l}-head${h}.svg`))));
  });
});

function formatSorted(links: [number, number][]): string {
  return [...links].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([i, j]) => `${i}-${j}`).join(" ");
}
