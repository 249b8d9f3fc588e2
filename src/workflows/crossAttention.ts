import { UserError } from "../errors.js";
import { meanMatrix } from "../eval/alignment.js";
import type { AttentionMap } from "../models/types.js";
import { selectAttention } from "./attentionSelection.js";

/**
 * Which encoder–decoder attention to read alignments from: one head (`layer` and `head`), the
 * mean of one layer's heads (`layer` alone), or the mean of every head of every layer (neither).
 * A recurrent decoder has one map (layer 0, head 0; the multihead score's heads already averaged).
 */
export interface CrossSelection {
  layer?: number;
  head?: number;
}

/** The layers and heads of a model's cross-attention, from one sentence's maps. */
export function crossHeads(maps: readonly AttentionMap[]): { layer: number; head: number }[] {
  return maps.filter((m) => m.kind === "cross").map((m) => ({ layer: m.layer, head: m.head }));
}

/** A head is numbered within its layer: --head without --layer is an error. */
export function checkCrossSelection(sel: CrossSelection): void {
  if (sel.head !== undefined && sel.layer === undefined) throw new UserError("--head needs --layer: a head is numbered within its layer");
}

/**
 * The selected cross-attention matrix of one sentence (rows: decoder steps, columns: source
 * tokens and </s>). A layer or head the model does not have is an error naming the valid range
 * (attentionSelection.ts, shared with dump-attention).
 */
export function selectCrossAttention(maps: readonly AttentionMap[], sel: CrossSelection): number[][] {
  const chosen = selectAttention(maps, { kind: "cross", layer: sel.layer, head: sel.head });
  return chosen.length === 1 ? chosen[0]!.weights : meanMatrix(chosen.map((m) => m.weights));
}
