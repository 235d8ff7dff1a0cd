import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../../src/errors';
import { GATConv, attentionMask, computeAttention, scoreNodes, type GATConvArgs } from '../../../src/layers/graph/gat-conv';
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

/** Seeded directed 0/1 adjacency without self-loops, edge probability 0.4. */
function seededAdjacency(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i !== j && rng.next() < 0.4 ? 1 : 0)));
}

function builtLayer(args: GATConvArgs, featureCount: number): GATConv {
  const layer = new GATConv(args);
  tf.tidy(() => {
    layer.apply([tf.zeros([2, featureCount]), tf.zeros([2, 2])]);
  });
  return layer;
}

function seededLayer(args: GATConvArgs, featureCount: number, seedBase = 700): GATConv {
  const layer = builtLayer(args, featureCount);
  layer.setWeights(layer.getWeights().map((w, i) => seededUniform(w.shape, seedBase + i, -0.8, 0.8)));
  return layer;
}

interface GatWeights {
  kernel: number[][];
  source: number[][];
  target: number[][];
  root?: number[][];
  bias?: number[];
}

function weightsOf(layer: GATConv): GatWeights {
  const named = new Map(layer.weights.map((w) => [w.originalName.split('/').pop() as string, w.read().arraySync()]));
  return {
    kernel: named.get('kernel') as number[][],
    source: named.get('attention_source') as number[][],
    target: named.get('attention_target') as number[][],
    ...(named.has('root_kernel') ? { root: named.get('root_kernel') as number[][] } : {}),
    ...(named.has('bias') ? { bias: named.get('bias') as number[] } : {}),
  };
}

/** Loop reference of the documented forward pass (inference). Returns output and α [K][N][N]. */
function referenceGat(
  x: number[][],
  a: number[][],
  w: GatWeights,
  options: { heads: number; units: number; concat: boolean; slope: number; addSelfLoops: boolean },
): { output: number[][]; alpha: number[][][] } {
  const n = x.length;
  const { heads, units } = options;
  const dot = (u: number[], v: number[]): number => u.reduce((s, value, k) => s + value * (v[k] as number), 0);
  const column = (m: number[][], c: number): number[] => m.map((row) => row[c] as number);
  const projected = x.map((row) => Array.from({ length: heads * units }, (_, c) => dot(row, column(w.kernel, c))));
  const headOf = (node: number, h: number): number[] => (projected[node] as number[]).slice(h * units, (h + 1) * units);
  const isEdge = (i: number, j: number): boolean => (options.addSelfLoops && i === j) || (a[i] as number[])[j] !== 0;

  const alpha: number[][][] = [];
  const perHead: number[][][] = [];
  for (let h = 0; h < heads; h++) {
    const rows: number[][] = [];
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      const scores = Array.from({ length: n }, (_, j) => {
        const raw = dot(headOf(i, h), w.target[h] as number[]) + dot(headOf(j, h), w.source[h] as number[]);
        return raw > 0 ? raw : options.slope * raw;
      });
      const neighbours = scores.map((_, j) => j).filter((j) => isEdge(i, j));
      const maxScore = Math.max(...neighbours.map((j) => scores[j] as number));
      const total = neighbours.reduce((s, j) => s + Math.exp((scores[j] as number) - maxScore), 0);
      const row = scores.map((score, j) => (isEdge(i, j) ? Math.exp(score - maxScore) / total : 0));
      rows.push(row);
      out.push(Array.from({ length: units }, (_, f) => row.reduce((s, weight, j) => s + weight * (headOf(j, h)[f] as number), 0)));
    }
    alpha.push(rows);
    perHead.push(out);
  }

  const output = Array.from({ length: n }, (_, i) => {
    const combined = options.concat
      ? perHead.flatMap((out) => out[i] as number[])
      : Array.from({ length: units }, (_, f) => perHead.reduce((s, out) => s + ((out[i] as number[])[f] as number), 0) / heads);
    return combined.map((value, c) => value + (w.root ? dot(x[i] as number[], column(w.root, c)) : 0) + (w.bias?.[c] ?? 0));
  });
  return { output, alpha };
}

