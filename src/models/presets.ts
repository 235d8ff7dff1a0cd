/**
 * Size presets of the SRML-MCA model. `tiny` is for unit tests, `fast` for examples and
 * benchmarks on the pure-JS cpu and wasm backends, `default` keeps the reference CCA width
 * (h = 16, as in the RENet and SRML code), `large` is the 8×8×64 map, too slow to train on
 * cpu or wasm.
 */

/** Names of the built-in presets. */
export type SRMLMCAPresetName = 'tiny' | 'fast' | 'default' | 'large';

/** The sizes a preset fixes. */
export interface SRMLMCAPreset {
  /** Map height H. */
  height: number;
  /** Map width W. */
  width: number;
  /** Map channels C. */
  channels: number;
  /** Inner width d_s of the SCR block. */
  innerChannels: number;
  /** Width d_c of the 1×1 reduction before the 4-D correlation. */
  reducedChannels: number;
  /** Hidden channels h of the CCA 4-D convolutions. */
  hiddenChannels: number;
  /** Hidden units h_n of the encoder's numeric MLP. */
  hiddenUnits: number;
  /** Embedding size e of each categorical column. */
  categoryEmbeddingDim: number;
  /** Encoder output size d_enc. */
  embedDim: number;
}

export const SRML_MCA_PRESETS: Readonly<Record<SRMLMCAPresetName, Readonly<SRMLMCAPreset>>> = {
  tiny: {
    height: 4,
    width: 4,
    channels: 16,
    innerChannels: 8,
    reducedChannels: 8,
    hiddenChannels: 8,
    hiddenUnits: 32,
    categoryEmbeddingDim: 4,
    embedDim: 32,
  },
  fast: {
    height: 4,
    width: 4,
    channels: 32,
    innerChannels: 8,
    reducedChannels: 8,
    hiddenChannels: 8,
    hiddenUnits: 64,
    categoryEmbeddingDim: 8,
    embedDim: 64,
  },
  default: {
    height: 4,
    width: 4,
    channels: 32,
    innerChannels: 8,
    reducedChannels: 8,
    hiddenChannels: 16,
    hiddenUnits: 64,
    categoryEmbeddingDim: 8,
    embedDim: 64,
  },
  large: {
    height: 8,
    width: 8,
    channels: 64,
    innerChannels: 16,
    reducedChannels: 16,
    hiddenChannels: 16,
    hiddenUnits: 64,
    categoryEmbeddingDim: 8,
    embedDim: 64,
  },
};
