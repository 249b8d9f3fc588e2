/**
 * `attn explain` through the real CLI on tiny runs trained here: the table, the JSON (every
 * vector, reproducible from the seed), --layer / --head on a Transformer, and the one-line errors
 * (a decoder without attention, copy attention, a missing input file, an over-long sentence,
 * --permutations 0 or not an integer, a --layer the model does not have).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SentenceExplanation } from "../../src/workflows/explain/explanation.js";
import { attn, readJsonFile, stripAnsi, tempFolder, trainTiny, writeTinyTask } from "./fixture.js";

const dir = tempFolder("explain");
const runs = { bahdanau: join(dir, "bahdanau"), none: join(dir, "none"), copy: join(dir, "copy"), transformer: join(dir, "transformer") };
const input = join(dir, "input.txt");
const P = 5; // learned positions: at most 4 tokens a side

beforeAll(async () => {
  const config = writeTinyTask(dir);
  const tdir = join(dir, "t");
  const tconfig = writeTinyTask(tdir, {
    model: { encoder: { type: "transformer", hiddenSize: 8, layers: 1 }, decoder: { type: "transformer", hiddenSize: 8, layers: 2 }, transformer: { heads: 2, ffSize: 16, positions: "learned", maxPositions: P } },
    decoding: { maxLen: P },
  });
  writeFileSync(input, "a b c\nd , e\te , d\n");
  await Promise.all([
    trainTiny(config, runs.bahdanau, "--set", "training.maxSteps=20"),
    trainTiny(config, runs.none, "--set", "model.decoder.type=none", "--set", "training.maxSteps=1"),
    trainTiny(config, runs.copy, "--set", "model.decoder.copy=true", "--set", "training.maxSteps=1"),
    trainTiny(tconfig, runs.transformer, "--set", "training.maxSteps=2"),
  ]);
}, 60_000);

/** The one red error line of a failed command (commander's usage errors add its "(run with --help for usage)"). */
function errorLine(r: { code: number | null; stderr: string }): string {
  expect(r.code).toBe(1);
  const lines = stripAnsi(r.stderr).trim().split("\n");
  expect(lines.slice(1).filter((l) => !l.startsWith("(run with --help"))).toEqual([]);
  return lines[0]!;
}

/** A sentence of the --json file (its non-finite numbers read back as the strings "NaN", …). */
type SentenceJson = Omit<SentenceExplanation, "summary">;

