import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors';
import { denseBlock } from '../../src/graph/dense-block';
import type { EdgeList } from '../../src/graph/types';
import { createRng } from '../../src/random';

function edgeList(numNodes: number, pairs: [number, number][]): EdgeList {
  return { numNodes, source: Int32Array.from(pairs, (p) => p[0]), target: Int32Array.from(pairs, (p) => p[1]) };
}

describe('denseBlock', () => {
  // Directed: 0→1, 1→0, 1→2, 2→2 (self-loop), 3→0, and a repeated 0→1.
  const graph = edgeList(4, [[0, 1], [1, 0], [1, 2], [2, 2], [3, 0], [0, 1]]);

  it('builds the full adjacency', () => {
    const adjacency = denseBlock(graph, Int32Array.from([0, 1, 2, 3]));
    expect(Array.from(adjacency)).toEqual([
      0, 1, 0, 0,
      1, 0, 1, 0,
      0, 0, 1, 0,
      1, 0, 0, 0,
    ]);
  });

  it('restricts and reorders nodes', () => {
    // Block order [2, 0, 1]: entry (a, b) is the edge nodes[a] → nodes[b].
    const adjacency = denseBlock(graph, Int32Array.from([2, 0, 1]));
    expect(Array.from(adjacency)).toEqual([
      1, 0, 0,
      0, 0, 1,
      1, 1, 0,
    ]);
  });

  it('matches an edge scan', () => {
    const rng = createRng(3);
    const pairs: [number, number][] = Array.from({ length: 300 }, () => [rng.int(50), rng.int(50)]);
    const random = edgeList(50, pairs);
    const nodes = Int32Array.from(rng.shuffle(Array.from({ length: 50 }, (_, i) => i)).slice(0, 20));
    const expected = new Float32Array(400);
    nodes.forEach((u, a) => {
      nodes.forEach((v, b) => {
        if (pairs.some(([s, t]) => s === u && t === v)) {
          expected[a * 20 + b] = 1;
        }
      });
    });
    expect(Array.from(denseBlock(random, nodes))).toEqual(Array.from(expected));
  });

  it('handles an empty node list', () => {
    expect(denseBlock(graph, new Int32Array(0))).toHaveLength(0);
  });

  it.each([
    ['node out of range', Int32Array.from([0, 4]), /`nodes\[1\]` is 4, outside \[0, 4\)/],
    ['repeated node', Int32Array.from([1, 1]), /node 1 appears twice in `nodes`/],
    ['plain array', [0, 1], /`nodes` must be an Int32Array/],
  ])('rejects %s', (_, nodes, pattern) => {
    expect(() => denseBlock(graph, nodes as never)).toThrow(InvalidArgumentError);
    expect(() => denseBlock(graph, nodes as never)).toThrow(pattern);
  });

  it('rejects malformed edges', () => {
    expect(() => denseBlock(edgeList(2, [[0, 5]]), Int32Array.from([0]))).toThrow(/edge 0 \(0 → 5\) has a node id outside/);
  });
});
