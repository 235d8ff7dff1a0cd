/**
 * Seeded neighbour sampling (GraphSAGE-style fan-outs) over an edge list, producing node sets
 * and dense adjacency blocks for the dense GCNConv and GATConv layers.
 */
import { DataError, InvalidArgumentError } from '../errors';
import { createRng, type Rng } from '../random';
import { warnOnce } from '../warnings';
import type { EdgeList } from './types';

const OWNER = 'NeighbourSampler';

/** Node count above which a dense block (n² float32 values) is flagged as large. */
const LARGE_BLOCK_NODES = 4096;

/** Options of {@link NeighbourSampler}. */
export interface NeighbourSamplerOptions {
  /**
   * Maximum number of incoming neighbours drawn per node at each hop, outermost hop last; −1
   * takes every neighbour. For a two-layer GNN, e.g. `[10, 10]`.
   */
  fanouts: number[];
  /**
   * Seed of the sampling stream; the k-th call of `sample` after construction is repeatable.
   * @defaultValue 0
   */
  seed?: number;
}

/** One sampled block: local node ids index `nodes`. */
export interface SampledBlock {
  /** Global node ids, int32 `[n]`: the targets first, in the order given, then each hop's new nodes. */
  nodes: Int32Array;
  /** Number of target nodes (the first entries of `nodes`). */
  numTargets: number;
  /** Sources of the sampled edges, local ids, int32 `[m]`. */
  source: Int32Array;
  /** Targets of the sampled edges, local ids, int32 `[m]`. */
  target: Int32Array;
  /**
   * Dense adjacency of the sampled edges, float32 `[n, n]` row-major: entry (i, j) is 1 when the
   * edge `nodes[j] → nodes[i]` was sampled (row i = edges entering i), as GCNConv and GATConv read it.
   */
  adjacency: Float32Array;
}

/**
 * Samples fixed-size neighbourhoods of mini-batches of target nodes.
 *
 * Hop h draws, for every node reached at hop h − 1 (the targets at hop 1), up to `fanouts[h−1]`
 * of its incoming neighbours uniformly without replacement. The block holds every reached node
 * and every drawn edge, so n ≤ T·(1 + f_1 + f_1·f_2 + …) for T targets, and the edge count is
 * at most T·(f_1 + f_1·f_2 + …). The incoming-neighbour index (CSR by target) is built once in
 * O(E + N); a call costs O(n + m) plus the dense block, which takes n² float32 values.
 *
 * Edges are directed `source → target`, and "neighbours of i" are the sources of the edges
 * entering i. Repeated edges count once in the dense block, and self-loop edges stay on the
 * diagonal.
 *
 * @example
 * ```ts
 * const sampler = new NeighbourSampler(graph, { fanouts: [10, 10], seed: 1 });
 * const block = sampler.sample([4, 17, 23]);
 * const a = tf.tensor2d(block.adjacency, [block.nodes.length, block.nodes.length]);
 * ```
 * @throws InvalidArgumentError for invalid fan-outs or seed, or target ids out of range or repeated.
 * @throws DataError when the edge list is malformed (lengths differ, ids out of range).
 */
export class NeighbourSampler {
  readonly fanouts: readonly number[];
  readonly seed: number;
  readonly numNodes: number;

  private readonly offsets: Int32Array;
  private readonly neighbours: Int32Array;
  private readonly rng: Rng;

  constructor(graph: EdgeList, options: NeighbourSamplerOptions) {
    const fanouts = options.fanouts as unknown;
    if (!Array.isArray(fanouts) || fanouts.some((f) => !Number.isInteger(f) || (f < 1 && f !== -1))) {
      throw new InvalidArgumentError(
        `${OWNER}: \`fanouts\` must be an array of positive integers or -1 (all neighbours); received ${JSON.stringify(fanouts)}. ` +
          'Pass one entry per hop, e.g. [10, 10].',
      );
    }
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) {
      throw new InvalidArgumentError(`${OWNER}: \`seed\` must be an integer; received ${JSON.stringify(seed)}.`);
    }
    validateEdgeList(graph);
    this.fanouts = [...(fanouts as number[])];
    this.seed = seed;
    this.numNodes = graph.numNodes;
    this.rng = createRng(seed);