describe('GATConv construction', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('defaults match documentation', () => {
    const layer = new GATConv({ units: 8 });
    expect(layer.getConfig()).toMatchObject({
      units: 8,
      heads: 1,
      concat: true,
      negativeSlope: 0.2,
      dropout: 0,
      addSelfLoops: true,
      rootWeight: false,
      useBias: true,
      kernelInitializer: 'glorotUniform',
      attentionInitializer: 'glorotUniform',
      seed: null,
    });
  });

  it.each([
    ['units 0', { units: 0 }, /`units` must be a positive integer; received 0/],
    ['units missing', { units: undefined }, /`units` must be a positive integer; received undefined/],
    ['heads 0', { heads: 0 }, /`heads` must be a positive integer; received 0/],
    ['concat 1', { concat: 1 }, /`concat` must be true or false; received 1/],
    ['negativeSlope -0.1', { negativeSlope: -0.1 }, /`negativeSlope` must be a finite number in \[0, 1\]; received -0.1/],
    ['dropout 1', { dropout: 1 }, /`dropout` must be a finite number in \[0, 1\); received 1/],
    ['addSelfLoops 0', { addSelfLoops: 0 }, /`addSelfLoops` must be true or false; received 0/],
    ['rootWeight string', { rootWeight: 'yes' }, /`rootWeight` must be true or false; received "yes"/],
    ['useBias 1', { useBias: 1 }, /`useBias` must be true or false; received 1/],
    ['kernelInitializer', { kernelInitializer: 'xavier' }, /`kernelInitializer` must be one of .*received "xavier"/],
    ['attentionInitializer', { attentionInitializer: 1 }, /`attentionInitializer` must be one of .*received 1/],
    ['seed string', { seed: '3' }, /`seed` must be an integer or null; received "3"/],
  ])('rejects %s', (_title, override, pattern) => {
    const args = { units: 4, ...override } as GATConvArgs;
    expect(() => new GATConv(args)).toThrow(InvalidArgumentError);
    expect(() => new GATConv(args)).toThrow(pattern);
  });

  it.each([
    ['one input', [null, 3], /expected two inputs \[X, A\]/],
    ['A not square', [[5, 3], [5, 4]], /`A` must have shape \[N, N\] with N = 5.*received \[5,4\]/],
    ['unknown F_in', [[null, null], [null, null]], /`X` must have shape \[N, F_in\], or \[B, N, F_in\] for a batch of graphs, with a known F_in/],
  ])('build rejects %s', (_title, shape, pattern) => {
    expect(() => new GATConv({ units: 2 }).build(shape as tfl.Shape)).toThrow(ShapeMismatchError);
    expect(() => new GATConv({ units: 2 }).build(shape as tfl.Shape)).toThrow(pattern);
  });

  it.each([
    ['concat', { units: 3, heads: 2, rootWeight: true }, [[4, 6], [2, 3], [2, 3], [4, 6], [6]]],
    ['mean', { units: 3, heads: 2, concat: false, rootWeight: true }, [[4, 6], [2, 3], [2, 3], [4, 3], [3]]],
  ])('weight shapes, %s', (_title, args, shapes) => {
    const layer = builtLayer(args, 4);
    expect(layer.weights.map((w) => w.originalName.split('/').pop())).toEqual([
      'kernel',
      'attention_source',
      'attention_target',
      'root_kernel',
      'bias',
    ]);
    expect(layer.weights.map((w) => w.shape)).toEqual(shapes);
  });
});

const GRAPH_INPUTS = [{ shape: [3] }, { shape: [null as unknown as number] }];
/**
 * Complete graph for the contract. The softmax ignores a shift that is constant along a row, so
 * a_dst only gets a gradient where the LeakyReLU kink splits a row's scores into both signs.
 * Sparse rows rarely do, and then the gradient of a_dst is exactly zero.
 */
const makeGraphInputs = (batch: number, seed: number): tf.Tensor[] => [
  seededNormal([batch, 3], seed),
  tf.ones([batch, batch]),
];

// The adjacency is a constant mask, so only X (input 0) is differentiated. With weight seed 750
// every score of the gradient-check graph lies at least 0.034 from the LeakyReLU kink, and each
// head has scores of both signs. A step of 1e-3 moves a score by far less than 0.034.
runLayerContract({
  name: 'GATConv concat',
  create: () => seededLayer({ units: 2, heads: 2 }, 3, 750),
  inputs: GRAPH_INPUTS,
  makeInputs: makeGraphInputs,
  gradients: { inputIndices: [0], step: 1e-3 },
});

