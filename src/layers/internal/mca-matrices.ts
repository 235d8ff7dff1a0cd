/**
 * Constant 0/1 (or scaled) matrices that let MCA compute its three gates with a few 2-D
 * matMuls over the flattened map, instead of per-gate reductions, transposes and broadcasts.
 *
 * The gate values of all three gates sit side by side in one vector of length
 * L = C + H + W: first the C gate (index c), then the H gate (index i), then the W gate
 * (index j). A map position (i, j, c) is flattened row-major as p = (i·W + j)·C + c.
 */
import * as tf from '@tensorflow/tfjs-core';
import { matMulConstantRight, matMulExplicitGrad } from '../../ops/matmul-explicit-grad';

/**
 * Largest (C + H + W)·H·W·C for which MCA builds the constant matrices. The two largest
 * matrices hold 3 times as many float32 entries (12 MB each at the limit), and their products
 * cost about that many multiply-adds per sample. Larger maps use per-gate reductions.
 */
export const MCA_MATRIX_ENTRY_LIMIT = 1 << 20;

/** Sizes of a map and of the three gate kernels, in the gate order C, H, W. */
export interface McaGeometry {
  height: number;
  width: number;
  channels: number;
  /** Kernel lengths of the C, H and W gates; odd. */
  kernelSizes: [number, number, number];
}

/** The constants of one geometry, as tensors the caller owns. */
export interface McaMatrices {
  /** `[H·W·C, L]`: column ℓ averages the slab of gate index ℓ (entries 1/n). */
  meanPool: tf.Tensor2D;
  /** `[L, 3·H·W·C]`: copies each gate's slab means back over its slab, one block per gate. */
  expandByGate: tf.Tensor2D;
  /** `[3·H·W·C, L]`: sums each gate's block of squared deviations over a slab, divided by n − 1. */
  variancePool: tf.Tensor2D;
  /** `[k_C + k_H + k_W, L·L]`: maps the concatenated kernels to the block-diagonal 1-D convolution matrix. */
  kernelTaps: tf.Tensor2D;
  /** `[3, L]`: 1 where a gate index belongs to gate C, H or W. */
  gateMembership: tf.Tensor2D;
  /** `[L, H·W·C]`: adds the three gates of each position, divided by 3. */
  expandMean: tf.Tensor2D;
}

interface GateLayout {
  /** First index of the gate in the length-L vector. */
  offset: number;
  /** Number of gate indices (C, H or W). */
  length: number;
  /** Entries pooled into each gate value (H·W, W·C or H·C). */
  slabSize: number;
  kernelSize: number;
  /** First index of the gate's kernel in the concatenated kernel vector. */
  kernelOffset: number;
  /** Gate index of flattened position p. */
  indexOf: (p: number) => number;
}

function gateLayouts(geometry: McaGeometry): GateLayout[] {
  const { height, width, channels, kernelSizes } = geometry;
  const [kernelC, kernelH, kernelW] = kernelSizes;
  return [
    { offset: 0, length: channels, slabSize: height * width, kernelSize: kernelC, kernelOffset: 0, indexOf: (p) => p % channels },
    {
      offset: channels,
      length: height,
      slabSize: width * channels,
      kernelSize: kernelH,
      kernelOffset: kernelC,
      indexOf: (p) => Math.floor(p / (width * channels)),
    },
    {
      offset: channels + height,
      length: width,
      slabSize: height * channels,
      kernelSize: kernelW,
      kernelOffset: kernelC + kernelH,
      indexOf: (p) => Math.floor(p / channels) % width,
    },
  ];
}

