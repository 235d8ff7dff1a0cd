/**
 * Dense adjacency of a subset of nodes, for the dense GCN/GAT layers on small graphs and on
 * sampled blocks of large ones.
 */
import { InvalidArgumentError } from '../errors';
import { validateEdgeList } from './graph-stats';
import type { EdgeList } from './types';

/** Out-neighbour lists in compressed sparse row form. */
interface Csr {
  offsets: Int32Array;
  neighbours: Int32Array;
}

// NOTE: the CSR form is cached per EdgeList object. Changing an edge list in place after its
// first use here leaves later blocks built from the old edges.
const csrCache = new WeakMap<EdgeList, Csr>();

function toCsr(edges: EdgeList): Csr {
  const cached = csrCache.get(edges);
  if (cached !== undefined) {
    return cached;
  }
  validateEdgeList('denseBlock', edges);
  const { numNodes, source, target } = edges;
  const offsets = new Int32Array(numNodes + 1);
  for (const a of source) {
    offsets[a + 1] = (offsets[a + 1] as number) + 1;
  }
  for (let i = 0; i < numNodes; i++) {
    offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
  }
  const fill = offsets.slice(0, numNodes);
  const neighbours = new Int32Array(source.length);
  for (let e = 0; e < source.length; e++) {
    const a = source[e] as number;
    neighbours[fill[a] as number] = target[e] as number;
    fill[a] = (fill[a] as number) + 1;
  }
  const csr = { offsets, neighbours };
  csrCache.set(edges, csr);
  return csr;
}

/**
 * Returns the adjacency matrix of the graph restricted to `nodes`, float32 `[n, n]` row-major
 * with n = nodes.length: entry (a, b) is 1 when the edge `nodes[a] → nodes[b]` exists (repeated
 * edges still give 1), else 0. Self-loops appear on the diagonal only if the edge list has them.
 * Time is O(n² + sum of the out-degrees of `nodes`) after a one-time O(E + N) index per edge list.
 *
 * @throws {@link InvalidArgumentError} for malformed edges, or `nodes` with an id out of range
 * or repeated.
 * @example
 * ```ts
 * const adjacency = denseBlock(graph, Int32Array.from([0, 5, 9])); // Float32Array(9)
 * ```
 */
export function denseBlock(edges: EdgeList, nodes: Int32Array): Float32Array {
  if (!(nodes instanceof Int32Array)) {
    throw new InvalidArgumentError(`denseBlock: \`nodes\` must be an Int32Array of node ids; received ${typeof nodes}.`);
  }
  const { offsets, neighbours } = toCsr(edges);
  const n = nodes.length;
  const position = new Map<number, number>();
  nodes.forEach((node, a) => {
    if (node < 0 || node >= edges.numNodes) {
      throw new InvalidArgumentError(`denseBlock: \`nodes[${a}]\` is ${node}, outside [0, ${edges.numNodes}).`);
    }
    if (position.has(node)) {
      throw new InvalidArgumentError(`denseBlock: node ${node} appears twice in \`nodes\` (positions ${position.get(node)} and ${a}); list each node once.`);
    }
    position.set(node, a);
  });

  const adjacency = new Float32Array(n * n);
  for (let a = 0; a < n; a++) {
    const node = nodes[a] as number;
    for (let e = offsets[node] as number; e < (offsets[node + 1] as number); e++) {
      const b = position.get(neighbours[e] as number);
      if (b !== undefined) {
        adjacency[a * n + b] = 1;
      }
    }
  }
  return adjacency;
}
