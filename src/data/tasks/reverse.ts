/**
 * reverse: the target is the source backwards. The first target symbol depends on the last
 * source symbol, so a fixed-size encoder summary degrades quickly as sequences grow while
 * attention (an anti-diagonal) does not.
 */
import { sequenceTask } from "./symbols.js";

export const reverseTask = sequenceTask("reverse", "a symbol sequence → the sequence reversed", [5, 40], (seq) =>
  seq.map((_, i) => seq.length - 1 - i),
);
