/**
 * Text ↔ ids for one trained model: normalisation options, source and target tokenizers and
 * vocabularies. It is saved into the run folder / checkpoint so that `attn translate` and
 * `attn eval` process text exactly as training did.
 */
import { readFile, writeFile } from "node:fs/promises";
import { UserError } from "../errors.js";
import { normalizeText, type NormalizeOptions } from "./normalize.js";
import { displayPath } from "../fsErrors.js";
import { tokenizerFromJSON, type Tokenizer, type TokenizerJSON } from "./tokenizers/index.js";
import { BOS, EOS, Vocab, type VocabJSON } from "./vocab.js";

export interface TextPipelineJSON {
  format: "attn-text-pipeline";
  version: 1;
  normalize: NormalizeOptions;
  srcTokenizer: TokenizerJSON;
  /** "shared" when both sides use the same tokenizer (e.g. joint BPE). */
  tgtTokenizer: TokenizerJSON | "shared";
  srcVocab: VocabJSON;
  /** "shared" when both sides use one vocabulary (needed to tie source and target embeddings). */
  tgtVocab: VocabJSON | "shared";
}

export class TextPipeline {
  constructor(
    readonly normalizeOptions: NormalizeOptions,
    readonly srcTokenizer: Tokenizer,
    readonly tgtTokenizer: Tokenizer,
    readonly srcVocab: Vocab,
    readonly tgtVocab: Vocab,
  ) {}

  get sharedVocab(): boolean {
    return this.srcVocab === this.tgtVocab;
  }

  normalize(text: string): string {
    return normalizeText(text, this.normalizeOptions);
  }

  /** Source tokens of raw text (normalised first): labels for attention heatmaps. */
  sourceTokens(text: string): string[] {
    return this.srcTokenizer.encode(this.normalize(text));
  }

  targetTokens(text: string): string[] {
    return this.tgtTokenizer.encode(this.normalize(text));
  }

  /** Source ids of tokens: ids + </s>. */
  sourceIds(tokens: readonly string[]): Int32Array {
    const ids = new Int32Array(tokens.length + 1);
    ids.set(this.srcVocab.encode(tokens));
    ids[tokens.length] = EOS;
    return ids;
  }

  /** Target ids of tokens: <s> + ids + </s>. */
  targetIds(tokens: readonly string[]): Int32Array {
    const ids = new Int32Array(tokens.length + 2);
    ids[0] = BOS;
    ids.set(this.tgtVocab.encode(tokens), 1);
    ids[tokens.length + 1] = EOS;
    return ids;
  }

  /** Raw source sentence → model input ids (what `attn translate` feeds the encoder). */
  encodeSource(text: string): Int32Array {
    return this.sourceIds(this.sourceTokens(text));
  }

  encodeTarget(text: string): Int32Array {
    return this.targetIds(this.targetTokens(text));
  }

  /**
   * Model output ids → text: stops at </s>, skips <pad>/<s>; unknown ids print as "<unk>".
   * `extended`: with copy attention, the sentence's source words outside the target vocabulary
   * (ids V + k; data/copyVocab.ts).
   */
  decodeTarget(ids: ArrayLike<number>, extended?: readonly string[]): string {
    return this.tgtTokenizer.decode(this.tgtVocab.decode(ids, extended));
  }

  decodeSource(ids: ArrayLike<number>): string {
    return this.srcTokenizer.decode(this.srcVocab.decode(ids));
  }

  toJSON(): TextPipelineJSON {
    return {
      format: "attn-text-pipeline",
      version: 1,
      normalize: { lowercase: !!this.normalizeOptions.lowercase, stripAccents: !!this.normalizeOptions.stripAccents },
      srcTokenizer: this.srcTokenizer.toJSON(),
      tgtTokenizer: this.srcTokenizer === this.tgtTokenizer ? "shared" : this.tgtTokenizer.toJSON(),
      srcVocab: this.srcVocab.toJSON(),
      tgtVocab: this.sharedVocab ? "shared" : this.tgtVocab.toJSON(),
    };
  }

  static fromJSON(json: unknown, where = "text pipeline"): TextPipeline {
    const j = json as Partial<TextPipelineJSON> | null;
    if (j?.format !== "attn-text-pipeline" || j.version !== 1) {
      throw new UserError(`${where}: not a saved attn text pipeline; expected "format": "attn-text-pipeline", "version": 1`);
    }
    const srcTokenizer = tokenizerFromJSON(j.srcTokenizer, `${where}: srcTokenizer`);
    const tgtTokenizer = j.tgtTokenizer === "shared" ? srcTokenizer : tokenizerFromJSON(j.tgtTokenizer, `${where}: tgtTokenizer`);
    const srcVocab = Vocab.fromJSON(j.srcVocab, `${where}: srcVocab`);
    const tgtVocab = j.tgtVocab === "shared" ? srcVocab : Vocab.fromJSON(j.tgtVocab, `${where}: tgtVocab`);
    return new TextPipeline(j.normalize ?? {}, srcTokenizer, tgtTokenizer, srcVocab, tgtVocab);
  }
}

/** Writes the pipeline as JSON (the trainer keeps it at <run>/vocab/pipeline.json). */
export async function saveTextPipeline(file: string, pipeline: TextPipeline): Promise<void> {
  await writeFile(file, JSON.stringify(pipeline.toJSON()) + "\n", "utf8");
}

export async function loadTextPipeline(file: string): Promise<TextPipeline> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UserError(`${displayPath(file)}: cannot read the saved tokenizers and vocabularies (is this a run folder?)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${displayPath(file)}: invalid JSON (${(err as Error).message})`);
  }
  return TextPipeline.fromJSON(json, displayPath(file));
}
