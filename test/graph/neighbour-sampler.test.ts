import { describe, expect, it } from 'vitest';
import { DataError, InvalidArgumentError } from '../../src/errors';
import { NeighbourSampler } from '../../src/graph/neighbour-sampler';
import type { EdgeList } from '../../src/graph/types';
import { createRng } from '../../src/random';

/** Undirected graph from pairs: both directions stored. */
function undirectedGraph(numNodes: number, pairs: Array<[number, number]>): EdgeList {
  const source: number[] = [];
  const target: number[] = [];
  for (const [u, v] of pairs) {
    source.push(u, v);
    target.push(v, u);
  }
  return { numNodes, source: Int32Array.from(source), target: Int32Array.from(target) };
}

/** Seeded random undirected graph with roughly `degree` neighbours per node. */
function randomGraph(numNodes: number, degree: number, seed: number): EdgeList {
  const rng = createRng(seed);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < numNodes; i++) {
    for (let j = i + 1; j < numNodes; j++) {
      if (rng.next() < degree / numNodes) {
        pairs.push([i, j]);
      }
    }
  }
  return undirectedGraph(numNodes, pairs);
}

function hasEdge(graph: EdgeList, source: number, target: number): boolean {
  for (let e = 0; e < graph.source.length; e++) {
    if (graph.source[e] === source && graph.target[e] === target) {
      return true;
    }
  }
  return false;
}

describe('NeighbourSampler construction', () => {
  const graph = undirectedGraph(4, [[0, 1], [1, 2]]);

  it.each([
    ['fanouts missing', { fanouts: undefined }, /`fanouts` must be an array of positive integers or -1.*received undefined/],
    ['fanout 0', { fanouts: [0] }, /`fanouts` must be an array .*received \[0\]/],
    ['fanout 2.5', { fanouts: [2.5] }, /`fanouts` must be an array .*received \[2.5\]/],
    ['seed 0.5', { fanouts: [2], seed: 0.5 }, /`seed` must be an integer; received 0.5/],
  ])('rejects %s', (_title, options, pattern) => {
    const create = () => new NeighbourSampler(graph, options as never);
    expect(create).toThrow(InvalidArgumentError);
    expect(create).toThrow(pattern);
  });

  it.each([
    ['edge out of range', { numNodes: 2, source: Int32Array.from([0]), target: Int32Array.from([2]) }, /edge 0 is 0 → 2, outside the node range \[0, 2\)/],
    ['length mismatch', { numNodes: 2, source: Int32Array.from([0, 1]), target: Int32Array.from([1]) }, /2 sources but 1 targets/],
  ])('rejects %s', (_title, edges, pattern) => {
    const create = () => new NeighbourSampler(edges, { fanouts: [1] });
    expect(create).toThrow(DataError);
    expect(create).toThrow(pattern);
  });

  it.each([
    ['target out of range', [5], /`targets\[0\]` is 5; node ids must be integers in \[0, 4\)/],
    ['repeated target', [1, 1], /`targets` repeats node 1 \(at index 1\)/],
  ])('sample rejects %s', (_title, targets, pattern) => {
    const sampler = new NeighbourSampler(graph, { fanouts: [1] });
    expect(() => sampler.sample(targets)).toThrow(InvalidArgumentError);
    expect(() => sampler.sample(targets)).toThrow(pattern);
  });
});

