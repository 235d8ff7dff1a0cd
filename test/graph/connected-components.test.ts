import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors';
import { connectedComponents, packComponents } from '../../src/graph/connected-components';
import type { EdgeList } from '../../src/graph/types';
import { createRng } from '../../src/random';

function edgeList(numNodes: number, pairs: [number, number][]): EdgeList {
  return { numNodes, source: Int32Array.from(pairs, (p) => p[0]), target: Int32Array.from(pairs, (p) => p[1]) };
}

/** Component labels by breadth-first search over undirected adjacency lists, numbered by first node. */
function referenceLabels(edges: EdgeList, nodes: number[]): number[] {
  const position = new Map(nodes.map((node, k) => [node, k]));
  const neighbours: number[][] = nodes.map(() => []);
  edges.source.forEach((s, e) => {
    const a = position.get(s);
    const b = position.get(edges.target[e] as number);
    if (a !== undefined && b !== undefined) {
      (neighbours[a] as number[]).push(b);
      (neighbours[b] as number[]).push(a);
    }
  });
  const labels = nodes.map(() => -1);
  let count = 0;
  for (let start = 0; start < nodes.length; start++) {
    if (labels[start] !== -1) continue;
    const queue = [start];
    labels[start] = count;
    while (queue.length > 0) {
      const k = queue.shift() as number;
      for (const j of neighbours[k] as number[]) {
        if (labels[j] === -1) {
          labels[j] = count;
          queue.push(j);
        }
      }
    }
    count++;
  }
  return labels;
}

describe('connectedComponents', () => {
  // 0 → 1 → 2 (directed chain), 3 ↔ 4, 5 alone, 6 → 6 (self-loop only), 7 links to 2 and 3.
  const graph = edgeList(8, [[0, 1], [1, 2], [3, 4], [4, 3], [6, 6], [7, 2], [3, 7]]);

  it('labels weak components', () => {
    const result = connectedComponents(graph, Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(result.count).toBe(3);
    expect(Array.from(result.labels)).toEqual([0, 0, 0, 0, 0, 1, 2, 0]);
  });

  it('ignores edges leaving subset', () => {
    // Without node 7, {0, 1, 2} and {3, 4} are separate; labels follow the order of `nodes`.
    const result = connectedComponents(graph, [4, 2, 5, 0, 3, 1]);
    expect(result.count).toBe(3);
    expect(Array.from(result.labels)).toEqual([0, 1, 2, 1, 0, 1]);
  });

  it('handles empty node list', () => {
    expect(connectedComponents(graph, [])).toEqual({ count: 0, labels: new Int32Array(0) });
  });

  it('matches breadth-first search', () => {
    const rng = createRng(5);
    const pairs: [number, number][] = Array.from({ length: 90 }, () => [rng.int(120), rng.int(120)]);
    const random = edgeList(120, pairs);
    const nodes = rng.shuffle(Array.from({ length: 120 }, (_, i) => i)).slice(0, 100);
    const result = connectedComponents(random, nodes);
    const expected = referenceLabels(random, nodes);
    expect(Array.from(result.labels)).toEqual(expected);
    expect(result.count).toBe(Math.max(...expected) + 1);
  });

  it.each([
    ['id out of range', [0, 8], /`nodes\[1\]` is 8; node ids must be integers in \[0, 8\)/],
    ['repeated id', [3, 1, 3], /node 3 appears twice in `nodes` \(at 0 and 2\)/],
    ['fractional id', [0.5], /`nodes\[0\]` is 0.5/],
  ])('rejects %s', (_title, nodes, pattern) => {
    expect(() => connectedComponents(graph, nodes)).toThrow(InvalidArgumentError);
    expect(() => connectedComponents(graph, nodes)).toThrow(pattern);
  });

  it('rejects malformed edges', () => {
    const broken = edgeList(2, [[0, 2]]);
    expect(() => connectedComponents(broken, [0, 1])).toThrow(/connectedComponents: edge 0 \(0 → 2\) has a node id outside \[0, 2\)/);
  });
});

describe('packComponents', () => {
  /** Labels for components of the given sizes, members interleaved so positions are not sorted by component. */
  function labelsOfSizes(sizes: number[]): { count: number; labels: Int32Array } {
    const labels: number[] = [];
    const remaining = sizes.slice();
    while (remaining.some((s) => s > 0)) {
      remaining.forEach((s, c) => {
        if (s > 0) {
          labels.push(c);
          remaining[c] = s - 1;
        }
      });
    }
    return { count: sizes.length, labels: Int32Array.from(labels) };
  }

  function componentsOf(block: Int32Array, labels: Int32Array): number[] {
    return [...new Set(Array.from(block, (k) => labels[k] as number))].sort((a, b) => a - b);
  }

  it('packs first fit decreasing', () => {
    // Sizes 3, 5, 2, 4, 1 with capacity 6: 5 → A, 4 → B, 3 → C, 2 → B, 1 → A.
    const components = labelsOfSizes([3, 5, 2, 4, 1]);
    const blocks = packComponents(components, 6);
    expect(blocks.map((b) => componentsOf(b, components.labels))).toEqual([[1, 4], [2, 3], [0]]);
    expect(blocks.map((b) => b.length)).toEqual([6, 6, 3]);
  });

  it('lists sorted positions once', () => {
    const components = labelsOfSizes([3, 5, 2, 4, 1]);
    const blocks = packComponents(components, 6);
    for (const block of blocks) {
      expect(Array.from(block)).toEqual(Array.from(block).sort((a, b) => a - b));
    }
    const all = blocks.flatMap((b) => Array.from(b)).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 15 }, (_, k) => k));
  });

  it('isolates oversized components', () => {
    const components = labelsOfSizes([7, 2, 9, 1]);
    const blocks = packComponents(components, 4);
    expect(blocks.map((b) => componentsOf(b, components.labels))).toEqual([[2], [0], [1, 3]]);
    expect(blocks.map((b) => b.length)).toEqual([9, 7, 3]);
  });

  it('infinity gives identity block', () => {
    const components = labelsOfSizes([2, 3, 1]);
    const blocks = packComponents(components, Infinity);
    expect(blocks.length).toBe(1);
    expect(Array.from(blocks[0] as Int32Array)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('handles singletons and empty input', () => {
    expect(packComponents({ count: 0, labels: new Int32Array(0) }, 3)).toEqual([]);
    const blocks = packComponents({ count: 5, labels: Int32Array.from([0, 1, 2, 3, 4]) }, 2);
    expect(blocks.map((b) => Array.from(b))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it.each([
    ['zero', 0],
    ['fraction', 2.5],
    ['NaN', Number.NaN],
  ])('rejects blockSize %s', (_title, blockSize) => {
    const components = labelsOfSizes([1]);
    expect(() => packComponents(components, blockSize)).toThrow(InvalidArgumentError);
    expect(() => packComponents(components, blockSize)).toThrow(/`blockSize` must be a positive integer or Infinity; received/);
  });
});
