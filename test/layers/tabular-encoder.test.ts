import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { TabularEncoder, type TabularEncoderArgs } from '../../src/layers/tabular-encoder';
import { describeBackends, useBackend } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { runLayerContract } from '../helpers/layer-contract';
import { seededCodes, seededNormal, seededUniform } from '../helpers/random-tensors';

const TINY: TabularEncoderArgs = {
  numNumeric: 3,
  cardinalities: [2, 3],
  hiddenUnits: 6,
  categoryEmbeddingDim: 2,
  embedDim: 5,
  dropout: 0,
};

/**
 * Builds a layer through `apply` (so weight names carry the layer scope) and gives every weight
 * seeded values. ReLU kinks make finite differences fail when a step crosses one, so seeded
 * weights keep the gradient check deterministic.
 */
function seededEncoder(args: TabularEncoderArgs): TabularEncoder {
  const layer = new TabularEncoder(args);
  tf.tidy(() => {
    const xNum = tf.zeros([1, args.numNumeric]);
    const xCat = tf.zeros([1, args.cardinalities.length], 'int32');
    layer.apply(args.cardinalities.length > 0 ? [xNum, xCat] : xNum);
  });
  const values = layer
    .getWeights()
    .map((w, i) => (w.shape[0] === undefined ? w : seededUniform(w.shape, 200 + i, -0.8, 0.8)));
  layer.setWeights(values);
  return layer;
}

/** Plain-loop forward in inference mode, from the documented formulas. */
function referenceEncoder(
  xNum: number[][],
  xCat: number[][],
  weights: number[][][] | number[][],
  args: { cardinalities: number[] },
): number[][] {
  const relu = (v: number): number => Math.max(0, v);
  const dense = (input: number[], kernel: number[][], bias: number[]): number[] =>
    bias.map((b, unit) => relu(input.reduce((total, v, d) => total + v * (kernel[d]?.[unit] as number), b)));

  const [k1, b1, k2, b2] = weights as [number[][], number[], number[][], number[]];
  const embeddings = weights.slice(4, 4 + args.cardinalities.length) as number[][][];
  const [fusionKernel, fusionBias] = weights.slice(4 + args.cardinalities.length) as [number[][], number[]];

  return xNum.map((row, r) => {
    const u = dense(dense(row, k1, b1), k2, b2);
    const v = embeddings.flatMap((table, j) => table[xCat[r]?.[j] as number] as number[]);
    return dense([...u, ...v], fusionKernel, fusionBias);
  });
}

