/**
 * The exported tokenizer.py processes text exactly as attn does (src/data/normalize.ts,
 * src/data/tokenizers/, src/data/vocab.ts): normalisation with and without lower-casing and
 * accent stripping, the word, char, space and BPE tokenizers, ids and detokenisation, on text
 * chosen to hit the edge cases (odd whitespace, control characters, joiners, marker characters,
 * combining marks, non-Latin scripts). Needs /usr/bin/python3 (no torch).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TextPipeline } from "../../src/data/textPipeline.js";
import { BpeTokenizer, CharTokenizer, SpaceTokenizer, WordTokenizer, type Tokenizer } from "../../src/data/tokenizers/index.js";
import { Vocab } from "../../src/data/vocab.js";
import { ROOT, tempFolder } from "../cli/fixture.js";

const TEXTS = [
  "Hello, world!",
  "  Va !\tIl fait\u00a0beau…  ",
  "don't (really) \"quoted\" -- ok?!",
  "Ça déjà vu: İstanbul ΣΟΦΟΣ straße",
  "zero\u200bwidth\ufeff and \u0007bell\r\nline",
  "marks \u2581 and \uFFED here",
  "2026-11-23 12:30 ₤5 5% a_b",
  "日本語のテキスト、です。 한국어",
  "e\u0301 combining vs é",
  "",
];

const KINDS: Record<string, () => Tokenizer> = {
  word: () => new WordTokenizer(),
  char: () => new CharTokenizer(),
  space: () => new SpaceTokenizer(),
  bpe: () => BpeTokenizer.train(TEXTS.concat(TEXTS.map((t) => t.toLowerCase())), { vocabSize: 120, minFrequency: 1 }),
};

const SCRIPT = `
import json, sys
sys.path.insert(0, sys.argv[1])
from tokenizer import TextPipeline
p = TextPipeline(sys.argv[2])
texts = json.load(open(sys.argv[3], encoding="utf-8"))
out = []
for t in texts:
    ids = p.encode_source(t)
    out.append({"normalized": p.normalize(t), "tokens": p.source_tokens(t), "ids": ids, "decoded": p.decode_target(p.encode_target(t))})
print(json.dumps(out))
`;

describe("tokenizer.py", () => {
  for (const [kind, make] of Object.entries(KINDS)) {
    for (const normalize of [{ lowercase: false, stripAccents: false }, { lowercase: true, stripAccents: true }]) {
      it(`${kind} tokenizer, ${JSON.stringify(normalize)}: same normalisation, tokens, ids and detokenisation`, () => {
        const dir = tempFolder("export-tok");
        const tok = make();
        const sample = TEXTS.slice(0, 6).map((t) => tok.encode(new TextPipeline(normalize, tok, tok, new Vocab(["<pad>", "<s>", "</s>", "<unk>"]), new Vocab(["<pad>", "<s>", "</s>", "<unk>"])).normalize(t)));
        const vocab = Vocab.build(sample);
        const pipeline = new TextPipeline(normalize, tok, tok, vocab, vocab);
        writeFileSync(join(dir, "pipeline.json"), JSON.stringify(pipeline.toJSON()));
        writeFileSync(join(dir, "texts.json"), JSON.stringify(TEXTS));
        writeFileSync(join(dir, "check.py"), SCRIPT);
        copyFileSync(join(ROOT, "src", "workflows", "export", "python", "tokenizer.py"), join(dir, "tokenizer.py"));
        const r = spawnSync("/usr/bin/python3", [join(dir, "check.py"), dir, join(dir, "pipeline.json"), join(dir, "texts.json")], { encoding: "utf8" });
        expect(r.stderr).toBe("");
        const theirs = JSON.parse(r.stdout) as unknown[];
        const ours = TEXTS.map((t) => ({
          normalized: pipeline.normalize(t),
          tokens: pipeline.sourceTokens(t),
          ids: Array.from(pipeline.encodeSource(t)),
          decoded: pipeline.decodeTarget(pipeline.encodeTarget(t)),
        }));
        expect(theirs).toEqual(ours);
      });
    }
  }
});
