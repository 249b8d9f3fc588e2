/** Every differentiable op of attn. Each takes tensors, returns a new tensor, and records its backward. */
export { add, sub, mul, div, affine, addScalar, mulScalar, neg, addN } from "./elementwise.js";
export { exp, log, tanh, sigmoid, relu, square, gelu } from "./unary.js";
export { matmul, type MatmulOptions } from "./matmul.js";
export { sum, mean } from "./reduce.js";
export { softmax, logSoftmax } from "./softmax.js";
export { reshape, transpose, concat, slice, split, stack } from "./shape.js";
export { gatherRows } from "./gather.js";
export { maskedFill, selectRows, expandKeyMask } from "./mask.js";
export { dropout } from "./dropout.js";
export { layerNorm } from "./layerNorm.js";
export { crossEntropy, type CrossEntropyOptions } from "./crossEntropy.js";
export { outputLayerLoss } from "./outputLoss.js";
export { gruCell, lstmCell } from "./rnnCells.js";
export { additiveEnergies } from "./additiveEnergies.js";
