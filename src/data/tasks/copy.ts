/** copy: the target repeats the source; the simplest test of whether a model can carry a sequence through. */
import { sequenceTask } from "./symbols.js";

export const copyTask = sequenceTask("copy", "a symbol sequence → the same sequence", [5, 40], (seq) => seq.map((_, i) => i));
