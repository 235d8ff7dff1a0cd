/**
 * Shared checks of a dense graph layer on a batch of graphs `[B, N, F]` with `[B, N, N]`
 * adjacencies. Each graph of the batch must give what the layer gives on that graph alone, in
 * value and in gradient, also when it is padded with isolated zero nodes.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, ShapeMismatchError } from '../../../src/errors';
import { expect, it } from 'vitest';
import { expectClose } from '../../helpers/expect-close';
import { checkGradients } from '../../helpers/grad-check';
import { seededNormal, seededUniform } from '../../helpers/random-tensors';

/** One graph: features `[n, F]` and adjacency `[n, n]` as nested arrays. */
export interface SmallGraph {
  x: number[][];
  a: number[][];
}

/** Pads a graph to `size` nodes with zero features and no edges. */
function padGraph(graph: SmallGraph, size: number): SmallGraph {
  const features = (graph.x[0] as number[]).length;
  const x = graph.x.map((row) => [...row]);
  const a = graph.a.map((row) => [...row, ...new Array<number>(size - row.length).fill(0)]);
  while (x.length < size) {
    x.push(new Array<number>(features).fill(0));
    a.push(new Array<number>(size).fill(0));
  }
  return { x, a };
}

/**
 * Registers the batch tests. `makeLayer` returns a built layer with seeded weights, and
 * `makeGraph(n, seed)` returns a seeded graph of n nodes.
 */