runLayerContract({
  name: 'GATConv mean root',
  create: () => seededLayer({ units: 2, heads: 2, concat: false, rootWeight: true, dropout: 0.3, seed: 4 }, 3, 750),
  inputs: GRAPH_INPUTS,
  makeInputs: makeGraphInputs,
  gradients: { inputIndices: [0], step: 1e-3 },
});

describeBackends('GATConv values', () => {
  it.each([
    ['concat', { units: 2, heads: 3 }],
    ['mean', { units: 2, heads: 3, concat: false }],
    ['root, no self-loops', { units: 2, heads: 2, rootWeight: true, addSelfLoops: false }],
    ['slope 0.5', { units: 3, heads: 1, negativeSlope: 0.5 }],
  ])('matches loop reference, %s', (_title, args: GATConvArgs) => {
    const layer = seededLayer(args, 4);
    const x = seededNormal([5, 4], 801);
    // Every row has an edge, so the reference softmax is defined without self-loops too.
    const aValues = seededAdjacency(5, 802).map((row, i) => row.map((v, j) => (j === (i + 1) % 5 ? 1 : v)));
    const a = tf.tensor2d(aValues);
    const y = layer.apply([x, a]) as tf.Tensor;
    const { output } = referenceGat(x.arraySync() as number[][], aValues, weightsOf(layer), {
      heads: args.heads ?? 1,
      units: args.units,
      concat: args.concat ?? true,
      slope: args.negativeSlope ?? 0.2,
      addSelfLoops: args.addSelfLoops ?? true,
    });
    expectClose(y, output);
    tf.dispose([x, a, y]);
  });

  it('skipped mask product changes nothing', () => {
    // Scores of magnitude ~50 make the softmax's exponentials span a wide range.
    const projected = tf.mul(seededNormal([2, 6, 3], 813), 50);
    const source = seededUniform([2, 3], 814);
    const target = seededUniform([2, 3], 815);
    const a = tf.tensor2d(seededAdjacency(6, 816));
    const mask = attentionMask(a, true);
    const inputs = { projected, attentionSource: source, attentionTarget: target, mask, negativeSlope: 0.2 };
    const masked = computeAttention(inputs);
    const skipped = computeAttention({ ...inputs, everyRowHasEdge: true });
    expect(skipped.arraySync()).toEqual(masked.arraySync());
    tf.dispose([projected, source, target, a, mask, masked, skipped]);
  });

  it.each([[[]], [[3]]])('scoreNodes matches per-head sums, lead %j', (lead: number[]) => {
    const [heads, n, units] = [2, 5, 3];
    const flat = seededNormal([...lead, n, heads * units], 817);
    const source = seededUniform([heads, units], 818);
    const target = seededUniform([heads, units], 819);
    const scores = scoreNodes(flat, source, target);

    // Reference: X̃ as [.., K, N, F′], then Σ_f X̃[.., h, j, f]·a[h, f].
    const byHead = tf.transpose(tf.reshape(flat, [...lead, n, heads, units]), lead.length === 0 ? [1, 0, 2] : [0, 2, 1, 3]);
    const expected = (vectors: tf.Tensor): tf.Tensor => tf.sum(tf.mul(byHead, tf.reshape(vectors, [heads, 1, units])), -1);
    expect(scores.source.shape).toEqual([...lead, heads, n]);
    expect(scores.target.shape).toEqual([...lead, heads, n]);
    expectClose(scores.source, expected(source));
    expectClose(scores.target, expected(target));
    tf.dispose([flat, source, target, scores.source, scores.target, byHead]);
  });

  it('scoreNodes of an empty batch', () => {
    const flat = tf.zeros([0, 5, 6]);
    const source = seededUniform([2, 3], 824);
    const target = seededUniform([2, 3], 825);
    const scores = scoreNodes(flat, source, target);
    expect(scores.source.shape).toEqual([0, 2, 5]);
    expect(scores.target.shape).toEqual([0, 2, 5]);
    tf.dispose([flat, source, target, scores.source, scores.target]);
  });

  it('scoreNodes rejects mismatched shapes', () => {
    const source = seededUniform([2, 3], 826);
    const cases: Array<[tf.Tensor, tf.Tensor]> = [
      [tf.zeros([1, 2, 5, 6]), source],
      [tf.zeros([5, 6]), tf.zeros([3, 2])],
      [tf.zeros([5, 7]), source],
    ];
    for (const [flat, target] of cases) {
      expect(() => scoreNodes(flat, source, target)).toThrow(ShapeMismatchError);
      expect(() => scoreNodes(flat, source, target)).toThrow(/scoreNodes: expected `flat` \[N, K·F′\] or \[B, N, K·F′\]/);
    }
    tf.dispose([source, ...cases.flat()]);
  });

  it('precomputed node scores change nothing', () => {
    const flat = seededNormal([6, 2 * 3], 820);
    const projected = tf.transpose(tf.reshape(flat, [6, 2, 3]), [1, 0, 2]);
    const source = seededUniform([2, 3], 821);
    const target = seededUniform([2, 3], 822);
    const a = tf.tensor2d(seededAdjacency(6, 823));
    const mask = attentionMask(a, true);
    const inputs = { projected, attentionSource: source, attentionTarget: target, mask, negativeSlope: 0.2 };
    const computed = computeAttention(inputs);
    const nodeScores = scoreNodes(flat, source, target);
    const fromScores = computeAttention({ ...inputs, nodeScores });
    expectClose(fromScores, computed);
    tf.dispose([flat, projected, source, target, a, mask, computed, fromScores, nodeScores.source, nodeScores.target]);
  });

  it('attention rows sum to one', () => {
    const projected = seededNormal([2, 6, 3], 803);
    const source = seededUniform([2, 3], 804);
    const target = seededUniform([2, 3], 805);
    const aValues = seededAdjacency(6, 806);
    const a = tf.tensor2d(aValues);
    const mask = attentionMask(a, true);
    const alpha = computeAttention({ projected, attentionSource: source, attentionTarget: target, mask, negativeSlope: 0.2 });
    expectClose(tf.sum(alpha, 2), tf.ones([2, 6]));
    const values = alpha.arraySync() as number[][][];
    const maskValues = mask.arraySync() as number[][];
    for (const head of values) {
      head.forEach((row, i) =>
        row.forEach((value, j) => {
          if ((maskValues[i] as number[])[j] === 0) {
            expect(value).toBe(0);
          } else {
            expect(value).toBeGreaterThan(0);
          }
        }),
      );
    }
    tf.dispose([projected, source, target, a, mask, alpha]);
  });

  it('attention matches loop reference', () => {
    const layer = seededLayer({ units: 2, heads: 2 }, 3);
    const x = seededNormal([5, 3], 807);
    const aValues = seededAdjacency(5, 808);
    const a = tf.tensor2d(aValues);
    const w = weightsOf(layer);
    const projected = tf.transpose(tf.reshape(tf.matMul(x as tf.Tensor2D, tf.tensor2d(w.kernel)), [5, 2, 2]), [1, 0, 2]);
    const alpha = computeAttention({
      projected,
      attentionSource: tf.tensor2d(w.source),
      attentionTarget: tf.tensor2d(w.target),
      mask: attentionMask(a, true),
      negativeSlope: 0.2,
    });
    const reference = referenceGat(x.arraySync() as number[][], aValues, w, {
      heads: 2,
      units: 2,
      concat: true,
      slope: 0.2,
      addSelfLoops: true,
    });
    expectClose(alpha, reference.alpha);
    tf.dispose([x, a, projected, alpha]);
  });

  it('edgeless row gives bias', () => {
    // Without self-loops, node 2 has no incoming edge: α row is all 0, output = b.
    const layer = seededLayer({ units: 2, heads: 2, addSelfLoops: false }, 3);
    const bias = weightsOf(layer).bias as number[];
    const x = seededNormal([3, 3], 809);
    const a = tf.tensor2d(denseFromEdges(3, [[0, 1], [1, 0], [2, 0]]));
    const y = layer.apply([x, a]) as tf.Tensor;
    expectFinite(y, 'output');
    expectClose((y.arraySync() as number[][])[2] as number[], bias);
    tf.dispose([x, a, y]);
  });

  it('empty graph with self-loops', () => {
    // Each node attends only to itself (α = 1), so the output is X·W + b.
    const layer = seededLayer({ units: 2, heads: 2 }, 3);
    const w = weightsOf(layer);
    const x = seededNormal([4, 3], 810);
    const a = tf.zeros([4, 4]);
    const y = layer.apply([x, a]) as tf.Tensor;
    const expected = tf.add(tf.matMul(x as tf.Tensor2D, tf.tensor2d(w.kernel)), tf.tensor1d(w.bias as number[]));
    expectClose(y, expected);
    tf.dispose([x, a, y, expected]);
  });

  it('existing self-loop replaced', () => {
    // With addSelfLoops, a weighted self-loop in A counts once like any edge.
    const layer = seededLayer({ units: 2 }, 3);
    const x = seededNormal([3, 3], 811);
    const plain = tf.tensor2d(denseFromEdges(3, [[0, 1], [1, 2]]));
    const looped = tf.tensor2d([[5, 0, 0], [1, 0, 0], [0, 1, 0]]);
    const y1 = layer.apply([x, plain]) as tf.Tensor;
    const y2 = layer.apply([x, looped]) as tf.Tensor;
    expectClose(y2, y1, { atol: 0, rtol: 0 });
    tf.dispose([x, plain, looped, y1, y2]);
  });

  it('node permutation equivariance', () => {
    const layer = seededLayer({ units: 2, heads: 2, rootWeight: true }, 4);
    const x = seededNormal([6, 4], 812);
    const aValues = seededAdjacency(6, 813);
    const perm = [2, 5, 0, 4, 1, 3];
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
    const layer = seededLayer({ units: 2, heads: 2 }, 4);
    const x = seededNormal([6, 4], 814);
    const edges: Edge[] = [[0, 1], [1, 0], [2, 3], [3, 4], [4, 5], [5, 1], [1, 3]];
    const shuffled = createRng(815).shuffle([...edges]);
    const a1 = tf.tensor2d(denseFromEdges(6, edges));
    const a2 = tf.tensor2d(denseFromEdges(6, shuffled));
    const y1 = layer.apply([x, a1]) as tf.Tensor;
    const y2 = layer.apply([x, a2]) as tf.Tensor;
    expectClose(y2, y1, { atol: 0, rtol: 0 });
    tf.dispose([x, a1, a2, y1, y2]);
  });

  it('seeded dropout repeats', () => {
    const args = { units: 2, heads: 2, dropout: 0.5, seed: 9 };
    const x = seededNormal([5, 3], 816);
    const a = tf.tensor2d(seededAdjacency(5, 817));
    const run = (): number[][] => {
      const layer = builtLayer(args, 3);
      const first = layer.apply([x, a], { training: true }) as tf.Tensor;
      const second = layer.apply([x, a], { training: true }) as tf.Tensor;
      const values = [Array.from(first.dataSync()), Array.from(second.dataSync())];
      tf.dispose([first, second]);
      return values;
    };
    const [a1, b1] = run() as [number[], number[]];
    const [a2, b2] = run() as [number[], number[]];
    expect(a2).toEqual(a1);
    expect(b2).toEqual(b1);
    expect(b1).not.toEqual(a1);
    tf.dispose([x, a]);
  });

  it('doc example runs', () => {
    const gat = new GATConv({ units: 4, heads: 2 });
    const x = tf.randomNormal([3, 5]);
    const a = tf.tensor2d([[0, 1, 0], [1, 0, 1], [0, 1, 0]]);
    const y = gat.apply([x, a]) as tf.Tensor;
    expect(y.shape).toEqual([3, 8]);
    tf.dispose([x, a, y]);
  });
});

describeBackends('GATConv on a batch of graphs', () => {
  describeBatchedGraphs(
    () => seededLayer({ units: 2, heads: 3, rootWeight: true }, 4),
    (n, seed) => ({ x: seededNormal([n, 4], seed).arraySync() as number[][], a: seededAdjacency(n, seed + 50) }),
  );
});

describeBackends('GATConv mean heads on a batch', () => {
  describeBatchedGraphs(
    () => seededLayer({ units: 2, heads: 2, concat: false }, 4),
    (n, seed) => ({ x: seededNormal([n, 4], seed).arraySync() as number[][], a: seededAdjacency(n, seed + 60) }),
  );
});
