/**
 * sacreBLEU's reproducibility signature (sacrebleu/metrics/base.py, Signature.format): the number
 * of references, the metric's own settings, and the sacreBLEU version whose numbers attn
 * reproduces (test/fixtures/sacrebleu/cases.json is generated with it).
 */
export const SACREBLEU_VERSION = "2.6.0";

export function sacrebleuSignature(nrefs: number | "var", fields: readonly (readonly [string, string | number])[]): string {
  return [`nrefs:${nrefs}`, ...fields.map(([k, v]) => `${k}:${v}`), `version:${SACREBLEU_VERSION}`].join("|");
}
