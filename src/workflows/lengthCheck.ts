import { describeLimit, positionLimit } from "../config/positionLimit.js";
import type { Config } from "../config/schema.js";
import { UserError } from "../errors.js";

/**
 * Sentences given to translate and dump-attention must fit the model: a Transformer with learned
 * positions cannot read a source or target of more than maxPositions − 1 tokens. Such a sentence
 * is an error naming where it came from (file:line, <stdin>:line, --source, --target), never
 * truncated: a cut sentence would be translated as if it were whole.
 */
export function checkSentenceLengths(config: Config, side: "source" | "target", tokenCounts: readonly number[], where: (i: number) => string): void {
  const limit = positionLimit(config.model);
  if (!limit) return;
  const i = tokenCounts.findIndex((n) => n > limit.sentenceTokens);
  if (i < 0) return;
  const marker = side === "source" ? "</s>" : "<s>";
  throw new UserError(
    `${where(i)}: the ${side} has ${tokenCounts[i]} tokens, but this model reads at most ${limit.sentenceTokens} (${describeLimit(limit)}, and ${marker} takes one); shorten or split the sentence`,
  );
}

/** A decoding length (--max-len) the model's positions cannot reach is an error naming the flag. */
export function checkDecodingSteps(config: Config, maxLen: number, flag: string): void {
  const limit = positionLimit(config.model);
  if (limit && maxLen > limit.decodingSteps) {
    throw new UserError(`${flag} ${maxLen}: this model decodes at most ${limit.decodingSteps} steps (${describeLimit(limit)}); expected ${flag} ≤ ${limit.decodingSteps}`);
  }
}

/** Where line i (0-based) of the input came from: "file:N", or "<stdin>:N". */
export function inputLine(file: string | undefined): (i: number) => string {
  return (i) => `${file ?? "<stdin>"}:${i + 1}`;
}
