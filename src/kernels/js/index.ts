import type { Kernels } from "../types.js";
import { matmul } from "./matmul.js";
import { logSoftmaxBackwardRows, logSoftmaxRows, softmaxBackwardRows, softmaxRows } from "./softmax.js";
import { gruCellBackward, gruCellForward, lstmCellBackward, lstmCellForward } from "./rnnCells.js";

/** The reference kernels in plain TypeScript, single-threaded. */
export const jsKernels: Kernels = {
  name: "js",
  matmul,
  softmaxRows,
  logSoftmaxRows,
  softmaxBackwardRows,
  logSoftmaxBackwardRows,
  gruCellForward,
  gruCellBackward,
  lstmCellForward,
  lstmCellBackward,
};
