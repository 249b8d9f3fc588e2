import type { Config } from "./schema.js";

/** Conditions the config rule tables (rules.ts, attentionRules.ts, coverageCopyRules.ts, positionRules.ts) share. */

export const isTransformer = (c: Config): boolean => c.model.encoder.type === "transformer";
/** A recurrent decoder that attends (bahdanau, luong). */
export const recurrentAttention = (c: Config): boolean => !isTransformer(c) && (c.model.decoder.type === "bahdanau" || c.model.decoder.type === "luong");
/** Directions of the recurrent encoder. */
export const directions = (c: Config): number => (c.model.encoder.bidirectional ? 2 : 1);
