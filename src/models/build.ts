import type { ModelConfig } from "../config/schema.js";
import { UserError } from "../errors.js";
import { Rng } from "../tensor/rng.js";
import { BahdanauDecoder } from "./decoders/bahdanau.js";
import { LuongDecoder } from "./decoders/luong.js";
import type { RecurrentDecoder, RecurrentDecoderOptions } from "./decoders/recurrentDecoder.js";
import { ThoughtVectorDecoder } from "./decoders/thoughtVector.js";
import { RecurrentEncoder } from "./encoder.js";
import { Seq2Seq } from "./seq2seq.js";
import { TransformerSeq2Seq } from "./transformer/transformerSeq2Seq.js";
import type { TranslationModel } from "./types.js";

export interface VocabSizes {
  source: number;
  target: number;
}

/** Build the model a validated config describes; every weight is drawn from `seed`. */
export function buildModel(model: ModelConfig, vocab: VocabSizes, seed: number): TranslationModel {
  const rng = new Rng(seed).fork("model");
  const enc = model.encoder;
  if (enc.type === "transformer") {
    const t = model.transformer;
    return new TransformerSeq2Seq(
      {
        srcVocab: vocab.source,
        tgtVocab: vocab.target,
        dModel: enc.hiddenSize,
        heads: t.heads,
        ffSize: t.ffSize,
        encoderLayers: enc.layers,
        decoderLayers: model.decoder.layers,
        dropout: t.dropout,
        activation: t.activation,
        normFirst: t.normFirst,
        positions: t.positions,
        maxRelativeDistance: t.maxRelativeDistance,
        t5Buckets: t.t5Buckets,
        t5MaxDistance: t.t5MaxDistance,
        adaptiveSpan: t.adaptiveSpan ?? null,
        maxPositions: t.maxPositions,
        tieEmbeddings: model.decoder.tieEmbeddings,
        attention: t,
        selfAttention: { kind: t.selfAttention, window: t.window, globalTokens: t.globalTokens, projectedLength: t.projectedLength, maxPositions: t.maxPositions, shareKV: t.shareKV, features: t.features, redrawEvery: t.redrawEvery },
      },
      rng.fork("transformer"),
      rng.fork("dropout"),
    );
  }
  const encRng = rng.fork("encoder");
  const encoder = new RecurrentEncoder(
    {
      vocabSize: vocab.source,
      embeddingSize: enc.embeddingSize,
      hiddenSize: enc.hiddenSize,
      layers: enc.layers,
      bidirectional: enc.bidirectional,
      cell: enc.type,
      dropout: enc.dropout,
      selfAttention: { layers: enc.selfAttentionLayers, heads: model.transformer.heads, ffSize: model.transformer.ffSize, dropout: model.transformer.dropout, activation: model.transformer.activation, normFirst: model.transformer.normFirst, attention: model.transformer, adaptiveSpan: model.transformer.adaptiveSpan ?? null },
    },
    encRng,
  );
  const dec = model.decoder;
  const opts: RecurrentDecoderOptions = {
    vocabSize: vocab.target,
    embeddingSize: dec.embeddingSize,
    hiddenSize: dec.hiddenSize,
    layers: dec.layers,
    cell: dec.cell,
    dropout: dec.dropout,
    bridge: dec.bridge,
    encoderSize: encoder.outputSize,
    tieEmbeddings: dec.tieEmbeddings,
    attention: model.attention,
    inputFeeding: dec.inputFeeding,
    multihead: { heads: model.transformer.heads, dropout: model.transformer.dropout },
    ...(dec.copy ? { copy: true } : {}),
  };
  const decRng = rng.fork("decoder");
  let decoder: RecurrentDecoder;
  switch (dec.type) {
    case "none":
      decoder = new ThoughtVectorDecoder(opts, decRng);
      break;
    case "bahdanau":
      decoder = new BahdanauDecoder(opts, decRng);
      break;
    case "luong":
      decoder = new LuongDecoder(opts, decRng);
      break;
    case "transformer":
      throw new UserError('model.decoder.type: "transformer" needs model.encoder.type "transformer"');
  }
  return new Seq2Seq(encoder, decoder, { encoder: encRng, decoder: decRng });
}
