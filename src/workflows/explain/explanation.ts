import type { StepNumbers } from "./explainSentence.js";
import type { ExplainSummary } from "./summary.js";

/** explain's result for one input line, labelled with its tokens (what the table shows and the JSON holds). */
export interface SentenceExplanation {
  /** 0-based input line. */
  index: number;
  source: string;
  /** The given target (teacher-forced), or null when the model's own greedy output is explained. */
  target: string | null;
  /** Source tokens as the encoder reads them, </s> last: the positions of every vector. */
  sourceTokens: string[];
  /** The token each step emits (y_0 …, </s> last unless the output was cut at decoding.maxLen). */
  outputTokens: string[];
  steps: StepNumbers[];
  summary: ExplainSummary;
}