describe('TabularEncoder construction', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('defaults match documentation', () => {
    const layer = new TabularEncoder({ numNumeric: 8, cardinalities: [2, 3, 5, 5, 2] });
    expect(layer.hiddenUnits).toBe(64);
    expect(layer.categoryEmbeddingDim).toBe(8);
    expect(layer.embedDim).toBe(64);
    expect(layer.dropout).toBe(0.1);
    expect(layer.getConfig()).toMatchObject({
      numNumeric: 8,
      cardinalities: [2, 3, 5, 5, 2],
      hiddenUnits: 64,
      categoryEmbeddingDim: 8,
      embedDim: 64,
      dropout: 0.1,
    });
  });

  it.each([
    ['numNumeric 0', { numNumeric: 0 }, /`numNumeric` must be a positive integer; received 0/],
    ['numNumeric missing', { numNumeric: undefined }, /`numNumeric` must be a positive integer; received undefined/],
    ['cardinalities missing', { cardinalities: undefined }, /`cardinalities` must be an array.*received undefined/],
    ['cardinalities [2, 0]', { cardinalities: [2, 0] }, /`cardinalities\[1\]` must be a positive integer; received 0/],
    ['cardinalities [1.5]', { cardinalities: [1.5] }, /`cardinalities\[0\]` must be a positive integer; received 1.5/],
    ['hiddenUnits 0', { hiddenUnits: 0 }, /`hiddenUnits` must be a positive integer; received 0/],
    ['categoryEmbeddingDim 2.5', { categoryEmbeddingDim: 2.5 }, /`categoryEmbeddingDim` must be a positive integer/],
    ['embedDim -1', { embedDim: -1 }, /`embedDim` must be a positive integer; received -1/],
    ['dropout 1', { dropout: 1 }, /`dropout` must be a finite number in \[0, 1\); received 1/],
    ['dropout -0.1', { dropout: -0.1 }, /`dropout` must be a finite number in \[0, 1\); received -0.1/],
    ['featureGate "yes"', { featureGate: 'yes' }, /`featureGate` must be true or false; received "yes"/],
  ])('rejects %s', (_title, override, pattern) => {
    const args = { ...TINY, ...override } as TabularEncoderArgs;
    expect(() => new TabularEncoder(args)).toThrow(InvalidArgumentError);
    expect(() => new TabularEncoder(args)).toThrow(pattern);
  });

  it.each([
    ['one input for two', TINY, [null, 3], /expected two inputs \[xNum, xCat\].*received 1/],
    ['two inputs for one', { ...TINY, cardinalities: [] }, [[null, 3], [null, 0]], /expected one input xNum.*received 2/],
    ['xNum columns', TINY, [[null, 4], [null, 2]], /`xNum` must have shape \[B, 3\].*received \[null,4\]/],
    ['xCat columns', TINY, [[null, 3], [null, 5]], /`xCat` must have shape \[B, 2\].*received \[null,5\]/],
    ['xNum rank 3', TINY, [[null, 3, 1], [null, 2]], /`xNum` must have shape \[B, 3\].*received \[null,3,1\]/],
  ])('build rejects %s', (_title, args, shape, pattern) => {
    expect(() => new TabularEncoder(args).build(shape as tfl.Shape)).toThrow(ShapeMismatchError);
    expect(() => new TabularEncoder(args).build(shape as tfl.Shape)).toThrow(pattern);
  });

  it('weight names and shapes', () => {
    const layer = seededEncoder(TINY);
    expect(layer.weights.map((w) => w.originalName.split('/').pop())).toEqual([
      'numeric_kernel_1',
      'numeric_bias_1',
      'numeric_kernel_2',
      'numeric_bias_2',
      'embedding_0',
      'embedding_1',
      'fusion_kernel',
      'fusion_bias',
    ]);
    expect(layer.weights.map((w) => w.shape)).toEqual([[3, 6], [6], [6, 6], [6], [3, 2], [4, 2], [10, 5], [5]]);
  });
});

runLayerContract({
  name: 'TabularEncoder',
  create: () => seededEncoder(TINY),
  inputs: [{ shape: [3] }, { shape: [2], dtype: 'int32' }],
  makeInputs: (batch, seed) => [seededNormal([batch, 3], seed), seededCodes(batch, [2, 3], seed + 100)],
  // The int32 codes have no gradient; only xNum is differentiated. Step 1e-3 instead of 1e-2:
  // with these seeded weights a first-layer pre-activation sits at −0.012 and a step of 1e-2
  // on its kernel entry (input 2.0) crosses the ReLU kink.
  gradients: { inputIndices: [0], step: 1e-3 },
});

runLayerContract({
  name: 'TabularEncoder numeric only',
  create: () => seededEncoder({ ...TINY, cardinalities: [] }),
  inputs: [{ shape: [3] }],
  makeInputs: (batch, seed) => [seededNormal([batch, 3], seed)],
  // Same first layer and inputs as above, so the same kink; see the step note there.
  gradients: { step: 1e-3 },
});

