/**
 * `attn translate`, `attn dump-attention` and `attn eval` as real processes on a tiny checkpoint
 * trained once (beforeAll) by the real `attn train`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { attn, parseCsv, readJsonLines, tempFolder, trainTiny, writeTinyTask, type Run } from "./fixture.js";

const HEADER = "sentence,kind,layer,head,target_index,target_token,source_index,source_token,weight";

const dir = tempFolder("cli-translate");
const run = join(dir, "run");
const noneRun = join(dir, "run-none");
// Five sources of 2–5 symbols; the comma and the quote are single tokens (CSV fields get quoted).
const SOURCES = ["a b c", 'e , " d', "b b a a e", 'c "', "d e a , b"];
const inputFile = join(dir, "input.txt");

beforeAll(async () => {
  const config = writeTinyTask(dir);
  writeFileSync(inputFile, SOURCES.join("\n") + "\n");
  await Promise.all([
    trainTiny(config, run, "--set", "training.maxSteps=40"),
    trainTiny(config, noneRun, "--set", "model.decoder.type=none", "--set", "training.maxSteps=2", "--set", "output.attentionSamples=0"),
  ]);
});

/** Memoised CLI call, so tests that compare outputs share one process per distinct command. */
const cache = new Map<string, Promise<Run>>();
function cached(args: string[], input?: string): Promise<Run> {
  const key = JSON.stringify([args, input ?? null]);
  let p = cache.get(key);
  if (!p) {
    p = attn(args, input === undefined ? {} : { input });
    cache.set(key, p);
  }
  return p;
}

/** A successful command: exit 0; returns its stdout lines. */
function ok(r: Run): string[] {
  expect(r.stderr, r.stderr).not.toMatch(/error/);
  expect(r.code).toBe(0);
  return r.stdout.split("\n").slice(0, -1);
}

