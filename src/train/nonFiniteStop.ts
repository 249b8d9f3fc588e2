export interface NonFiniteStop {
  what: "loss" | "gradient norm";
  value: number;
  /** The step that failed (its update was not applied). */
  step: number;
  /** Step of checkpoints/last, or null while none has been written. */
  lastSavedStep: number | null;
  /** The best checkpoint: its validation value (of `metric`) and, when known in this session, its step; null when there is none. */
  best: { value: number; step: number | null } | null;
  metric: string;
  validEvery: number;
}

/**
 * The message when a step's loss or gradient norm is not finite. checkpoints/last holds the
 * weights of the newest validation before the failure, which may already be diverging (the loss
 * often climbs for a while before it overflows), so the message never calls it good: it points
 * at checkpoints/best when there is one and says how the two relate.
 */
export function nonFiniteMessage(s: NonFiniteStop): string {
  const head = `${s.what} became ${s.value} at step ${s.step}; stopping. `;
  const advice = " Try a lower training.lr or training.clipNorm.";
  if (s.lastSavedStep === null) return `${head}No checkpoint had been saved yet (the first comes at step ${s.validEvery}).${advice}`;
  const last = `checkpoints/last (step ${s.lastSavedStep})`;
  if (s.best === null) {
    return `${head}${last} holds the newest weights before the failure, possibly already diverging; there is no checkpoints/best (no validation).${advice}`;
  }
  const best = `checkpoints/best (${s.best.step !== null ? `step ${s.best.step}, ` : ""}valid ${s.metric} ${s.best.value.toFixed(4)})`;
  if (s.best.step === s.lastSavedStep) return `${head}Use ${best}, which is also the newest checkpoint before the failure.${advice}`;
  return `${head}Use ${best}; ${last} holds later weights that did not validate better and may already be diverging.${advice}`;
}