describe('NeighbourSampler sampling', () => {
  it('targets come first', () => {
    const graph = randomGraph(50, 6, 1);
    const block = new NeighbourSampler(graph, { fanouts: [3, 2], seed: 2 }).sample([7, 3, 41]);
    expect(Array.from(block.nodes.slice(0, 3))).toEqual([7, 3, 41]);
    expect(block.numTargets).toBe(3);
    expect(new Set(block.nodes).size).toBe(block.nodes.length);
  });

  it('sampled edges exist in graph', () => {
    const graph = randomGraph(60, 8, 3);
    const block = new NeighbourSampler(graph, { fanouts: [4, 3], seed: 4 }).sample([0, 10, 20, 30]);
    expect(block.source.length).toBeGreaterThan(0);
    for (let e = 0; e < block.source.length; e++) {
      const from = block.nodes[block.source[e] as number] as number;
      const to = block.nodes[block.target[e] as number] as number;
      expect(hasEdge(graph, from, to)).toBe(true);
    }
  });

  it('respects fan-outs and bounds', () => {
    const graph = randomGraph(200, 20, 5);
    const fanouts = [5, 3];
    const targets = [1, 2, 3, 4];
    const block = new NeighbourSampler(graph, { fanouts, seed: 6 }).sample(targets);
    const perTarget = new Map<number, number>();
    for (const t of block.target) {
      perTarget.set(t, (perTarget.get(t) ?? 0) + 1);
    }
    for (const count of perTarget.values()) {
      expect(count).toBeLessThanOrEqual(5);
    }
    // Targets are at hop 1 only, so each draws exactly min(degree, 5) neighbours.
    for (let k = 0; k < targets.length; k++) {
      expect(perTarget.get(k) ?? 0).toBe(5);
    }
    expect(block.nodes.length).toBeLessThanOrEqual(targets.length * (1 + 5 + 5 * 3));
    expect(block.source.length).toBeLessThanOrEqual(targets.length * (5 + 5 * 3));
  });

  it('dense block matches edges', () => {
    const graph = randomGraph(40, 5, 7);
    const block = new NeighbourSampler(graph, { fanouts: [3, 3], seed: 8 }).sample([0, 5]);
    const n = block.nodes.length;
    const expected = new Float32Array(n * n);
    for (let e = 0; e < block.source.length; e++) {
      expected[(block.target[e] as number) * n + (block.source[e] as number)] = 1;
    }
    expect(block.adjacency).toEqual(expected);
  });

  it('seeded runs repeat', () => {
    const graph = randomGraph(100, 15, 9);
    const first = new NeighbourSampler(graph, { fanouts: [4, 4], seed: 10 });
    const second = new NeighbourSampler(graph, { fanouts: [4, 4], seed: 10 });
    for (let call = 0; call < 3; call++) {
      const a = first.sample([call, 50 + call]);
      const b = second.sample([call, 50 + call]);
      expect(Array.from(b.nodes)).toEqual(Array.from(a.nodes));
      expect(Array.from(b.source)).toEqual(Array.from(a.source));
      expect(Array.from(b.target)).toEqual(Array.from(a.target));
    }
  });

  it('other seed samples differently', () => {
    const graph = randomGraph(100, 30, 11);
    const a = new NeighbourSampler(graph, { fanouts: [3], seed: 1 }).sample([0, 1, 2, 3]);
    const b = new NeighbourSampler(graph, { fanouts: [3], seed: 2 }).sample([0, 1, 2, 3]);
    expect(Array.from(b.nodes)).not.toEqual(Array.from(a.nodes));
  });

  it('fan-out -1 takes all', () => {
    const graph = undirectedGraph(5, [[0, 1], [0, 2], [0, 3], [3, 4]]);
    const block = new NeighbourSampler(graph, { fanouts: [-1] }).sample([0]);
    expect(Array.from(block.nodes).sort()).toEqual([0, 1, 2, 3]);
    expect(block.source.length).toBe(3);
  });

  it('isolated target alone', () => {
    const graph = undirectedGraph(4, [[0, 1]]);
    const block = new NeighbourSampler(graph, { fanouts: [2, 2] }).sample([3]);
    expect(Array.from(block.nodes)).toEqual([3]);
    expect(Array.from(block.adjacency)).toEqual([0]);
  });
});

describe('NeighbourSampler full and induced', () => {
  it('full graph keeps every edge', () => {
    const graph = undirectedGraph(4, [[0, 1], [1, 2], [2, 3]]);
    const block = new NeighbourSampler(graph, { fanouts: [] }).full();
    expect(Array.from(block.nodes)).toEqual([0, 1, 2, 3]);
    expect(block.numTargets).toBe(4);
    // Row i = edges entering i; the path is symmetric.
    expect(Array.from(block.adjacency)).toEqual([0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0]);
  });

  it('row is edge target', () => {
    // One directed edge 2 → 0: entry (row 0, column 2) only.
    const graph: EdgeList = { numNodes: 3, source: Int32Array.from([2]), target: Int32Array.from([0]) };
    const block = new NeighbourSampler(graph, { fanouts: [] }).full();
    expect(Array.from(block.adjacency)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('induced block in given order', () => {
    const graph = undirectedGraph(5, [[0, 1], [1, 2], [2, 3], [3, 4]]);
    const block = new NeighbourSampler(graph, { fanouts: [] }).induced([3, 2, 0]);
    expect(Array.from(block.nodes)).toEqual([3, 2, 0]);
    // Only 2 - 3 survives; locals 0 (node 3) and 1 (node 2).
    expect(Array.from(block.adjacency)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 0]);
  });

  it('repeated edges count once', () => {
    const graph: EdgeList = { numNodes: 2, source: Int32Array.from([0, 0]), target: Int32Array.from([1, 1]) };
    const block = new NeighbourSampler(graph, { fanouts: [] }).full();
    expect(Array.from(block.adjacency)).toEqual([0, 0, 1, 0]);
  });
});
