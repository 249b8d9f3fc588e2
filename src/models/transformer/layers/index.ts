/** Transformer layers and stacks (Vaswani et al. 2017), PyTorch-compatible in names and layout. */
export { TransformerEncoderLayer, type EncoderLayerForwardOptions, type EncoderLayerOutput } from "./encoderLayer.js";
export {
  TransformerDecoderLayer,
  type DecoderLayerCache,
  type DecoderLayerForwardOptions,
  type DecoderLayerOutput,
  type DecoderLayerStep,
  type DecoderStepOptions,
} from "./decoderLayer.js";
export { TransformerEncoder, type EncoderStackOutput } from "./encoder.js";
export { TransformerDecoder, selectDecoderStateRows, type DecoderStackOutput, type DecoderStackStep, type TransformerDecoderState } from "./decoder.js";
export { type TransformerLayerOptions, type TransformerActivation } from "./options.js";
export { TransformerStack, type TransformerStackOptions } from "./stack.js";
export { feedForward } from "./feedForward.js";
export { ResidualNorm } from "./residual.js";
export { xavierInitMatrices } from "./init.js";
