import type { AttentionMap } from "../models/types.js";

/** How concentrated one attention (kind, layer, head) is, averaged over its query rows. */
export interface AttentionStats {
  kind: AttentionMap["kind"];
  layer: number;
  head: number;
  /** Query rows averaged over (target steps, or source positions for encoder self-attention). */
  rows: number;
  /** Mean number of positions a row covers (its real keys): the support of a dense softmax. */
  positions: number;
  /** Mean support size: positions with a weight > 0 per row (the row's length for softmax; fewer for sparse normalisers and top-k). */
  support: number;
  /** Mean entropy −Σ w ln w of a row, in nats (0 for hard attention, ln n for uniform weights over n positions). */
  entropy: number;
}

/**
 * Accumulates support size and entropy of every attention map (model.attentionMaps, rows over
 * real positions only) per kind, layer and head, in the order the maps first appear.
 */
export class AttentionStatsAccumulator {
  private readonly groups = new Map<string, { kind: AttentionMap["kind"]; layer: number; head: number; rows: number; positions: number; support: number; entropy: number }>();

  add(maps: readonly AttentionMap[]): void {
    for (const m of maps) {
      const key = `${m.kind}/${m.layer}/${m.head}`;
      let g = this.groups.get(key);
      if (!g) this.groups.set(key, (g = { kind: m.kind, layer: m.layer, head: m.head, rows: 0, positions: 0, support: 0, entropy: 0 }));
      for (const row of m.weights) {
        let support = 0;
        let entropy = 0;
        for (const w of row) {
          if (w > 0) {
            support++;
            entropy -= w * Math.log(w);
          }
        }
        g.rows++;
        g.positions += row.length;
        g.support += support;
        g.entropy += entropy;
      }
    }
  }

  result(): AttentionStats[] {
    const mean = (x: number, n: number) => (n === 0 ? 0 : x / n);
    return [...this.groups.values()].map((g) => ({ kind: g.kind, layer: g.layer, head: g.head, rows: g.rows, positions: mean(g.positions, g.rows), support: mean(g.support, g.rows), entropy: mean(g.entropy, g.rows) }));
  }
}
