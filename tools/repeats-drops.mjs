#!/usr/bin/env node
// Over- and under-translation of decoded outputs against their references, word by word (the
// failures coverage addresses; Tu et al. 2016): for each sentence, a word emitted more often than
// the reference has it is "repeated" (each extra occurrence counts), a reference word emitted less
// often is "dropped" (each missing occurrence counts). For the reversal and copy tasks the
// reference words are the source words, so these are repeated and dropped source words.
//
//   node tools/repeats-drops.mjs REFERENCE.tsv HYPOTHESES.txt
//
// REFERENCE.tsv: source<TAB>target lines (the target is the reference); HYPOTHESES.txt: one output
// per line, in the same order (fewer lines: only those sentences count). Prints one JSON line.
import { readFileSync } from "node:fs";

const [refFile, hypFile] = process.argv.slice(2);
if (!refFile || !hypFile) {
  process.stderr.write("usage: node tools/repeats-drops.mjs REFERENCE.tsv HYPOTHESES.txt\n");
  process.exit(1);
}
const lines = (f) => readFileSync(f, "utf8").split("\n").filter((l, i, all) => l !== "" || i < all.length - 1);
const refs = lines(refFile).map((l) => l.split("\t")[1] ?? "");
const hyps = lines(hypFile);
const counts = (s) => {
  const m = new Map();
  for (const w of s.split(" ").filter((w) => w !== "")) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
};
let words = 0, repeated = 0, dropped = 0, withRepeat = 0, withDrop = 0, exact = 0;
hyps.forEach((hyp, i) => {
  const ref = counts(refs[i] ?? "");
  const out = counts(hyp);
  let r = 0, d = 0;
  for (const [w, n] of out) r += Math.max(0, n - (ref.get(w) ?? 0));
  for (const [w, n] of ref) {
    d += Math.max(0, n - (out.get(w) ?? 0));
    words += n;
  }
  repeated += r;
  dropped += d;
  if (r > 0) withRepeat++;
  if (d > 0) withDrop++;
  if (hyp === refs[i]) exact++;
});
process.stdout.write(JSON.stringify({ sentences: hyps.length, referenceWords: words, repeated, dropped, sentencesWithRepeats: withRepeat, sentencesWithDrops: withDrop, exact }) + "\n");
