import { basename, dirname } from "node:path";
import type { Config } from "../../config/schema.js";
import { loadForInference, type InferenceModel } from "../../train/loadForInference.js";

/** What the page needs to know of a model's architecture to offer the right views. */
export interface ModelFamily {
  encoder: Config["model"]["encoder"]["type"];
  decoder: Config["model"]["decoder"]["type"];
  /** The recurrent decoder's attention score ("multihead" for hybrids), "multihead" for Transformers, null for the fixed-vector decoder. */
  attention: string | null;
  normalizer: string;
  /** Transformer layers of the encoder (a hybrid's self-attention layers), 0 for a plain recurrent encoder. */
  encoderLayers: number;
  /** Transformer decoder layers, 0 for recurrent decoders. */
  decoderLayers: number;
  /** Heads of the Transformer layers and the multihead score; 1 for single-head attention. */
  heads: number;
  copy: boolean;
  coverage: boolean;
  /** A short human label: "transformer 2+2 layers × 2 heads", "bahdanau · additive · gru". */
  label: string;
}

export interface ServedModel extends InferenceModel {
  /** The name the page and the API use: the run folder's name (suffixed -2, -3 … when two are alike). */
  id: string;
  /** The --checkpoint argument as given. */
  path: string;
  family: ModelFamily;
}

/** Loads each --checkpoint (a run folder or a checkpoint folder); a bad one is a UserError naming it. */
export function loadServedModels(paths: readonly string[]): ServedModel[] {
  const taken = new Set<string>();
  return paths.map((path) => {
    const loaded = loadForInference(path);
    const id = uniqueName(runName(loaded.checkpointDir), taken);
    return { ...loaded, id, path, family: modelFamily(loaded.config) };
  });
}

/** runs/x/checkpoints/best → "x"; a bare checkpoint folder → its own name. */
function runName(checkpointDir: string): string {
  const parent = dirname(checkpointDir);
  return basename(parent) === "checkpoints" ? basename(dirname(parent)) : basename(checkpointDir);
}

function uniqueName(name: string, taken: Set<string>): string {
  let id = name;
  for (let k = 2; taken.has(id); k++) id = `${name}-${k}`;
  taken.add(id);
  return id;
}

export function modelFamily(config: Config): ModelFamily {
  const m = config.model;
  const transformer = m.decoder.type === "transformer";
  const hybrid = m.encoder.type !== "transformer" && m.encoder.selfAttentionLayers > 0;
  const multihead = transformer || m.attention.score === "multihead";
  const encoderLayers = m.encoder.type === "transformer" ? m.encoder.layers : m.encoder.selfAttentionLayers;
  const decoderLayers = transformer ? m.decoder.layers : 0;
  const heads = multihead || hybrid ? m.transformer.heads : 1;
  const attention = m.decoder.type === "none" ? null : transformer ? "multihead" : m.attention.score;
  const normalizer = transformer || hybrid ? m.transformer.normalizer : m.attention.normalizer;
  const label = transformer
    ? `transformer ${encoderLayers}+${decoderLayers} layers × ${heads} heads`
    : [m.decoder.type, attention, `${m.encoder.type}${hybrid ? ` + ${encoderLayers} self-attention layer${encoderLayers === 1 ? "" : "s"}` : ""}`].filter(Boolean).join(" · ");
  return { encoder: m.encoder.type, decoder: m.decoder.type, attention, normalizer, encoderLayers, decoderLayers, heads, copy: m.decoder.copy, coverage: m.attention.coverage, label };
}
