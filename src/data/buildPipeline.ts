/** Learning the text pipeline from training pairs: tokenizers (BPE merges) and vocabularies. */
import type { DataOptions } from "./dataset.js";
import type { TextPair } from "./readers/index.js";
import { TextPipeline } from "./textPipeline.js";
import { trainTokenizer, type Tokenizer, type TokenizerOptions } from "./tokenizers/index.js";
import { Vocab, type VocabOptions } from "./vocab.js";

/**
 * Source and target tokenizers. BPE learns its merges from the training pairs: from both sides
 * at once with a shared vocabulary and the same spec for both sides (one tokenizer object
 * then serves both), else from each side separately.
 */
export function buildTokenizers(train: readonly TextPair[], opts: DataOptions): { src: Tokenizer; tgt: Tokenizer } {
  const srcSpec = opts.tokenizer ?? {};
  const tgtSpec = opts.targetTokenizer ?? srcSpec;
  const srcTexts = (): Iterable<string> => train.map((p) => p.src);
  const tgtTexts = (): Iterable<string> => train.map((p) => p.tgt);
  if (opts.vocab?.shared && sameTokenizerSpec(srcSpec, tgtSpec)) {
    const joint = trainTokenizer(srcSpec, () => [...srcTexts(), ...tgtTexts()]);
    return { src: joint, tgt: joint };
  }
  return { src: trainTokenizer(srcSpec, srcTexts), tgt: trainTokenizer(tgtSpec, tgtTexts) };
}

function sameTokenizerSpec(a: TokenizerOptions, b: TokenizerOptions): boolean {
  const canonical = (t: TokenizerOptions) => [t.kind ?? "word", t.bpeVocabSize, t.bpeMinFrequency];
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * Source and target vocabularies from tokenised training text; the same object twice when
 * shared. Pass the tokenizers so that every BPE symbol gets an id, even one the training text
 * never shows alone (it would otherwise become <unk> in new words).
 */
export function buildVocabs(
  srcTokens: readonly (readonly string[])[],
  tgtTokens: readonly (readonly string[])[],
  opts: VocabOptions & { shared?: boolean } = {},
  tokenizers?: { src: Tokenizer; tgt: Tokenizer },
): { src: Vocab; tgt: Vocab } {
  const srcKeep = tokenizers?.src.symbols?.() ?? [];
  const tgtKeep = tokenizers?.tgt.symbols?.() ?? [];
  if (opts.shared) {
    const vocab = Vocab.build([...srcTokens, ...tgtTokens], { ...opts, keep: [...srcKeep, ...tgtKeep] });
    return { src: vocab, tgt: vocab };
  }
  return { src: Vocab.build(srcTokens, { ...opts, keep: srcKeep }), tgt: Vocab.build(tgtTokens, { ...opts, keep: tgtKeep }) };
}

/** Tokenizers and vocabularies learned from the training pairs. */
export function buildTextPipeline(train: readonly TextPair[], opts: DataOptions): TextPipeline {
  const tokenizers = buildTokenizers(train, opts);
  const vocabs = buildVocabs(
    train.map((p) => tokenizers.src.encode(p.src)),
    train.map((p) => tokenizers.tgt.encode(p.tgt)),
    opts.vocab,
    tokenizers,
  );
  return new TextPipeline(
    { lowercase: opts.lowercase, stripAccents: opts.stripAccents },
    tokenizers.src,
    tokenizers.tgt,
    vocabs.src,
    vocabs.tgt,
  );
}