describe.concurrent("attn explain", () => {
  it("prints a table per sentence and a summary, and --json writes every number, the same for the same seed", async () => {
    const json = join(dir, "bahdanau.json");
    const r = await attn(["explain", "--checkpoint", runs.bahdanau, "--input", input, "--permutations", "20", "--json", json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const out = stripAnsi(r.stdout);
    expect(out).toMatch(/^sentence 1 \(greedy output\): a b c <\/s> → /);
    expect(out).toContain("sentence 2 (given target): d , e </s> → e , d </s>");
    expect(out).toMatch(/\n {2}step {2}token {2}max a {2}at +perm TVD median +max {2}uniform TVD {2}τ\(a, g×i\) {2}τ\(a, LOO\)\n/);
    // The first step of the given target: step, token, max a, its source token, the TVDs, the two τ.
    expect(out).toMatch(/\n {5}0 {2}e +0\.\d{3} {2}\S+ +\d\.\d{3} +\d\.\d{3} +\d\.\d{3} +(-?\d\.\d{3}|n\/a) +(-?\d\.\d{3}|n\/a)\n/);
    expect(out).toMatch(/all 2 sentences: median over \d+ steps: perm TVD \d\.\d{3} \(max \d\.\d{3}\), uniform TVD \d\.\d{3}, max a \d\.\d{3}, τ\(a, g×i\) \S+ \(\d+% > 0\), τ\(a, LOO\) \S+ \(\d+% > 0\)\n$/);

    const report = readJsonFile(json) as { permutations: number; seed: number; attention: unknown; sentences: SentenceJson[]; summary: Record<string, unknown> };
    expect(report).toMatchObject({ permutations: 20, seed: 1, attention: { changed: { layers: [0], head: null }, read: { layer: 0, heads: [0] } } });
    expect(report.sentences.map((s) => s.target)).toEqual([null, "e , d"]);
    // The greedy output explained is the one `attn translate` gives.
    const translated = await attn(["translate", "--checkpoint", runs.bahdanau], { input: "a b c\n" });
    expect(report.sentences[0]!.outputTokens.filter((t) => t !== "</s>").join(" ")).toBe(translated.stdout.trim());
    const forced = report.sentences[1]!;
    expect(forced.outputTokens).toEqual(["e", ",", "d", "</s>"]);
    expect(forced.steps).toHaveLength(4);
    for (const s of report.sentences) {
      for (const st of s.steps) {
        for (const v of [st.attention, st.gradInput, st.leaveOneOut]) expect(v).toHaveLength(s.sourceTokens.length);
        expect(st.attention.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(st.permutationTvd.values).toHaveLength(20);
        expect(st.permutationTvd.max).toBe(Math.max(...st.permutationTvd.values));
        for (const tvd of [...st.permutationTvd.values, st.uniformTvd, ...st.leaveOneOut]) expect(tvd >= 0 && tvd <= 1).toBe(true);
      }
    }
    expect(report.summary).toMatchObject({ steps: report.sentences[0]!.steps.length + 4 });

    const again = join(dir, "bahdanau-again.json");
    expect((await attn(["explain", "--checkpoint", runs.bahdanau, "--input", input, "--permutations", "20", "--json", again, "--quiet"])).stdout).toBe("");
    expect(readFileSync(again, "utf8")).toBe(readFileSync(json, "utf8"));
  });

  it("Transformer: --layer and --head choose the head that is permuted and read", async () => {
    const json = join(dir, "transformer.json");
    const r = await attn(["explain", "--checkpoint", runs.transformer, "--permutations", "5", "--layer", "0", "--head", "1", "--json", json], { input: "a b c\n" });
    expect(r.code, r.stderr).toBe(0);
    expect(stripAnsi(r.stdout)).toContain("sentence 1 (greedy output): a b c </s> →");
    expect(readJsonFile(json)).toMatchObject({ attention: { changed: { layers: [0], head: 1 }, read: { layer: 0, heads: [1] } } });
    expect(errorLine(await attn(["explain", "--checkpoint", runs.transformer, "--head", "2"], { input: "a b\n" }))).toBe("error: --head 2: this model's cross-attention has 2 heads (0–1)");
  });

  it("a sentence longer than the model reads is an error naming its line", async () => {
    const file = join(dir, "long.txt");
    writeFileSync(file, "a b\na b c d e\n");
    expect(errorLine(await attn(["explain", "--checkpoint", runs.transformer, "--input", file]))).toBe(
      `error: ${file}:2: the source has 5 tokens, but this model reads at most ${P - 1} (learned positions, model.transformer.maxPositions ${P}, and </s> takes one); shorten or split the sentence`,
    );
  });

  it("models it cannot explain are one clear line naming the config path", async () => {
    expect(errorLine(await attn(["explain", "--checkpoint", runs.none, "--input", input]))).toBe(`error: ${runs.none}: the "none" (fixed-vector) decoder has no attention to explain (model.decoder.type)`);
    expect(errorLine(await attn(["explain", "--checkpoint", runs.copy, "--input", input]))).toMatch(/^error: .*explain does not support copy attention \(model\.decoder\.copy\)/);
    expect(errorLine(await attn(["explain", "--checkpoint", runs.bahdanau, "--input", input, "--layer", "1"]))).toBe("error: --layer 1: this model's decoder has 1 cross-attention layer (0–0)");
  });

  it("a missing input file and a bad --permutations are one-line errors", async () => {
    const missing = join(dir, "nope.txt");
    expect(errorLine(await attn(["explain", "--checkpoint", runs.bahdanau, "--input", missing]))).toBe(`error: --input ${missing}: no such file`);
    for (const bad of ["0", "1.5"]) {
      const line = errorLine(await attn(["explain", "--checkpoint", runs.bahdanau, "--input", input, "--permutations", bad]));
      expect(line).toContain(`--permutations expects an integer ≥ 1; got "${bad}"`);
    }
  });

  it("a --json path that cannot be written is refused before any work; an empty input says so", async () => {
    const nowhere = join(dir, "no-such-folder", "out.json");
    const r = await attn(["explain", "--checkpoint", runs.bahdanau, "--input", input, "--json", nowhere]);
    expect(errorLine(r)).toBe(`error: --json ${nowhere}: the folder ${join(dir, "no-such-folder")} does not exist`);
    expect(r.stdout).toBe("");
    expect(errorLine(await attn(["explain", "--checkpoint", runs.bahdanau, "--input", input, "--json", dir]))).toBe(`error: --json ${dir}: is a folder; expected a file name`);
    const empty = join(dir, "empty.txt");
    writeFileSync(empty, "");
    const e = await attn(["explain", "--checkpoint", runs.bahdanau, "--input", empty]);
    expect(e.code).toBe(0);
    expect(e.stdout).toBe("");
    expect(stripAnsi(e.stderr).trim()).toBe(`explain: no sentences in ${empty}; nothing to explain`);
  });
});
