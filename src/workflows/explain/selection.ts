import type { AttentionWeightsLayout } from "../../attention/weightsTransform.js";
import { UserError } from "../../errors.js";
import type { AttentionSite } from "./attentionSites.js";

/** --layer / --head as given (null = not given). */
export interface AttentionChoice {
  layer: number | null;
  head: number | null;
}

/**
 * Which attention explain intervenes on and which it reads:
 *  - changed: the sites whose weights are permuted / made uniform, in head `head` (all heads
 *    when null) — by default every head of every layer, all with the same permutation;
 *  - read: the attention vector compared with the importance measures and shown in the table —
 *    the chosen layer (default: the last, as the heatmaps show) averaged over the chosen heads
 *    (default: all).
 */
export interface ResolvedChoice {
  changed: AttentionSite[];
  head: number | null;
  readLayer: number;
  readHeads: number[];
}

export function resolveChoice(sites: readonly AttentionSite[], choice: AttentionChoice): ResolvedChoice {
  const layers = sites.length;
  if (choice.layer !== null && choice.layer >= layers) {
    throw new UserError(`--layer ${choice.layer}: this model's decoder has ${layers} cross-attention layer${layers === 1 ? "" : "s"} (0–${layers - 1})`);
  }
  const changed = choice.layer === null ? [...sites] : [sites[choice.layer]!];
  const heads = Math.min(...changed.map((s) => s.heads));
  if (choice.head !== null && choice.head >= heads) {
    throw new UserError(`--head ${choice.head}: this model's cross-attention has ${heads} head${heads === 1 ? "" : "s"} (0–${heads - 1})`);
  }
  const readLayer = choice.layer ?? layers - 1;
  const readHeads = choice.head !== null ? [choice.head] : Array.from({ length: sites[readLayer]!.heads }, (_, h) => h);
  return { changed, head: choice.head, readLayer, readHeads };
}

/**
 * The read attention vector [S] from one layer's recorded weights [heads·rowsPerHead, S]: the
 * mean over `heads` of each head's first row.
 */
export function readAttention(weights: Float64Array, layout: AttentionWeightsLayout, heads: readonly number[], S: number): Float64Array {
  const out = new Float64Array(S);
  for (const h of heads) for (let j = 0; j < S; j++) out[j]! += weights[h * layout.rowsPerHead * S + j]!;
  for (let j = 0; j < S; j++) out[j]! /= heads.length;
  return out;
}
