import { ApiError } from "./apiError.js";

/** The body of POST /api/translate. */
export interface TranslateRequest {
  /** A served model's id (GET /api/models). */
  model: string;
  /** The source sentence, as a user would type it. */
  text: string;
  /** Beam size; 1 = greedy. */
  beam: number;
  /** Hypotheses returned (the beam is raised to at least this, as in `attn translate --n-best`). */
  nbest: number;
}

/** Limits that keep one request small enough to answer in well under a second on a toy model. */
export const LIMITS = {
  /** Request body bytes. */
  bodyBytes: 64 * 1024,
  /** Characters of `text`. */
  textChars: 1000,
  /** Source tokens, for models whose positions set no lower limit: attention maps grow with its square. */
  sourceTokens: 200,
  beam: 16,
} as const;

/** The request a body describes, or an ApiError (400, 413) saying what is wrong with it. */
export function parseTranslateRequest(body: string): TranslateRequest {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new ApiError(400, `the body is not JSON (${(err as Error).message}); expected {"model": "...", "text": "..."}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ApiError(400, 'the body must be a JSON object: {"model": "...", "text": "..."}');
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !["model", "text", "beam", "nbest"].includes(k));
  if (unknown.length > 0) throw new ApiError(400, `unknown field "${unknown[0]}"; expected model, text, beam, nbest`);
  if (typeof o.model !== "string" || o.model === "") throw new ApiError(400, 'field "model": expected the id of a served model (GET /api/models)');
  if (typeof o.text !== "string") throw new ApiError(400, 'field "text": expected a string, the source sentence');
  if (o.text.trim() === "") throw new ApiError(400, 'field "text": the sentence is empty');
  if ([...o.text].length > LIMITS.textChars) throw new ApiError(413, `field "text": ${[...o.text].length} characters; the explorer takes at most ${LIMITS.textChars}`);
  const beam = integerField(o, "beam", 1, LIMITS.beam);
  const nbest = integerField(o, "nbest", 1, LIMITS.beam);
  return { model: o.model, text: o.text, beam, nbest };
}

function integerField(o: Record<string, unknown>, name: string, min: number, max: number): number {
  const v = o[name];
  if (v === undefined) return 1;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new ApiError(400, `field "${name}": expected an integer from ${min} to ${max}; got ${JSON.stringify(v)}`);
  return v;
}
