import type { BadInputCase } from "../corpus.js";

/** Command-line mistakes that already had clear errors: the corpus keeps them that way. */
export const cases: BadInputCase[] = [
  {
    name: "train with neither --config nor --resume",
    args: () => ["train"],
    message: /--config|--resume/,
  },
];