describeBackends('TabularEncoder values', () => {
  it('matches naive loop', () => {
    const layer = seededEncoder(TINY);
    const xNum = seededNormal([4, 3], 301);
    const xCat = tf.tensor2d([[0, 3], [2, 0], [1, 1], [2, 2]], [4, 2], 'int32');
    const y = layer.apply([xNum, xCat]) as tf.Tensor;
    const expected = referenceEncoder(
      xNum.arraySync() as number[][],
      xCat.arraySync() as number[][],
      layer.getWeights().map((w) => w.arraySync() as number[][]),
      TINY,
    );
    expectClose(y, expected);
    tf.dispose([xNum, xCat, y]);
  });

  it('doc example runs', () => {
    const encoder = new TabularEncoder({ numNumeric: 3, cardinalities: [2, 5] });
    const xNum = tf.tensor2d([[0.1, -1.2, 0.4]]);
    const xCat = tf.tensor2d([[1, 4]], [1, 2], 'int32');
    const h = encoder.apply([xNum, xCat]) as tf.Tensor;
    expect(h.shape).toEqual([1, 64]);
    tf.dispose([xNum, xCat, h]);
  });

  it('embedding lookup values', () => {
    // Zero numeric weights make u = 0. The fusion kernel copies the embeddings (zero row for
    // u, identity below), and positive tables pass the ReLU, so h = [E_0[code_0] ; E_1[code_1]].
    const layer = new TabularEncoder({ numNumeric: 2, cardinalities: [2, 1], hiddenUnits: 1, categoryEmbeddingDim: 2, embedDim: 4, dropout: 0 });
    const table0 = [[0.1, 0.2], [1.1, 1.2], [2.1, 2.2]];
    const table1 = [[5.1, 5.2], [6.1, 6.2]];
    const fusion = [[0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    const xNum = seededNormal([3, 2], 302);
    const xCat = tf.tensor2d([[2, 0], [0, 1], [1, 1]], [3, 2], 'int32');
    layer.apply([xNum, xCat]);
    layer.setWeights([
      tf.zeros([2, 1]),
      tf.zeros([1]),
      tf.zeros([1, 1]),
      tf.zeros([1]),
      tf.tensor2d(table0),
      tf.tensor2d(table1),
      tf.tensor2d(fusion),
      tf.zeros([4]),
    ]);
    const y = layer.apply([xNum, xCat]) as tf.Tensor;
    expectClose(y, [
      [2.1, 2.2, 5.1, 5.2],
      [0.1, 0.2, 6.1, 6.2],
      [1.1, 1.2, 6.1, 6.2],
    ]);
    tf.dispose([xNum, xCat, y]);
  });

  it('float32 codes equal int32', () => {
    const layer = seededEncoder(TINY);
    const xNum = seededNormal([5, 3], 303);
    const codes = seededCodes(5, [2, 3], 304);
    const floatCodes = tf.cast(codes, 'float32');
    const fromInt = layer.apply([xNum, codes]) as tf.Tensor;
    const fromFloat = layer.apply([xNum, floatCodes]) as tf.Tensor;
    expectClose(fromFloat, fromInt, { atol: 0, rtol: 0 });
    tf.dispose([xNum, codes, floatCodes, fromInt, fromFloat]);
  });

  it('unused rows get zero gradient', () => {
    // Codes use rows {0, 2} of table 0 and {1, 3} of table 1; the other rows must not move.
    const layer = seededEncoder(TINY);
    const xNum = seededNormal([2, 3], 305);
    const xCat = tf.tensor2d([[0, 1], [2, 3]], [2, 2], 'int32');
    const embeddings = layer.trainableWeights.filter((w) => w.originalName.includes('embedding'));
    const variables = embeddings.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(layer.apply([xNum, xCat]) as tf.Tensor)) as tf.Scalar,
      variables,
    );
    const rowHasGradient = (variable: tf.Variable): boolean[] =>
      ((grads[variable.name] as tf.Tensor).arraySync() as number[][]).map((row) => row.some((g) => g !== 0));
    expect(rowHasGradient(variables[0] as tf.Variable)).toEqual([true, false, true]);
    expect(rowHasGradient(variables[1] as tf.Variable)).toEqual([false, true, false, true]);
    tf.dispose([xNum, xCat, value, ...Object.values(grads)]);
  });

  it('dropout only in training', () => {
    const layer = seededEncoder({ ...TINY, embedDim: 32, dropout: 0.5 });
    const xNum = seededNormal([4, 3], 306);
    const xCat = seededCodes(4, [2, 3], 307);
    const first = layer.apply([xNum, xCat], { training: false }) as tf.Tensor;
    const second = layer.apply([xNum, xCat], { training: false }) as tf.Tensor;
    expectClose(second, first, { atol: 0, rtol: 0 });
    const trained = layer.apply([xNum, xCat], { training: true }) as tf.Tensor;
    const differs = tf.tidy(() => tf.any(tf.notEqual(trained, first)).dataSync()[0]);
    expect(differs).toBe(1);
    tf.dispose([xNum, xCat, first, second, trained]);
  });

  it('int32 symbolic model predicts', () => {
    const layer = seededEncoder(TINY);
    const numeric = tfl.input({ shape: [3] });
    const categorical = tfl.input({ shape: [2], dtype: 'int32' });
    const model = tfl.model({ inputs: [numeric, categorical], outputs: layer.apply([numeric, categorical]) as tfl.SymbolicTensor });
    expect(model.inputs.map((input) => input.dtype)).toEqual(['float32', 'int32']);
    const xNum = seededNormal([3, 3], 308);
    const xCat = seededCodes(3, [2, 3], 309);
    const predicted = model.predict([xNum, xCat]) as tf.Tensor;
    const eager = layer.apply([xNum, xCat]) as tf.Tensor;
    expectClose(predicted, eager, { atol: 0, rtol: 0 });
    tf.dispose([xNum, xCat, predicted, eager]);
  });
});

