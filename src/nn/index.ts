/** Layers of attn, PyTorch-compatible in parameter names, layouts and default initialisation. */
export { Module, ModuleList, type LoadStateDictResult, type StateDictInput } from "./module.js";
export * as init from "./init.js";
export { Linear, type LinearOptions } from "./linear.js";
export { Embedding, type EmbeddingOptions } from "./embedding.js";
export { LayerNorm, type LayerNormOptions } from "./layerNorm.js";
export { Dropout } from "./dropout.js";
export { GRUCell, gruInputProjection, gruStep } from "./gruCell.js";
export { LSTMCell, lstmInputProjection, lstmStep, type LSTMState } from "./lstmCell.js";
export { type RecurrentWeights } from "./recurrentWeights.js";
export { RecurrentCell } from "./recurrentCell.js";
export { RNNBase, type RNNOptions } from "./rnnBase.js";
export { GRU, type GRUForwardOptions } from "./gru.js";
export { LSTM, type LSTMForwardOptions, type LSTMLayerStates } from "./lstm.js";
export { splitLayers } from "./splitLayers.js";
export * from "./positions/index.js";
