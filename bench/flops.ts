/**
 * Multiply-accumulate (MAC) counts of the models, from their layer shapes. 1 MAC = 2 FLOP.
 *
 * Two counts per SRML-MCA preset:
 * - `direct`: the MACs of direct convolutions, as a PyTorch implementation with conv layers
 *   would do them (the counting rule of the project's cost table).
 * - `executed`: the MACs of the matMuls this library actually runs. Small-map convolutions are
 *   matMuls with dense Toeplitz weights (N_in·c_in × N_out·c_out), the 5 × 5 unfold is a matMul
 *   with a 0/1 selection matrix, and the MCA gate convolutions are [L, L] matMuls. It adds the
 *   per-batch cost of building the dense weights, divided by the batch size.
 *
 * Elementwise work (BN, ReLU, softmax, normalisations) is not counted in either.
 */
import { mcaChannelKernelSize, SRML_MCA_PRESETS, type SRMLMCAPresetName } from '../src/index';

/** Forward MACs per sample of each component. */
export interface MacBreakdown {
  encoder: number;
  reshape: number;
  mca: number;
  selfCorrelation: number;
  scr: number;
  ccaReduction: number;
  cca4d: number;
  poolingAndHeads: number;
  /** Per-batch Toeplitz weight construction divided by the batch size (executed count only). */
  weightBuild: number;
  total: number;
}

export interface ModelShape {
  numNumeric: number;
  cardinalities: readonly number[];
  useMca: boolean;
}

const CLASSES = 2;
const WINDOW = 5;
const KERNEL = 3;

function total(parts: Omit<MacBreakdown, 'total'>): MacBreakdown {
  const sum = Object.values(parts).reduce((a, b) => a + b, 0);
  return { ...parts, total: sum };
}

function encoderMacs(preset: SRMLMCAPresetName, shape: ModelShape, withOneHot: boolean): number {
  const p = SRML_MCA_PRESETS[preset];
  const numCat = shape.cardinalities.length;
  const mlp = shape.numNumeric * p.hiddenUnits + p.hiddenUnits * p.hiddenUnits;
  const fuse = (p.hiddenUnits + numCat * p.categoryEmbeddingDim) * p.embedDim;
  // The embedding lookup runs as oneHot(codes, card + 1) · E.
  const lookup = withOneHot ? shape.cardinalities.reduce((s, c) => s + (c + 1) * p.categoryEmbeddingDim, 0) : 0;
  return mlp + fuse + lookup;
}

/** Direct-convolution MACs per sample, forward, with the symmetric CCA shortcut. */
export function directMacs(preset: SRMLMCAPresetName, shape: ModelShape): MacBreakdown {
  const p = SRML_MCA_PRESETS[preset];
  const n = p.height * p.width;
  const c = p.channels;
  const d = p.innerChannels;
  const h = p.hiddenChannels;
  const taps = WINDOW * WINDOW;
  const k2 = KERNEL * KERNEL;
  const mcaGates = mcaChannelKernelSize(c) * c + KERNEL * p.height + KERNEL * p.width;
  return total({
    encoder: encoderMacs(preset, shape, false),
    reshape: p.embedDim * n * c,
    mca: shape.useMca ? mcaGates : 0,
    selfCorrelation: taps * n * c,
    // W_in 25·N·C·d, K_1 3×3 valid over 5×5 (9 outputs × 9 taps), K_2 to 1×1, W_out.
    scr: taps * n * c * d + n * 81 * d * d + n * k2 * d * d + n * d * c,
    ccaReduction: n * c * p.reducedChannels + n * n * p.reducedChannels,
    // SepConv4d #1 (1→h): two 3×3 convs at width 1 + projection; #2 (h→1): two at width h + projection.
    cca4d: 2 * k2 * n * n + n * n * h + 2 * k2 * h * h * n * n + n * n * h,
    poolingAndHeads: n * c + 2 * CLASSES * c + 2 * c * CLASSES,
    weightBuild: 0,
  });
}

/** MACs of the matMuls the library runs per sample, forward, at training batch size `batch`. */
export function executedMacs(preset: SRMLMCAPresetName, shape: ModelShape, batch: number): MacBreakdown {
  const p = SRML_MCA_PRESETS[preset];
  const n = p.height * p.width;
  const c = p.channels;
  const d = p.innerChannels;
  const h = p.hiddenChannels;
  const taps = WINDOW * WINDOW;
  const k2 = KERNEL * KERNEL;
  const validOut = (WINDOW - KERNEL + 1) ** 2;
  // Each gate: q [B, L] · T [L, L]; T built as [1, k] · [k, L²] per batch.
  const gateLengths = [c, p.height, p.width];
  const mcaGates = gateLengths.reduce((s, l) => s + l * l, 0);
  const mcaBuild = mcaChannelKernelSize(c) * c * c + KERNEL * (p.height ** 2 + p.width ** 2);
  // Toeplitz weights: taps [N_out·N_in, k²] · kernel [k², c_in·c_out] per batch.
  const scrBuild = validOut * taps * k2 * d * d;
  const ccaBuild = 2 * (n * n * k2) + 2 * (n * n * k2 * h * h);
  return total({
    encoder: encoderMacs(preset, shape, true),
    reshape: p.embedDim * n * c,
    mca: shape.useMca ? mcaGates : 0,
    // Unfold by selection matrix [25·N, N] · x, then diag(centre)·W_in per position.
    selfCorrelation: taps * n * n * c + n * c * d,
    // W_in per position [25, C]·[C, d]; K_1 as [25·d]·[25·d, 9·d]; K_2 [9·d]·[9·d, d]; W_out.
    scr: taps * n * c * d + n * (taps * d) * (validOut * d) + n * k2 * d * d + n * d * c,
    ccaReduction: n * c * p.reducedChannels + n * n * p.reducedChannels,
    // Each 3×3 'same' conv over the N grid at width c_in is [N·c_in]·[N·c_in, N·c_in] per row, N rows.
    cca4d: 2 * n * (n * n) + n * n * h + 2 * n * (n * h) * (n * h) + n * n * h,
    poolingAndHeads: n * c + 2 * CLASSES * c + 2 * c * CLASSES,
    weightBuild: (scrBuild + ccaBuild + (shape.useMca ? mcaBuild : 0)) / batch,
  });
}

/** Forward MACs of the two-layer GCN baseline over a dense graph of `nodes` nodes. */
export function gcnMacs(nodes: number, inFeatures: number, hidden: number): number {
  const layer = (fin: number, fout: number): number => nodes * fin * fout + nodes * nodes * fout;
  return layer(inFeatures, hidden) + layer(hidden, CLASSES);
}

/** Forward MACs of the two-layer dense GAT baseline (heads × units, then one head of 2). */
export function gatMacs(nodes: number, inFeatures: number, heads: number, units: number): number {
  const layer = (fin: number, k: number, f: number): number =>
    nodes * fin * k * f + 2 * nodes * k * f + k * nodes * nodes * f;
  return layer(inFeatures, heads, units) + layer(heads * units, 1, CLASSES);
}