/** Builds the constants of {@link McaMatrices} for one map geometry. */
export function createMcaMatrices(geometry: McaGeometry): McaMatrices {
  const { height, width, channels, kernelSizes } = geometry;
  const positions = height * width * channels;
  const gateCount = channels + height + width;
  const kernelTotal = kernelSizes[0] + kernelSizes[1] + kernelSizes[2];
  const layouts = gateLayouts(geometry);

  const meanPool = new Float32Array(positions * gateCount);
  const expandByGate = new Float32Array(gateCount * 3 * positions);
  const variancePool = new Float32Array(3 * positions * gateCount);
  const kernelTaps = new Float32Array(kernelTotal * gateCount * gateCount);
  const gateMembership = new Float32Array(3 * gateCount);
  const expandMean = new Float32Array(gateCount * positions);

  layouts.forEach((gate, g) => {
    for (let p = 0; p < positions; p++) {
      const column = gate.offset + gate.indexOf(p);
      const blockRow = g * positions + p;
      meanPool[p * gateCount + column] = 1 / gate.slabSize;
      expandByGate[column * 3 * positions + blockRow] = 1;
      variancePool[blockRow * gateCount + column] = 1 / (gate.slabSize - 1);
      expandMean[column * positions + p] = 1 / 3;
    }

    // Tap j of the gate's kernel links output index ℓ to input index ℓ + j − pad of the same
    // gate (cross-correlation with zero padding, as a PyTorch Conv1d).
    const pad = (gate.kernelSize - 1) / 2;
    for (let j = 0; j < gate.kernelSize; j++) {
      for (let out = 0; out < gate.length; out++) {
        const source = out + j - pad;
        if (source >= 0 && source < gate.length) {
          kernelTaps[(gate.kernelOffset + j) * gateCount * gateCount + (gate.offset + source) * gateCount + gate.offset + out] = 1;
        }
      }
    }
    for (let l = 0; l < gate.length; l++) {
      gateMembership[g * gateCount + gate.offset + l] = 1;
    }
  });

  return {
    meanPool: tf.tensor2d(meanPool, [positions, gateCount]),
    expandByGate: tf.tensor2d(expandByGate, [gateCount, 3 * positions]),
    variancePool: tf.tensor2d(variancePool, [3 * positions, gateCount]),
    kernelTaps: tf.tensor2d(kernelTaps, [kernelTotal, gateCount * gateCount]),
    gateMembership: tf.tensor2d(gateMembership, [3, gateCount]),
    expandMean: tf.tensor2d(expandMean, [gateCount, positions]),
  };
}

/**
 * Computes MCA's output X ⊙ (g_C + g_H + g_W)/3 with the constant matrices: slab means and
 * unbiased variances (from centred values) of all three gates as matMuls, the three 1-D
 * convolutions as one block-diagonal matMul, and the gate sum spread back over the map as one
 * more. Shapes: `x` `[B, H, W, C]`, `mixWeights` three `[2]`, `kernelWeights` `[k_C]`, `[k_H]`,
 * `[k_W]` in the gate order C, H, W → `[B, H, W, C]`.
 */
export function mcaScaleByMatMul(x: tf.Tensor, matrices: McaMatrices, mixWeights: tf.Tensor[], kernelWeights: tf.Tensor[], epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const [batch, height, width, channels] = x.shape as [number, number, number, number];
    const flat = tf.reshape(x, [batch, height * width * channels]) as tf.Tensor2D;

    // Slab means of all gates, μ: [B, HWC] x [HWC, L] -> [B, L], L = C + H + W.
    const mean = matMulConstantRight(flat, matrices.meanPool);

    // Unbiased slab variances from centred values, one block of [B, HWC] per gate:
    // Σ (x − μ)² / (n − 1) as [B, 3·HWC] x [3·HWC, L] -> [B, L].
    const deviations = tf.sub(tf.concat([flat, flat, flat], 1), matMulConstantRight(mean, matrices.expandByGate));
    const variance = matMulConstantRight(tf.square(deviations) as tf.Tensor2D, matrices.variancePool);
    const std = tf.sqrt(tf.add(variance, epsilon));

    // Mixing coefficients 1/2 + σ(ω) of each gate, spread to its indices: [2, 3] x [3, L] -> [2, L].
    const mix = tf.concat(mixWeights.map((weight) => tf.reshape(weight, [2, 1])), 1) as tf.Tensor2D;
    const coefficients = matMulConstantRight(tf.add(tf.sigmoid(mix), 0.5) as tf.Tensor2D, matrices.gateMembership);
    const [meanCoefficient, stdCoefficient] = tf.split(coefficients, 2, 0) as [tf.Tensor, tf.Tensor];
    const squeeze = tf.add(tf.mul(mean, meanCoefficient), tf.mul(std, stdCoefficient)) as tf.Tensor2D;

    // The three 1-D convolutions as one block-diagonal [L, L] matrix built from the kernels.
    const gateCount = squeeze.shape[1];
    const kernels = tf.reshape(tf.concat(kernelWeights, 0), [1, -1]) as tf.Tensor2D;
    const convolution = tf.reshape(matMulConstantRight(kernels, matrices.kernelTaps), [gateCount, gateCount]) as tf.Tensor2D;
    const gates = tf.sigmoid(matMulExplicitGrad(squeeze, convolution)) as tf.Tensor2D;

    // (g_C + g_H + g_W)/3 at every position, [B, L] x [L, HWC]; one product with X equals the
    // mean of the three gated copies.
    const scale = matMulConstantRight(gates, matrices.expandMean);
    return tf.reshape(tf.mul(flat, scale), [batch, height, width, channels]);
  });
}
