import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors';
import { graphStats } from '../../src/graph/graph-stats';
import type { EdgeList } from '../../src/graph/types';

function edgeList(numNodes: number, pairs: [number, number][]): EdgeList {
  return { numNodes, source: Int32Array.from(pairs, (p) => p[0]), target: Int32Array.from(pairs, (p) => p[1]) };
}

describe('graphStats', () => {
  // Path 0 - 1 - 2 stored in both directions, node 3 isolated with a self-loop, node 4 bare.
  const graph = edgeList(5, [[0, 1], [1, 0], [1, 2], [2, 1], [3, 3]]);

  it('counts a hand example', () => {
    const stats = graphStats(graph);
    expect(stats.numNodes).toBe(5);
    expect(stats.numEdges).toBe(5);
    expect(stats.selfLoops).toBe(1);
    expect(stats.minDegree).toBe(0);
    expect(stats.maxDegree).toBe(2);
    expect(stats.meanDegree).toBe(4 / 5);
    expect(stats.isolatedNodes).toBe(2);
    expect(stats.homophily).toBeNull();
  });

  it('computes edge homophily', () => {
    // Labels 0, 0, 1: edges 0↔1 agree, 1↔2 disagree → 2 of 4 directed edges.
    expect(graphStats(graph, [0, 0, 1, 1, 0]).homophily).toBe(0.5);
    expect(graphStats(graph, [1, 1, 1, 0, 0]).homophily).toBe(1);
  });

  it('handles the empty graph', () => {
    const stats = graphStats(edgeList(0, []));
    expect(stats).toEqual({ numNodes: 0, numEdges: 0, selfLoops: 0, minDegree: 0, maxDegree: 0, meanDegree: 0, isolatedNodes: 0, homophily: null });
  });

  it('null homophily without edges', () => {
    expect(graphStats(edgeList(2, []), [0, 1]).homophily).toBeNull();
  });

  it.each([
    ['node out of range', edgeList(2, [[0, 2]]), undefined, /edge 0 \(0 → 2\) has a node id outside \[0, 2\)/],
    ['length mismatch', { numNodes: 2, source: Int32Array.from([0]), target: new Int32Array(0) }, undefined, /`edges.source` has 1 entries but `edges.target` has 0/],
    ['plain arrays', { numNodes: 2, source: [0], target: [1] }, undefined, /`edges` must be \{ numNodes: integer >= 0, source: Int32Array/],
    ['short labels', edgeList(3, []), [0], /`labels` has 1 entries but the graph has 3 nodes/],
  ])('rejects %s', (_, edges, labels, pattern) => {
    expect(() => graphStats(edges as never, labels)).toThrow(InvalidArgumentError);
    expect(() => graphStats(edges as never, labels)).toThrow(pattern);
  });
});
