/**
 * Connected components of an induced subgraph, and their packing into node blocks of bounded
 * size. Message passing never crosses components, so a dense GNN layer can run block by block.
 */
import { InvalidArgumentError } from '../errors';
import { validateEdgeList } from './graph-stats';
import type { EdgeList } from './types';

/** Result of {@link connectedComponents}. */
export interface ComponentLabels {
  /** Number of components C. */
  count: number;
  /**
   * Component of each entry of `nodes`, int32 `[n]` with values in `[0, C)`, numbered in the
   * order of their first node in `nodes`.
   */
  labels: Int32Array;
}

/**
 * Finds the weakly connected components of the subgraph induced by `nodes`: edge direction is
 * ignored, and an edge counts only when both of its ends are in `nodes`. Runs union-find with
 * path halving and union by size, in O(E·α(n) + numNodes) time.
 *
 * @param edges - The whole graph.
 * @param nodes - Distinct node ids in `[0, edges.numNodes)`, in any order.
 * @throws {@link InvalidArgumentError} for malformed edges, or `nodes` with an id out of range
 * or repeated.
 * @example
 * ```ts
 * const { count, labels } = connectedComponents(graph, table.rowIndex);
 * ```
 */
export function connectedComponents(edges: EdgeList, nodes: ArrayLike<number>): ComponentLabels {
  validateEdgeList('connectedComponents', edges);
  const n = nodes.length;

  // position[node] = index of `node` in `nodes`, or −1 outside the subgraph.
  const position = new Int32Array(edges.numNodes).fill(-1);
  for (let k = 0; k < n; k++) {
    const node = nodes[k] as number;
    if (!Number.isInteger(node) || node < 0 || node >= edges.numNodes) {
      throw new InvalidArgumentError(
        `connectedComponents: \`nodes[${k}]\` is ${JSON.stringify(node)}; node ids must be integers in [0, ${edges.numNodes}).`,
      );
    }
    if (position[node] !== -1) {
      throw new InvalidArgumentError(
        `connectedComponents: node ${node} appears twice in \`nodes\` (at ${position[node]} and ${k}); list each node once.`,
      );
    }
    position[node] = k;
  }

  const parent = Int32Array.from({ length: n }, (_, k) => k);
  const size = new Int32Array(n).fill(1);
  const find = (k: number): number => {
    let root = k;
    while (parent[root] !== root) {
      const grandparent = parent[parent[root] as number] as number;
      parent[root] = grandparent;
      root = grandparent;
    }
    return root;
  };
  for (let e = 0; e < edges.source.length; e++) {
    const a = position[edges.source[e] as number] as number;
    const b = position[edges.target[e] as number] as number;
    if (a === -1 || b === -1) {
      continue;
    }
    let rootA = find(a);
    let rootB = find(b);
    if (rootA === rootB) {
      continue;
    }
    if ((size[rootA] as number) < (size[rootB] as number)) {
      [rootA, rootB] = [rootB, rootA];
    }
    parent[rootB] = rootA;
    size[rootA] = (size[rootA] as number) + (size[rootB] as number);
  }

  // Number the roots in the order of their first node.
  const labelOfRoot = new Int32Array(n).fill(-1);
  const labels = new Int32Array(n);
  let count = 0;
  for (let k = 0; k < n; k++) {
    const root = find(k);
    if (labelOfRoot[root] === -1) {
      labelOfRoot[root] = count;
      count++;
    }
    labels[k] = labelOfRoot[root] as number;
  }
  return { count, labels };
}

/**
 * Packs whole components into blocks of at most `blockSize` nodes by first-fit decreasing: the
 * components, largest first (ties by label), each go to the first block with room for them, or
 * open a new block. A component larger than `blockSize` gets a block of its own, so that block
 * exceeds `blockSize`. A `blockSize` of at least n gives one block with every position.
 *
 * @param components - Output of {@link connectedComponents}.
 * @param blockSize - Maximum nodes per block: a positive integer, or `Infinity`.
 * @returns The blocks, in the order they were opened. Each block lists positions in `nodes` (not
 *   node ids) in ascending order, and every position appears in exactly one block.
 * @throws {@link InvalidArgumentError} when `blockSize` is not a positive integer or `Infinity`.
 * @example
 * ```ts
 * const blocks = packComponents(connectedComponents(graph, nodes), 256);
 * ```
 */
export function packComponents(components: ComponentLabels, blockSize: number): Int32Array[] {
  if (!(blockSize === Infinity || (Number.isInteger(blockSize) && blockSize >= 1))) {
    throw new InvalidArgumentError(
      `packComponents: \`blockSize\` must be a positive integer or Infinity; received ${JSON.stringify(blockSize) ?? String(blockSize)}.`,
    );
  }
  const { count, labels } = components;
  const sizes = new Int32Array(count);
  for (const label of labels) {
    sizes[label] = (sizes[label] as number) + 1;
  }

  // First-fit decreasing: blockOf[c] is the block of component c.
  const order = Array.from({ length: count }, (_, c) => c).sort((a, b) => (sizes[b] as number) - (sizes[a] as number) || a - b);
  const free: number[] = [];
  const blockOf = new Int32Array(count);
  for (const c of order) {
    const need = sizes[c] as number;
    let block = free.findIndex((room) => room >= need);
    if (block === -1) {
      block = free.length;
      free.push(Math.max(blockSize - need, 0));
    } else {
      free[block] = (free[block] as number) - need;
    }
    blockOf[c] = block;
  }

  const members: number[][] = free.map(() => []);
  labels.forEach((label, k) => {
    (members[blockOf[label] as number] as number[]).push(k);
  });
  return members.map((positions) => Int32Array.from(positions));
}
