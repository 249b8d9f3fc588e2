import type { Kernels } from "../types.js";
import { dropoutMask } from "./random.js";
import { copyFloats, transposeBatched } from "./layout.js";
import { matmul } from "./matmul.js";
import { logSoftmaxBackwardRows, logSoftmaxRows, softmaxBackwardRows, softmaxRows } from "./softmax.js";
import { entmax15Rows, entmaxAlphaBackwardRows, entmaxBackwardRows, entmaxBisectRows, sparsemaxRows, topKMaskRows } from "./entmax.js";
import { adaptiveSpanBackward, adaptiveSpanForward, rotaryBackward, rotaryForward } from "./positions.js";
import { gruCellBackward, gruCellForward, lstmCellBackward, lstmCellForward } from "./rnnCells.js";
import { crossEntropyBackwardRows, crossEntropyRows } from "./crossEntropy.js";
import { adamStep, maxAbs, scaleInPlace, sgdStep, sumAbs, sumSquares } from "./optim.js";
import { layerNormBackward, layerNormForward } from "./norm.js";
import { additiveEnergiesBackward, additiveEnergiesForward } from "./energies.js";
import { copyMixtureBackward, copyMixtureForward } from "./copyMixture.js";
import { accumulateRowsWhere, affine, axpy, binaryBackward, binaryForward, maskedAccumulate, maskedFill, selectRows } from "./elementwise.js";
import { unaryBackward, unaryForward } from "./unary.js";
import { sumAxis, sumAxisBackward } from "./reduce.js";
import { gatherRows, scatterAddRows } from "./gather.js";
import { windowAttentionBackward, windowAttentionForward } from "./windowAttention.js";
import { performerCausalBackward, performerCausalForward } from "./performer.js";

/** The reference kernels in plain TypeScript, single-threaded. */
export const jsKernels: Kernels = {
  name: "js",
  matmul,
  softmaxRows,
  logSoftmaxRows,
  softmaxBackwardRows,
  logSoftmaxBackwardRows,
  sparsemaxRows,
  entmax15Rows,
  entmaxBisectRows,
  entmaxBackwardRows,
  entmaxAlphaBackwardRows,
  topKMaskRows,
  rotaryForward,
  windowAttentionForward,
  windowAttentionBackward,
  performerCausalForward,
  performerCausalBackward,
  rotaryBackward,
  adaptiveSpanForward,
  adaptiveSpanBackward,
  gruCellForward,
  gruCellBackward,
  lstmCellForward,
  lstmCellBackward,
  crossEntropyRows,
  crossEntropyBackwardRows,
  adamStep,
  sgdStep,
  sumSquares,
  sumAbs,
  maxAbs,
  scaleInPlace,
  layerNormForward,
  layerNormBackward,
  additiveEnergiesForward,
  additiveEnergiesBackward,
  copyMixtureForward,
  copyMixtureBackward,
  binaryForward,
  binaryBackward,
  unaryForward,
  unaryBackward,
  affine,
  axpy,
  sumAxis,
  sumAxisBackward,
  gatherRows,
  scatterAddRows,
  maskedFill,
  maskedAccumulate,
  selectRows,
  accumulateRowsWhere,
  dropoutMask,
  copyFloats,
  transposeBatched,
};