export function describeBatchedGraphs(makeLayer: () => tfl.layers.Layer, makeGraph: (n: number, seed: number) => SmallGraph): void {
  const graphs = [makeGraph(6, 901), makeGraph(4, 902), makeGraph(6, 903)];
  const size = 6;
  const padded = graphs.map((g) => padGraph(g, size));

  it('batch equals per-graph calls', () => {
    const layer = makeLayer();
    const x = tf.tensor3d(padded.map((g) => g.x));
    const a = tf.tensor3d(padded.map((g) => g.a));
    const batched = layer.apply([x, a]) as tf.Tensor;
    expect(batched.shape.slice(0, 2)).toEqual([graphs.length, size]);
    graphs.forEach((graph, b) => {
      const alone = layer.apply([tf.tensor2d(graph.x), tf.tensor2d(graph.a)]) as tf.Tensor;
      const rows = graph.x.length;
      const slice = tf.reshape(tf.slice(batched, [b, 0, 0], [1, rows, -1]), alone.shape);
      expectClose(slice, alone, { atol: 1e-5 });
    });
    tf.dispose([x, a, batched]);
  });

  it('batch gradient equals per-graph sum', () => {
    const layer = makeLayer();
    const x = tf.tensor3d(padded.map((g) => g.x));
    const a = tf.tensor3d(padded.map((g) => g.a));
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    // Loss over the real nodes only: padded rows get weight 0.
    const rowWeights = tf.tensor3d(padded.map((g, b) => g.x.map((_, i) => [i < (graphs[b] as SmallGraph).x.length ? 1 : 0])));
    const probe = seededUniform([graphs.length, size, layer.computeOutputShape([x.shape, a.shape]).slice(-1)[0] as number], 904);
    const batched = tf.variableGrads(() => tf.sum(tf.mul(tf.mul(layer.apply([x, a]) as tf.Tensor, probe), rowWeights)) as tf.Scalar, weights);
    const perGraph = tf.variableGrads(() => {
      const losses = graphs.map((graph, b) => {
        const out = layer.apply([tf.tensor2d(graph.x), tf.tensor2d(graph.a)]) as tf.Tensor;
        const graphProbe = tf.reshape(tf.slice(probe, [b, 0, 0], [1, graph.x.length, -1]), out.shape);
        return tf.sum(tf.mul(out, graphProbe));
      });
      return tf.addN(losses) as tf.Scalar;
    }, weights);
    for (const w of weights) {
      expectClose(batched.grads[w.name] as tf.Tensor, perGraph.grads[w.name] as tf.Tensor, { atol: 1e-4 });
    }
    tf.dispose([x, a, rowWeights, probe, batched.value, perGraph.value, ...Object.values(batched.grads), ...Object.values(perGraph.grads)]);
  });

  it('constant input keeps weight gradients', () => {
    const layer = makeLayer();
    const x = tf.tensor3d(padded.map((g) => g.x));
    const a = tf.tensor3d(padded.map((g) => g.a));
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const probe = seededUniform([graphs.length, size, layer.computeOutputShape([x.shape, a.shape]).slice(-1)[0] as number], 906);
    const loss = (kwargs: Record<string, unknown>) => (): tf.Scalar => tf.sum(tf.mul(layer.apply([x, a], kwargs) as tf.Tensor, probe));
    const before = tf.memory().numTensors;
    const constant = tf.variableGrads(loss({ inputGradient: false }), weights);
    const tensorsAfter = tf.memory().numTensors;
    const plain = tf.variableGrads(loss({}), weights);
    expectClose(constant.value, plain.value);
    for (const w of weights) {
      expectClose(constant.grads[w.name] as tf.Tensor, plain.grads[w.name] as tf.Tensor, { atol: 1e-5 });
    }
    // Only the loss and one gradient per weight outlive the call.
    expect(tensorsAfter - before).toBe(1 + weights.length);
    tf.dispose([x, a, probe, constant.value, plain.value, ...Object.values(constant.grads), ...Object.values(plain.grads)]);
  });

  it('rejects a non-boolean inputGradient', () => {
    const layer = makeLayer();
    const x = tf.tensor3d(padded.map((g) => g.x));
    const a = tf.tensor3d(padded.map((g) => g.a));
    expect(() => layer.apply([x, a], { inputGradient: 'false' })).toThrow(InvalidArgumentError);
    expect(() => layer.apply([x, a], { inputGradient: 'false' })).toThrow(/`inputGradient` must be true or false; received "false"/);
    const features = (graphs[0]?.x[0] as number[]).length;
    expect(() => layer.apply([tf.zeros([0, 4, features]), tf.zeros([0, 4, 4])], { inputGradient: 0 })).toThrow(InvalidArgumentError);
    tf.dispose([x, a]);
  });

  it('batch gradients match differences', () => {
    const layer = makeLayer();
    const x = tf.tensor3d(padded.map((g) => g.x));
    const a = tf.tensor3d(padded.map((g) => g.a));
    // Only X is differentiated: A is read as data. A small step keeps GAT's scores on one side
    // of the LeakyReLU kink.
    checkGradients(layer, [x, a], { inputIndices: [0], step: 1e-3 });
    tf.dispose([x, a]);
  });

  it('empty batch gives empty output', () => {
    const layer = makeLayer();
    const features = (graphs[0]?.x[0] as number[]).length;
    const shape = tf.tidy(() => (layer.apply([tf.zeros([0, 4, features]), tf.zeros([0, 4, 4])]) as tf.Tensor).shape);
    expect(shape.slice(0, 2)).toEqual([0, 4]);
  });

  it('rejects a new feature width after build', () => {
    const layer = makeLayer();
    const width = (graphs[0]?.x[0] as number[]).length + 1;
    const x = tf.zeros([2, size, width]);
    const a = tf.zeros([2, size, size]);
    expect(() => layer.apply([x, a])).toThrow(ShapeMismatchError);
    expect(() => layer.apply([x, a])).toThrow(new RegExp(`\`X\` has ${width} features per node \\(shape \\[2,${size},${width}\\]\\), but the layer was built for ${width - 1}`));
    expect(() => layer.apply([tfl.input({ shape: [size, width] }), tfl.input({ shape: [size, size] })])).toThrow(/`X` has \d+ features per node/);
    tf.dispose([x, a]);
  });

  it('batch leaks no tensors', () => {
    const layer = makeLayer();
    const x = seededNormal([2, 5, (graphs[0]?.x[0] as number[]).length], 905);
    const a = tf.zeros([2, 5, 5]);
    const before = tf.memory().numTensors;
    (layer.apply([x, a]) as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, a]);
  });
}
