import type { AttentionMatrix } from "../attentionCsv.js";

/**
 * The attention dumps of a run (attention/step-N.csv) in the compact form the report embeds:
 * the validation steps, the maps found in any dump (sentence × kind × layer × head), and per step
 * and map the tokens and the row-major weights rounded to 4 decimals (0 stays exactly 0, a tiny
 * weight stays above 0, so sparse zeros remain distinguishable).
 */
export interface AttentionTimeline {
  steps: number[];
  maps: { sentence: number; kind: string; layer: number; head: number; label: string }[];
  /** frames[stepIndex][mapIndex]: [target tokens, source tokens, weights row-major], or null when that step's dump lacks the map. */
  frames: (([string[], string[], number[]] | null)[])[];
}

export function attentionTimeline(dumps: readonly { step: number; matrices: readonly AttentionMatrix[] }[]): AttentionTimeline {
  const sorted = [...dumps].sort((a, b) => a.step - b.step);
  const keyOf = (m: AttentionMatrix) => `${m.sentence}|${m.kind}|${m.layer}|${m.head}`;
  const maps = new Map<string, AttentionTimeline["maps"][number]>();
  for (const d of sorted) {
    for (const m of d.matrices) {
      if (!maps.has(keyOf(m))) {
        const source = m.sourceTokens.filter((t) => t !== "</s>").join(" ");
        const shown = Array.from(source).length > 40 ? Array.from(source).slice(0, 39).join("") + "…" : source;
        const label = `sentence ${m.sentence} “${shown}” · ${m.kind}` + (m.kind === "cross" && m.layer === 0 && m.head === 0 ? "" : ` · layer ${m.layer} · head ${m.head}`);
        maps.set(keyOf(m), { sentence: m.sentence, kind: m.kind, layer: m.layer, head: m.head, label });
      }
    }
  }
  const order = [...maps.keys()].sort((a, b) => {
    const [x, y] = [maps.get(a)!, maps.get(b)!];
    return x.sentence - y.sentence || x.kind.localeCompare(y.kind) || x.layer - y.layer || x.head - y.head;
  });
  const frames = sorted.map((d) => {
    const byKey = new Map(d.matrices.map((m) => [keyOf(m), m]));
    return order.map((k): [string[], string[], number[]] | null => {
      const m = byKey.get(k);
      return m ? [m.targetTokens, m.sourceTokens, m.weights.flatMap((row) => row.map(compact))] : null;
    });
  });
  return { steps: sorted.map((d) => d.step), maps: order.map((k) => maps.get(k)!), frames };
}

function compact(w: number): number {
  if (w === 0 || !Number.isFinite(w)) return w === 0 ? 0 : -1;
  const r = Math.round(w * 1e4) / 1e4;
  return r === 0 ? 1e-4 : r;
}
