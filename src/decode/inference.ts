import { noGrad } from "../autograd/tape.js";
import type { DecodableModel } from "./types.js";

/**
 * Run `fn` in inference mode: no autograd recording and dropout off (model.eval()). The
 * model's previous mode is restored afterwards, so decoding a validation set in the middle of
 * training leaves training mode on.
 */
export function inference<T>(model: DecodableModel, fn: () => T): T {
  const wasTraining = model.training;
  model.train(false);
  try {
    return noGrad(fn);
  } finally {
    model.train(wasTraining);
  }
}
