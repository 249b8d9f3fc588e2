import { EOS } from "../data/vocab.js";
import type { Hypothesis } from "./types.js";

/**
 * A hypothesis as a backpointer chain (one node per emitted token), so beams that share a
 * prefix share its nodes and extending a beam costs O(1) instead of copying its history.
 */
export interface HypNode {
  token: number;
  /** Attention weights of the step that emitted `token`, or null without attention. */
  attention: number[] | null;
  /** Copy attention: p_gen of the step that emitted `token`; null without copy. */
  pGen: number | null;
  prev: HypNode | null;
}

export function extend(prev: HypNode | null, token: number, attention: number[] | null, pGen: number | null = null): HypNode {
  return { token, attention, pGen, prev };
}

/** Walk the chain back to <s> and build the output hypothesis. */
export function toHypothesis(node: HypNode | null, logProb: number, score: number): Hypothesis {
  const tokens: number[] = [];
  const attention: number[][] = [];
  const pGen: number[] = [];
  for (let n = node; n; n = n.prev) {
    tokens.push(n.token);
    if (n.attention) attention.push(n.attention);
    if (n.pGen !== null) pGen.push(n.pGen);
  }
  tokens.reverse();
  attention.reverse();
  pGen.reverse();
  const finished = tokens.length > 0 && tokens[tokens.length - 1] === EOS;
  if (finished) tokens.pop();
  return { tokens, score, logProb, attention, pGen, finished };
}