runLayerContract({
  name: 'TabularEncoder with feature gate',
  create: () => seededEncoder({ ...TINY, featureGate: true }),
  inputs: [{ shape: [3] }, { shape: [2], dtype: 'int32' }],
  makeInputs: (batch, seed) => [seededNormal([batch, 3], seed), seededCodes(batch, [2, 3], seed + 100)],
  // See the step note of the first contract.
  gradients: { inputIndices: [0], step: 1e-3 },
});

describeBackends('TabularEncoder feature gate', () => {
  const GATED: TabularEncoderArgs = { ...TINY, featureGate: true };

  it('adds the gate weights last, initialised to 1', () => {
    const layer = new TabularEncoder(GATED);
    layer.build([[null, 3], [null, 2]]);
    expect(layer.weights.slice(-2).map((w) => [w.originalName.split('/').pop(), w.shape])).toEqual([
      ['numeric_gate', [3]],
      ['category_gate', [2]],
    ]);
    expect(layer.gateValues()).toEqual({ numeric: new Float32Array([1, 1, 1]), categorical: new Float32Array([1, 1]) });
    expect(layer.getConfig()).toMatchObject({ featureGate: true });
  });

  it('equals an ungated layer with scaled inputs and tables', () => {
    // h(x ⊙ g_num, g_cat[j]·E_j) of the plain layer must equal the gated layer's h(x).
    const gated = seededEncoder(GATED);
    const plain = seededEncoder(TINY);
    const weights = gated.getWeights();
    const [numericGate, categoryGate] = weights.slice(-2).map((w) => w.arraySync() as number[]) as [number[], number[]];
    plain.setWeights(
      weights.slice(0, -2).map((w, i) => (i === 4 || i === 5 ? tf.mul(w, categoryGate[i - 4] as number) : w)),
    );
    const xNum = seededNormal([4, 3], 320);
    const xCat = seededCodes(4, [2, 3], 321);
    const scaled = tf.mul(xNum, tf.tensor1d(numericGate));
    const expected = plain.apply([scaled, xCat]) as tf.Tensor;
    const actual = gated.apply([xNum, xCat]) as tf.Tensor;
    expectClose(actual, expected);
    tf.dispose([xNum, xCat, scaled, expected, actual]);
  });

  it('a zero gate removes its column', () => {
    const layer = seededEncoder(GATED);
    const weights = layer.getWeights();
    layer.setWeights([...weights.slice(0, -2), tf.tensor1d([1, 0, 1]), tf.tensor1d([0, 1])]);
    const xNum = seededNormal([3, 3], 322);
    const xCat = tf.tensor2d([[1, 2], [2, 3], [0, 1]], [3, 2], 'int32');
    const changedNum = tf.add(xNum, tf.tensor2d([[0, 5, 0], [0, -3, 0], [0, 7, 0]]));
    const changedCat = tf.tensor2d([[2, 2], [0, 3], [1, 1]], [3, 2], 'int32');
    const first = layer.apply([xNum, xCat]) as tf.Tensor;
    const second = layer.apply([changedNum, changedCat]) as tf.Tensor;
    expectClose(second, first, { atol: 0, rtol: 0 });
    tf.dispose([xNum, xCat, changedNum, changedCat, first, second]);
  });

  it('gateL1 sums the absolute gates and has a sign gradient', () => {
    const layer = seededEncoder(GATED);
    const weights = layer.getWeights();
    layer.setWeights([...weights.slice(0, -2), tf.tensor1d([0.5, -2, 1]), tf.tensor1d([-0.25, 3])]);
    const l1 = layer.gateL1();
    expect(l1.dataSync()[0]).toBeCloseTo(6.75, 5);
    const variables = layer.gateWeights().map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => layer.gateL1(), variables);
    expect(variables.map((v) => Array.from((grads[v.name] as tf.Tensor).dataSync()))).toEqual([
      [1, -1, 1],
      [-1, 1],
    ]);
    tf.dispose([l1, value, ...Object.values(grads)]);
  });

  it('without the gate: no gate weights, gateL1 is 0', () => {
    const layer = seededEncoder(TINY);
    expect(layer.gateWeights()).toEqual([]);
    expect(layer.gateValues()).toBeUndefined();
    const l1 = layer.gateL1();
    expect(l1.dataSync()[0]).toBe(0);
    l1.dispose();
  });

  it('numeric-only layer has a numeric gate only', () => {
    const layer = seededEncoder({ ...GATED, cardinalities: [] });
    expect(layer.gateWeights().map((w) => w.shape)).toEqual([[3]]);
    expect(layer.gateValues()?.categorical).toEqual(new Float32Array(0));
  });
});

