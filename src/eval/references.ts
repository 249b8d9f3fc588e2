/**
 * References the way sacreBLEU takes them: a list of reference *streams*, `streams[k][i]` being
 * the k-th reference of sentence i. A null (or missing) entry means sentence i has fewer
 * references; the signature then says nrefs:var.
 */
export type ReferenceStreams = readonly (readonly (string | null | undefined)[])[];

export interface SentenceReferences {
  /** The references of each sentence, nulls dropped. */
  bySentence: string[][];
  /** References per sentence for the signature: a number, or "var" when it differs. */
  nrefs: number | "var";
}

/** Regroups streams per sentence; every stream must be as long as the hypotheses. */
export function sentenceReferences(streams: ReferenceStreams, sentences: number, who: string): SentenceReferences {
  if (streams.length === 0) throw new Error(`${who}: no reference stream`);
  streams.forEach((s, k) => {
    if (s.length !== sentences) throw new Error(`${who}: ${sentences} hypotheses but reference stream ${k} has ${s.length} sentences`);
  });
  const counts = new Set<number>();
  const bySentence = Array.from({ length: sentences }, (_, i) => {
    const refs = streams.map((s) => s[i]).filter((r): r is string => typeof r === "string");
    if (refs.length === 0) throw new Error(`${who}: sentence ${i} has no reference`);
    counts.add(refs.length);
    return refs;
  });
  const nrefs = counts.size === 1 ? [...counts][0]! : counts.size === 0 ? streams.length : "var";
  return { bySentence, nrefs };
}