    // CSR by target: neighbours[offsets[i] .. offsets[i+1]) are the sources of edges entering i.
    const offsets = new Int32Array(graph.numNodes + 1);
    for (const t of graph.target) {
      offsets[t + 1] = (offsets[t + 1] as number) + 1;
    }
    for (let i = 0; i < graph.numNodes; i++) {
      offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
    }
    const cursor = offsets.slice(0, graph.numNodes);
    const neighbours = new Int32Array(graph.source.length);
    for (let e = 0; e < graph.source.length; e++) {
      const t = graph.target[e] as number;
      neighbours[cursor[t] as number] = graph.source[e] as number;
      cursor[t] = (cursor[t] as number) + 1;
    }
    this.offsets = offsets;
    this.neighbours = neighbours;
  }

  /** In-degree of node `node` (number of incoming edges, repeated edges counted). */
  degree(node: number): number {
    return (this.offsets[node + 1] as number) - (this.offsets[node] as number);
  }

  /** Samples the neighbourhood block of `targets` (global node ids, distinct). */
  sample(targets: ArrayLike<number>): SampledBlock {
    const local = new Map<number, number>();
    const nodes: number[] = [];
    for (let k = 0; k < targets.length; k++) {
      const node = targets[k] as number;
      this.checkNode(node, `targets[${k}]`);
      if (local.has(node)) {
        throw new InvalidArgumentError(`${OWNER}: \`targets\` repeats node ${node} (at index ${k}). Pass distinct node ids.`);
      }
      local.set(node, nodes.length);
      nodes.push(node);
    }

    const source: number[] = [];
    const target: number[] = [];
    let frontier = nodes.slice();
    for (const fanout of this.fanouts) {
      const next: number[] = [];
      for (const node of frontier) {
        const start = this.offsets[node] as number;
        const count = (this.offsets[node + 1] as number) - start;
        for (const offset of this.pickOffsets(count, fanout)) {
          const neighbour = this.neighbours[start + offset] as number;
          let id = local.get(neighbour);
          if (id === undefined) {
            id = nodes.length;
            local.set(neighbour, id);
            nodes.push(neighbour);
            next.push(neighbour);
          }
          source.push(id);
          target.push(local.get(node) as number);
        }
      }
      frontier = next;
    }
    return makeBlock(Int32Array.from(nodes), targets.length, Int32Array.from(source), Int32Array.from(target));
  }

  /** Returns the whole graph as one block (every node a target, every edge kept). */
  full(): SampledBlock {
    const nodes = Int32Array.from({ length: this.numNodes }, (_, i) => i);
    const target = new Int32Array(this.neighbours.length);
    for (let i = 0; i < this.numNodes; i++) {
      target.fill(i, this.offsets[i] as number, this.offsets[i + 1] as number);
    }
    return makeBlock(nodes, this.numNodes, this.neighbours.slice(), target);
  }

  /**
   * Returns the block induced by `nodes` (global ids, distinct): every edge of the graph whose
   * two ends are both in `nodes`, in the order of `nodes`. Used by the transductive models.
   */
  induced(nodes: ArrayLike<number>): SampledBlock {
    const local = new Map<number, number>();
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k] as number;
      this.checkNode(node, `nodes[${k}]`);
      if (local.has(node)) {
        throw new InvalidArgumentError(`${OWNER}: \`nodes\` repeats node ${node} (at index ${k}). Pass distinct node ids.`);
      }
      local.set(node, k);
    }
    const source: number[] = [];
    const target: number[] = [];
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k] as number;
      for (let e = this.offsets[node] as number; e < (this.offsets[node + 1] as number); e++) {
        const from = local.get(this.neighbours[e] as number);
        if (from !== undefined) {
          source.push(from);
          target.push(k);
        }
      }
    }
    return makeBlock(Int32Array.from(nodes), nodes.length, Int32Array.from(source), Int32Array.from(target));
  }

  /** Offsets in [0, count) of the neighbours to keep: all of them, or `fanout` drawn by Floyd's method. */
  private pickOffsets(count: number, fanout: number): number[] {
    if (fanout === -1 || count <= fanout) {
      return Array.from({ length: count }, (_, i) => i);
    }
    const chosen = new Set<number>();
    for (let j = count - fanout; j < count; j++) {
      const t = this.rng.int(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    return [...chosen].sort((a, b) => a - b);
  }

  private checkNode(node: number, where: string): void {
    if (!Number.isInteger(node) || node < 0 || node >= this.numNodes) {
      throw new InvalidArgumentError(
        `${OWNER}: \`${where}\` is ${JSON.stringify(node)}; node ids must be integers in [0, ${this.numNodes}).`,
      );
    }
  }
}

function makeBlock(nodes: Int32Array, numTargets: number, source: Int32Array, target: Int32Array): SampledBlock {
  const n = nodes.length;
  if (n > LARGE_BLOCK_NODES) {
    warnOnce(
      'neighbour-sampler-large-block',
      `${OWNER}: a block of ${n} nodes needs a dense [n, n] adjacency of ${((n * n * 4) / 2 ** 20).toFixed(0)} MiB. ` +
        'Use smaller mini-batches or fan-outs.',
    );
  }
  const adjacency = new Float32Array(n * n);
  for (let e = 0; e < source.length; e++) {
    adjacency[(target[e] as number) * n + (source[e] as number)] = 1;
  }
  return { nodes, numTargets, source, target, adjacency };
}

function validateEdgeList(graph: EdgeList): void {
  const { numNodes, source, target } = graph;
  if (!Number.isInteger(numNodes) || numNodes < 0) {
    throw new DataError(`${OWNER}: \`numNodes\` of the edge list must be a non-negative integer; received ${JSON.stringify(numNodes)}.`);
  }
  if (source.length !== target.length) {
    throw new DataError(
      `${OWNER}: the edge list has ${source.length} sources but ${target.length} targets. Pass one source and one target per edge.`,
    );
  }
  for (let e = 0; e < source.length; e++) {
    const s = source[e] as number;
    const t = target[e] as number;
    if (s < 0 || s >= numNodes || t < 0 || t >= numNodes) {
      throw new DataError(
        `${OWNER}: edge ${e} is ${s} → ${t}, outside the node range [0, ${numNodes}). Fix the edge list or its \`numNodes\`.`,
      );
    }
  }
}
