import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../../src/errors';
import { GCNConv, normalizeAdjacency, type GCNConvArgs } from '../../../src/layers/graph/gcn-conv';
import { createRng } from '../../../src/random';
import { describeBackends, useBackend } from '../../helpers/backends';
import { expectClose, expectFinite } from '../../helpers/expect-close';
import { runLayerContract } from '../../helpers/layer-contract';
import { seededNormal, seededUniform } from '../../helpers/random-tensors';
import { describeBatchedGraphs } from './batched-graphs';

type Edge = [number, number];

/** Dense adjacency with A[target][source] = 1 for each directed edge source → target. */
function denseFromEdges(n: number, edges: Edge[]): number[][] {
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const [source, target] of edges) {
    (a[target] as number[])[source] = 1;
  }
  return a;
}

/** Both directions of each undirected pair. */
function undirected(pairs: Edge[]): Edge[] {
  return pairs.flatMap(([u, v]) => [
    [u, v],
    [v, u],
  ]);
}

/** Seeded symmetric 0/1 adjacency without self-loops, edge probability 0.4. */
function seededAdjacency(n: number, seed: number): tf.Tensor {
  const rng = createRng(seed);
  const pairs: Edge[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (rng.next() < 0.4) {
        pairs.push([i, j]);
      }
    }
  }
  return tf.tensor2d(denseFromEdges(n, undirected(pairs)), [n, n]);
}

function builtLayer(args: GCNConvArgs, featureCount: number): GCNConv {
  const layer = new GCNConv(args);
  tf.tidy(() => {
    layer.apply([tf.zeros([2, featureCount]), tf.zeros([2, 2])]);
  });
  return layer;
}

/** Layer with seeded weights (bias included, so the bias path is exercised). */
function seededLayer(args: GCNConvArgs, featureCount: number): GCNConv {
  const layer = builtLayer(args, featureCount);
  layer.setWeights(layer.getWeights().map((w, i) => seededUniform(w.shape, 500 + i, -0.8, 0.8)));
  return layer;
}

/** Loop reference: Ã, degrees, Â, then Â·X·Θ + X·Θ_root + b. */
function referenceGcn(
  x: number[][],
  a: number[][],
  weights: { kernel: number[][]; root?: number[][]; bias?: number[] },
  options: { addSelfLoops: boolean; selfLoopWeight: number; normalize: boolean },
): number[][] {
  const n = x.length;
  const filled = a.map((row, i) =>
    row.map((v, j) => (i === j && options.addSelfLoops && v === 0 ? options.selfLoopWeight : v)),
  );
  const degree = filled.map((row) => row.reduce((s, v) => s + v, 0));
  const inv = degree.map((d) => (d > 0 ? 1 / Math.sqrt(d) : 0));
  const prop = filled.map((row, i) => row.map((v, j) => (options.normalize ? (inv[i] as number) * v * (inv[j] as number) : v)));
  const units = (weights.kernel[0] as number[]).length;
  const transform = (row: number[], kernel: number[][]): number[] =>
    Array.from({ length: units }, (_, u) => row.reduce((s, v, f) => s + v * ((kernel[f] as number[])[u] as number), 0));
  const xw = x.map((row) => transform(row, weights.kernel));
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: units }, (_, u) => {
      let total = 0;
      for (let j = 0; j < n; j++) {
        total += ((prop[i] as number[])[j] as number) * ((xw[j] as number[])[u] as number);
      }
      if (weights.root !== undefined) {
        total += transform(x[i] as number[], weights.root)[u] as number;
      }
      return total + (weights.bias?.[u] ?? 0);
    }),
  );
}