/** A user error: exit 1, one line on stderr, no stack trace. */
function userError(r: Run, message: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const translate = (...args: string[]) => cached(["translate", "--checkpoint", run, "--input", inputFile, ...args]);
const dump = (...args: string[]) => cached(["dump-attention", "--checkpoint", run, ...args]);

interface Row {
  sentence: number;
  kind: string;
  layer: number;
  head: number;
  targetIndex: number;
  targetToken: string;
  sourceIndex: number;
  sourceToken: string;
  weight: number;
}

/** Parse the long-format CSV: exact header, nine fields per row. */
function longRows(csv: string): Row[] {
  const table = parseCsv(csv);
  expect(table[0]!.join(",")).toBe(HEADER);
  expect(csv.split("\n")[0]).toBe(HEADER);
  return table.slice(1).map((f) => {
    expect(f).toHaveLength(9);
    return {
      sentence: Number(f[0]),
      kind: f[1]!,
      layer: Number(f[2]),
      head: Number(f[3]),
      targetIndex: Number(f[4]),
      targetToken: f[5]!,
      sourceIndex: Number(f[6]),
      sourceToken: f[7]!,
      weight: Number(f[8]),
    };
  });
}

/** Group rows by (sentence, target_index); check each row of weights sums to 1 within 1e-5. */
function expectRowsSumToOne(rows: Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    expect(Number.isFinite(r.weight) && r.weight >= 0 && r.weight <= 1).toBe(true);
    const key = `${r.sentence}/${r.targetIndex}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  expect(groups.size).toBeGreaterThan(0);
  for (const [key, g] of groups) {
    const sum = g.reduce((s, r) => s + r.weight, 0);
    expect(Math.abs(sum - 1), `row ${key} sums to ${sum}`).toBeLessThan(1e-5);
  }
  return groups;
}

/** Target tokens in target_index order and source tokens in source_index order of one sentence. */
function labels(rows: Row[], sentence: number): { target: string[]; source: string[] } {
  const mine = rows.filter((r) => r.sentence === sentence);
  const target: string[] = [];
  const source: string[] = [];
  for (const r of mine) {
    target[r.targetIndex] = r.targetToken;
    source[r.sourceIndex] = r.sourceToken;
  }
  return { target, source };
}

describe.concurrent("attn translate", () => {
  it("stdin and --input give one translation per line, the same ones", async () => {
    const [fromStdin, fromFile] = await Promise.all([cached(["translate", "--checkpoint", run], SOURCES.join("\n") + "\n"), translate()]);
    const lines = ok(fromStdin);
    expect(lines).toHaveLength(SOURCES.length);
    expect(ok(fromFile)).toEqual(lines);
    expect(fromFile.stderr).toBe("");
  });

  it("--beam 1 gives exactly the greedy (default) output", async () => {
    const [greedy, beam1] = await Promise.all([translate(), translate("--beam", "1", "--batch-size", "32")]);
    expect(ok(beam1)).toEqual(ok(greedy));
  });

  it("batches of 1 and of 32 give identical output (greedy and beam 3)", async () => {
    const [g1, g32, b1, b32] = await Promise.all([
      translate("--batch-size", "1"),
      translate("--beam", "1", "--batch-size", "32"),
      translate("--beam", "3", "--batch-size", "1"),
      translate("--beam", "3", "--batch-size", "32"),
    ]);
    expect(ok(g1)).toEqual(ok(g32));
    expect(ok(b1)).toEqual(ok(b32));
    expect(ok(b1)).toHaveLength(SOURCES.length);
  });

  it("--n-best 3 lists 3 hypotheses per sentence with non-increasing scores, the first equal to the 1-best of --beam 3", async () => {
    const [nbest, beam3] = await Promise.all([translate("--n-best", "3"), translate("--beam", "3", "--batch-size", "32")]);
    const best = ok(beam3);
    const lines = ok(nbest);
    expect(lines).toHaveLength(3 * SOURCES.length);
    const parsed = lines.map((l) => {
      const f = l.split("\t");
      expect(f).toHaveLength(4);
      expect(f[2]).toMatch(/^-?\d+\.\d{4}$/);
      return { index: Number(f[0]), rank: Number(f[1]), score: Number(f[2]), text: f[3]! };
    });
    SOURCES.forEach((_, i) => {
      const mine = parsed.filter((p) => p.index === i);
      expect(mine.map((p) => p.rank)).toEqual([1, 2, 3]);
      for (let k = 1; k < mine.length; k++) expect(mine[k]!.score).toBeLessThanOrEqual(mine[k - 1]!.score);
      expect(mine.every((p) => p.score <= 0)).toBe(true);
      expect(mine[0]!.text).toBe(best[i]);
      expect(new Set(mine.map((p) => p.text)).size).toBe(3);
    });
    // They are listed sentence by sentence.
    expect(parsed.map((p) => p.index)).toEqual(SOURCES.flatMap((_, i) => [i, i, i]));
  });

  it("--output writes the translations to a file; --show-attention draws one heatmap per sentence on stderr", async () => {
    const out = join(dir, "out.txt");
    const [shown, plain] = await Promise.all([translate("--show-attention", "--output", out), translate()]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe(plain.stdout);
    const translations = ok(plain);
    SOURCES.forEach((src, i) => expect(shown.stderr).toContain(`${src} → ${translations[i]}`));
    expect(shown.stderr).toMatch(/[█▓▒░]/);
    expect(shown.stderr.split("\n").filter((l) => l.startsWith("</s>"))).toHaveLength(SOURCES.length);
  });

  it("a missing --input file: one line", async () => {
    userError(await cached(["translate", "--checkpoint", run, "--input", join(dir, "nope.txt")]), /--input .*nope\.txt: no such file/);
  });

  it("a folder without a checkpoint: one line naming where it looked", async () => {
    userError(await cached(["translate", "--checkpoint", dir], "a b\n"), /no checkpoint found; looked for/);
  });

  it('the "none" decoder translates but has no attention to show', async () => {
    const r = await cached(["translate", "--checkpoint", noneRun, "--show-attention"], "a b\nc d e\n");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, -1)).toHaveLength(2);
    expect(r.stderr).toContain('the "none" decoder has no attention to show');
  });
});

describe.concurrent("attn dump-attention", () => {
  it("--source: decoded target, exact header, rows sum to 1, labels are the tokens", async () => {
    const [r, greedy] = await Promise.all([dump("--source", 'e , " d'), translate()]);
    ok(r);
    const rows = longRows(r.stdout);
    expectRowsSumToOne(rows);
    expect(new Set(rows.map((x) => `${x.sentence} ${x.kind} ${x.layer} ${x.head}`))).toEqual(new Set(["0 cross 0 0"]));
    const { target, source } = labels(rows, 0);
    expect(source).toEqual(["e", ",", '"', "d", "</s>"]);
    expect(target.at(-1)).toBe("</s>");
    const translation = ok(greedy)[1]!;
    expect(target.slice(0, -1).join(" ")).toBe(translation);
    // Tokens "," and '"' are quoted in the raw text.
    expect(r.stdout).toContain(',",",');
    expect(r.stdout).toContain(',"""",');
  });

  it("--source --target: teacher forcing, one row per target token plus </s>", async () => {
    const r = await dump("--source", 'a , b "', "--target", '" b , a');
    ok(r);
    const rows = longRows(r.stdout);
    const groups = expectRowsSumToOne(rows);
    expect(groups.size).toBe(4 + 1);
    const { target, source } = labels(rows, 0);
    expect(target).toEqual(['"', "b", ",", "a", "</s>"]);
    expect(source).toEqual(["a", ",", "b", '"', "</s>"]);
    expect(rows).toHaveLength(5 * 5);
  });

  it("--input: every sentence, free and forced lines mixed, in input order", async () => {
    const file = join(dir, "dump-input.txt");
    writeFileSync(file, ["a b c", "c d\td c", 'e , " d', "b a e\te a b x"].join("\n") + "\n");
    const out = join(dir, "dump.csv");
    const r = await cached(["dump-attention", "--checkpoint", run, "--input", file, "--output", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const rows = longRows(readFileSync(out, "utf8"));
    expectRowsSumToOne(rows);
    expect([...new Set(rows.map((x) => x.sentence))]).toEqual([0, 1, 2, 3]);
    expect(labels(rows, 1).target).toEqual(["d", "c", "</s>"]);
    // "x" is not in the target vocabulary.
    expect(labels(rows, 3).target).toEqual(["e", "a", "b", "<unk>", "</s>"]);
    expect(labels(rows, 3).source).toEqual(["b", "a", "e", "</s>"]);
  });

  it("--format matrix: one labelled block per sentence, rows sum to 1", async () => {
    const file = join(dir, "matrix-input.txt");
    writeFileSync(file, ["a b c", "d , e\te , d", "c c"].join("\n") + "\n");
    const r = await cached(["dump-attention", "--checkpoint", run, "--input", file, "--format", "matrix"]);
    ok(r);
    const blocks = r.stdout.trimEnd().split("\n\n");
    expect(blocks).toHaveLength(3);
    blocks.forEach((block, i) => {
      const lines = block.split("\n");
      expect(lines[0]).toBe(`# sentence ${i} kind cross layer 0 head 0`);
      const table = parseCsv(lines.slice(1).join("\n"));
      const header = table[0]!;
      expect(header[0]).toBe("");
      expect(header.at(-1)).toBe("</s>");
      for (const row of table.slice(1)) {
        expect(row).toHaveLength(header.length);
        const sum = row.slice(1).reduce((s, w) => s + Number(w), 0);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      }
      expect(table.at(-1)![0]).toBe("</s>");
    });
    expect(parseCsv(blocks[1]!.split("\n").slice(1).join("\n"))[0]).toEqual(["", "d", ",", "e", "</s>"]);
  });

  it("filters: --kind cross keeps every row, --kind encoder-self (absent here) is an error naming the kinds there are", async () => {
    const [all, cross, self] = await Promise.all([
      dump("--source", "a b c"),
      dump("--source", "a b c", "--kind", "cross", "--layer", "0", "--head", "0"),
      dump("--source", "a b c", "--kind", "encoder-self"),
    ]);
    ok(all);
    expect(longRows(all.stdout).length).toBeGreaterThan(0);
    expect(cross.stdout).toBe(all.stdout);
    userError(self, /^error: --kind encoder-self: this model has no encoder-self attention; expected cross$/m);
    expect(self.stdout).toBe("");
  });

  it("bad flags: one line each", async () => {
    const [kind, format] = await Promise.all([dump("--source", "a b", "--kind", "self"), dump("--source", "a b", "--format", "wide")]);
    userError(kind, /--kind: expected one of cross \| encoder-self \| decoder-self; got "self"/);
    userError(format, /--format: expected long, matrix or svg; got "wide"/);
  });

  it('a "none"-decoder checkpoint: a clear one-line error', async () => {
    const r = await cached(["dump-attention", "--checkpoint", noneRun, "--source", "a b"]);
    userError(r, /the "none" \(fixed-vector\) decoder has no attention to dump/);
    expect(r.stdout).toBe("");
  });
});

