import { corpusBleu } from "./bleu.js";
import { corpusChrF } from "./chrF.js";

/** BLEU, chrF and chrF++ of a corpus with one reference per sentence, with sacreBLEU's signatures. */
export interface TextScores {
  bleu: number;
  chrF: number;
  /** chrF++: chrF with word uni- and bigrams (Popović 2017). */
  chrFpp: number;
  /** What sacreBLEU prints beside each score; the same settings there give the same numbers. */
  signatures: { bleu: string; chrF: string; chrFpp: string };
}

/** sacreBLEU's default BLEU, chrF and chrF++ (src/eval/bleu.ts, chrF.ts). */
export function textScores(hypotheses: readonly string[], references: readonly string[]): TextScores {
  const bleu = corpusBleu(hypotheses, [references]);
  const chrF = corpusChrF(hypotheses, [references]);
  const chrFpp = corpusChrF(hypotheses, [references], { wordOrder: 2 });
  return { bleu: bleu.bleu, chrF: chrF.chrF, chrFpp: chrFpp.chrF, signatures: { bleu: bleu.signature, chrF: chrF.signature, chrFpp: chrFpp.signature } };
}