describe('GCNConv construction', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('defaults match documentation', () => {
    const layer = new GCNConv({ units: 16 });
    expect(layer.getConfig()).toMatchObject({
      units: 16,
      useBias: true,
      addSelfLoops: true,
      improved: false,
      normalize: true,
      rootWeight: false,
      kernelInitializer: 'glorotUniform',
      seed: null,
    });
  });

  it.each([
    ['units 0', { units: 0 }, /`units` must be a positive integer; received 0/],
    ['units missing', { units: undefined }, /`units` must be a positive integer; received undefined/],
    ['units 1.5', { units: 1.5 }, /`units` must be a positive integer; received 1.5/],
    ['useBias string', { useBias: 'yes' }, /`useBias` must be true or false; received "yes"/],
    ['addSelfLoops 1', { addSelfLoops: 1 }, /`addSelfLoops` must be true or false; received 1/],
    ['improved string', { improved: 'no' }, /`improved` must be true or false/],
    ['normalize 0', { normalize: 0 }, /`normalize` must be true or false; received 0/],
    ['rootWeight 1', { rootWeight: 1 }, /`rootWeight` must be true or false; received 1/],
    ['kernelInitializer', { kernelInitializer: 'glorot_uniform' }, /`kernelInitializer` must be one of .*received "glorot_uniform"/],
    ['seed 0.5', { seed: 0.5 }, /`seed` must be an integer or null; received 0.5/],
  ])('rejects %s', (_title, override, pattern) => {
    const args = { units: 4, ...override } as GCNConvArgs;
    expect(() => new GCNConv(args)).toThrow(InvalidArgumentError);
    expect(() => new GCNConv(args)).toThrow(pattern);
  });

  it.each([
    ['one input', [null, 3], /expected two inputs \[X, A\]/],
    ['X rank 4', [[1, null, 3, 2], [1, null, 3, 3]], /`X` must have shape \[N, F_in\], or \[B, N, F_in\]/],
    ['X rank 3, A rank 2', [[2, 3, 2], [3, 3]], /`A` must have shape \[B, N, N\] with N = 3/],
    ['batch sizes differ', [[2, 3, 2], [4, 3, 3]], /`A` must have shape \[B, N, N\].*received \[4,3,3\]/],
    ['A not square', [[5, 3], [5, 4]], /`A` must have shape \[N, N\] with N = 5.*received \[5,4\]/],
    ['A rank 1', [[null, 3], [null]], /`A` must have shape \[N, N\]/],
  ])('build rejects %s', (_title, shape, pattern) => {
    expect(() => new GCNConv({ units: 2 }).build(shape as tfl.Shape)).toThrow(ShapeMismatchError);
    expect(() => new GCNConv({ units: 2 }).build(shape as tfl.Shape)).toThrow(pattern);
  });

  it.each([[[3]], [[1, 2, 3, 3]], [[3, 4]]])('normalizeAdjacency rejects %j', (shape) => {
    const a = tf.zeros(shape);
    const options = { addSelfLoops: true, selfLoopWeight: 1, normalize: true };
    expect(() => normalizeAdjacency(a, options)).toThrow(ShapeMismatchError);
    expect(() => normalizeAdjacency(a, options)).toThrow(/`adjacency` must have shape \[N, N\] or \[B, N, N\]/);
    a.dispose();
  });

  it('call rejects int32 adjacency', () => {
    const layer = new GCNConv({ units: 2 });
    const x = tf.zeros([2, 3]);
    const a = tf.zeros([2, 2], 'int32');
    expect(() => layer.apply([x, a])).toThrow(/`X` and `A` must be float32; received \["float32","int32"\]/);
    tf.dispose([x, a]);
  });

  it('weight names and shapes', () => {
    const layer = builtLayer({ units: 4, rootWeight: true }, 3);
    expect(layer.weights.map((w) => w.originalName.split('/').pop())).toEqual(['kernel', 'root_kernel', 'bias']);
    expect(layer.weights.map((w) => w.shape)).toEqual([[3, 4], [3, 4], [4]]);
    expect(builtLayer({ units: 4, useBias: false }, 3).weights.map((w) => w.shape)).toEqual([[3, 4]]);
  });

  it('seed makes weights repeatable', () => {
    const first = builtLayer({ units: 4, seed: 7, rootWeight: true }, 3).getWeights();
    const second = builtLayer({ units: 4, seed: 7, rootWeight: true }, 3).getWeights();
    first.forEach((w, i) => expectClose(second[i] as tf.Tensor, w, { atol: 0, rtol: 0 }));
  });
});

// The adjacency is a constant of the graph, so only X (input 0) is differentiated.
const GRAPH_INPUTS = [{ shape: [3] }, { shape: [null as unknown as number] }];

runLayerContract({
  name: 'GCNConv',
  create: () => seededLayer({ units: 2 }, 3),
  inputs: GRAPH_INPUTS,
  makeInputs: (batch, seed) => [seededNormal([batch, 3], seed), seededAdjacency(batch, seed + 50)],
  gradients: { inputIndices: [0] },
});

