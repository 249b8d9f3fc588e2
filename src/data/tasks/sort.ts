/**
 * sort: the target holds the source symbols in symbol order (a < b < … < z < a1 …). Equal
 * symbols keep their source order, which fixes the gold alignment.
 */
import { sequenceTask } from "./symbols.js";

export const sortTask = sequenceTask("sort", "a symbol sequence → its symbols in sorted order", [5, 20], (seq) =>
  // Array.prototype.sort is stable: equal symbols keep their source order.
  seq.map((_, i) => i).sort((a, b) => seq[a]! - seq[b]!),
);