describe.concurrent("attn eval", () => {
  it("--split test --json prints one JSON line with loss, perplexity, exact match and BLEU", async () => {
    const r = await cached(["eval", "--checkpoint", run, "--split", "test", "--json"]);
    const lines = ok(r);
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]!) as Record<string, number | string>;
    expect(j.split).toBe("test");
    expect(j.pairs).toBe(8);
    for (const k of ["loss", "perplexity", "exactMatch", "bleu"]) expect(typeof j[k], k).toBe("number");
    expect(j.loss as number).toBeGreaterThan(0);
    expect(j.perplexity as number).toBeCloseTo(Math.exp(j.loss as number), 9);
    expect(j.exactMatch as number).toBeGreaterThanOrEqual(0);
    expect(j.exactMatch as number).toBeLessThanOrEqual(1);
    expect(j.bleu as number).toBeGreaterThanOrEqual(0);
    expect(j.bleu as number).toBeLessThanOrEqual(100);
  });

  it("checkpoint round trip: eval of checkpoints/last on valid reproduces the training run's last validation", async () => {
    const r = await cached(["eval", "--checkpoint", join(run, "checkpoints", "last"), "--split", "valid", "--json"]);
    const j = JSON.parse(ok(r)[0]!) as Record<string, number>;
    const valid = readJsonLines(join(run, "metrics.jsonl")).filter((m) => m.type === "valid");
    const last = valid.at(-1)! as Record<string, number>;
    expect(last.step).toBe(40);
    expect(j.step).toBe(40);
    expect(j.loss).toBeCloseTo(last.loss!, 6);
    expect(j.exactMatch).toBe(last.exactMatch);
    expect(j.bleu).toBeCloseTo(last.bleu!, 6);
    expect(j.decoded).toBe(last.decoded);
  });

  it("a bad --split: one line", async () => {
    userError(await cached(["eval", "--checkpoint", run, "--split", "dev"]), /--split: expected train, valid or test; got "dev"/);
  });
});