runLayerContract({
  name: 'GCNConv root improved',
  create: () => seededLayer({ units: 2, rootWeight: true, improved: true }, 3),
  inputs: GRAPH_INPUTS,
  makeInputs: (batch, seed) => [seededNormal([batch, 3], seed), seededAdjacency(batch, seed + 50)],
  gradients: { inputIndices: [0] },
});

describeBackends('GCNConv values', () => {
  // Path 0 - 1 - 2 - 3 with self-loops: degrees 2, 3, 3, 2, so Â_ij = 1/√(d_i·d_j).
  const PATH = denseFromEdges(4, undirected([[0, 1], [1, 2], [2, 3]]));
  const S6 = 1 / Math.sqrt(6);
  const PATH_NORMALIZED = [
    [1 / 2, S6, 0, 0],
    [S6, 1 / 3, 1 / 3, 0],
    [0, 1 / 3, 1 / 3, S6],
    [0, 0, S6, 1 / 2],
  ];

  it('path graph normalisation', () => {
    const a = tf.tensor2d(PATH);
    const normalized = normalizeAdjacency(a, { addSelfLoops: true, selfLoopWeight: 1, normalize: true });
    expectClose(normalized, PATH_NORMALIZED);
    tf.dispose([a, normalized]);
  });

  it('path graph identity kernel', () => {
    const layer = builtLayer({ units: 2, useBias: false }, 2);
    layer.setWeights([tf.tensor2d([[1, 0], [0, 1]])]);
    const x = tf.tensor2d([[1, 0], [0, 1], [2, 0], [0, 3]]);
    const a = tf.tensor2d(PATH);
    const y = layer.apply([x, a]) as tf.Tensor;
    // Â·X by hand: column 0 = Â[:,0]·1 + Â[:,2]·2, column 1 = Â[:,1]·1 + Â[:,3]·3.
    expectClose(y, [
      [1 / 2, S6],
      [S6 + 2 / 3, 1 / 3],
      [2 / 3, 1 / 3 + 3 * S6],
      [2 * S6, 3 / 2],
    ]);
    tf.dispose([x, a, y]);
  });

  it.each([
    ['defaults', {}],
    ['improved', { improved: true }],
    ['no self-loops', { addSelfLoops: false }],
    ['not normalised', { normalize: false }],
    ['root weight', { rootWeight: true }],
  ])('matches loop reference, %s', (_title, override: Partial<GCNConvArgs>) => {
    const args = { units: 3, ...override };
    const layer = seededLayer(args, 4);
    const x = seededNormal([6, 4], 601);
    // Node 0 carries an existing self-loop of weight 3 that add_remaining_self_loops keeps.
    const aValues = (seededAdjacency(6, 602).arraySync() as number[][]).map((row, i) => row.map((v, j) => (i === 0 && j === 0 ? 3 : v)));
    const a = tf.tensor2d(aValues);
    const y = layer.apply([x, a]) as tf.Tensor;
    const w = layer.getWeights().map((t) => t.arraySync());
    const rootWeight = args.rootWeight === true;
    const expected = referenceGcn(
      x.arraySync() as number[][],
      aValues,
      {
        kernel: w[0] as number[][],
        ...(rootWeight ? { root: w[1] as number[][] } : {}),
        bias: w[rootWeight ? 2 : 1] as number[],
      },
      {
        addSelfLoops: args.addSelfLoops ?? true,
        selfLoopWeight: args.improved === true ? 2 : 1,
        normalize: args.normalize ?? true,
      },
    );
    expectClose(y, expected);
    tf.dispose([x, a, y]);
  });

  it('isolated node keeps own feature', () => {
    const layer = seededLayer({ units: 3 }, 2);
    const [kernel, bias] = layer.getWeights().map((t) => t.arraySync()) as [number[][], number[]];
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [0.5, -1]]);
    const a = tf.tensor2d(denseFromEdges(4, undirected([[0, 1], [1, 2]])));
    const y = (layer.apply([x, a]) as tf.Tensor).arraySync() as number[][];
    const own = [0, 1, 2].map((u) => 0.5 * (kernel[0] as number[])[u]! - 1 * (kernel[1] as number[])[u]! + bias[u]!);
    expectClose(y[3] as number[], own);
    tf.dispose([x, a]);
  });

  it('isolated node, no self-loops', () => {
    // Zero degree: 0^-1/2 := 0, so the node aggregates nothing and outputs the bias alone.
    const layer = seededLayer({ units: 3, addSelfLoops: false }, 2);
    const bias = layer.getWeights()[1] as tf.Tensor;
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const a = tf.tensor2d(denseFromEdges(3, undirected([[0, 1]])));
    const y = layer.apply([x, a]) as tf.Tensor;
    expectFinite(y, 'output');
    expectClose(tf.reshape(tf.slice(y, [2, 0], [1, 3]), [3]), bias);
    tf.dispose([x, a, y]);
  });

  it('empty graph transforms each node', () => {
    const layer = seededLayer({ units: 3 }, 2);
    const [kernel, bias] = layer.getWeights();
    const x = seededNormal([5, 2], 603);
    const a = tf.zeros([5, 5]);
    const y = layer.apply([x, a]) as tf.Tensor;
    const expected = tf.add(tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D), bias as tf.Tensor);
    expectClose(y, expected);
    tf.dispose([x, a, y, expected]);
  });

  it('self-loops on and off differ', () => {
    const on = seededLayer({ units: 2 }, 2);
    const off = seededLayer({ units: 2, addSelfLoops: false }, 2);
    const x = seededNormal([4, 2], 604);
    const a = tf.tensor2d(PATH);
    const yOn = on.apply([x, a]) as tf.Tensor;
    const yOff = off.apply([x, a]) as tf.Tensor;
    const gap = tf.max(tf.abs(tf.sub(yOn, yOff))).dataSync()[0] as number;
    expect(gap).toBeGreaterThan(1e-3);
    tf.dispose([x, a, yOn, yOff]);
  });

  it('node permutation equivariance', () => {
    const layer = seededLayer({ units: 3, rootWeight: true }, 4);
    const x = seededNormal([6, 4], 605);
    const aValues = seededAdjacency(6, 606).arraySync() as number[][];
    const perm = [3, 0, 5, 1, 4, 2];
    const xValues = x.arraySync() as number[][];
    const xPerm = tf.tensor2d(perm.map((p) => xValues[p] as number[]));
    const aPerm = tf.tensor2d(perm.map((p) => perm.map((q) => (aValues[p] as number[])[q] as number)));
    const a = tf.tensor2d(aValues);
    const y = (layer.apply([x, a]) as tf.Tensor).arraySync() as number[][];
    const yPerm = layer.apply([xPerm, aPerm]) as tf.Tensor;
    expectClose(yPerm, perm.map((p) => y[p] as number[]));
    tf.dispose([x, xPerm, aPerm, a, yPerm]);
  });

  it('edge order invariance', () => {
    const layer = seededLayer({ units: 3 }, 4);
    const x = seededNormal([6, 4], 607);
    const edges = undirected([[0, 1], [0, 2], [2, 3], [3, 4], [4, 5], [1, 5]]);
    const shuffled = createRng(608).shuffle([...edges]);
    const a1 = tf.tensor2d(denseFromEdges(6, edges));
    const a2 = tf.tensor2d(denseFromEdges(6, shuffled));
    const y1 = layer.apply([x, a1]) as tf.Tensor;
    const y2 = layer.apply([x, a2]) as tf.Tensor;
    expectClose(y2, y1, { atol: 0, rtol: 0 });
    tf.dispose([x, a1, a2, y1, y2]);
  });

  it('doc example runs', () => {
    const conv = new GCNConv({ units: 4 });
    const x = tf.randomNormal([3, 5]);
    const a = tf.tensor2d([[0, 1, 0], [1, 0, 1], [0, 1, 0]]);
    const y = conv.apply([x, a]) as tf.Tensor;
    expect(y.shape).toEqual([3, 4]);
    tf.dispose([x, a, y]);
  });
});

describeBackends('GCNConv on a batch of graphs', () => {
  describeBatchedGraphs(
    () => seededLayer({ units: 3, rootWeight: true }, 4),
    (n, seed) => ({ x: seededNormal([n, 4], seed).arraySync() as number[][], a: seededAdjacency(n, seed + 50).arraySync() as number[][] }),
  );
});