describeBackends('TabularEncoder data checks', () => {
  const layer = (): TabularEncoder => seededEncoder(TINY);

  it.each([
    ['code above range', [[1, 2], [3, 0]], 'int32', /categorical column 0 has the out-of-range code 3 at row 1. Allowed codes are the integers in \[0, 2\]/],
    ['negative code', [[1, 2], [0, -1]], 'int32', /categorical column 1 has the out-of-range code -1 at row 1. Allowed codes are the integers in \[0, 3\]/],
    ['non-integer code', [[1, 2.5], [0, 1]], 'float32', /categorical column 1 has the non-integer code 2.5 at row 0. Allowed codes are the integers in \[0, 3\]/],
    ['NaN code', [[1, 1], [0, Number.NaN]], 'float32', /categorical column 1 has the non-integer code NaN at row 1/],
  ])('rejects %s', (_title, codes, dtype, pattern) => {
    const xNum = seededNormal([2, 3], 310);
    const xCat = tf.tensor2d(codes as number[][], [2, 2], dtype as 'int32' | 'float32');
    const encoder = layer();
    expect(() => encoder.apply([xNum, xCat])).toThrow(DataError);
    expect(() => encoder.apply([xNum, xCat])).toThrow(pattern);
    tf.dispose([xNum, xCat]);
  });

  it('rejects non-finite numeric', () => {
    const xNum = tf.tensor2d([[0, 1, 2], [3, Number.POSITIVE_INFINITY, 5]]);
    const xCat = seededCodes(2, [2, 3], 311);
    const encoder = layer();
    expect(() => encoder.apply([xNum, xCat])).toThrow(DataError);
    expect(() => encoder.apply([xNum, xCat])).toThrow(/numeric column 1 has the non-finite value Infinity at row 1/);
    tf.dispose([xNum, xCat]);
  });

  it('rejects int32 numerics', () => {
    const xNum = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
    const xCat = seededCodes(1, [2, 3], 312);
    const encoder = layer();
    expect(() => encoder.apply([xNum, xCat])).toThrow(ShapeMismatchError);
    expect(() => encoder.apply([xNum, xCat])).toThrow(/`xNum` must be float32; received dtype "int32"/);
    tf.dispose([xNum, xCat]);
  });

  it('failed check leaks nothing', () => {
    const encoder = layer();
    const xNum = seededNormal([2, 3], 313);
    const xCat = tf.tensor2d([[1, 9], [0, 0]], [2, 2], 'int32');
    const before = tf.memory().numTensors;
    expect(() => encoder.apply([xNum, xCat])).toThrow(/out-of-range code 9/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xNum, xCat]);
  });
});
