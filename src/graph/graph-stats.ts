/**
 * Summary statistics of an edge list: size, degree range, isolated nodes and label homophily.
 */
import { InvalidArgumentError } from '../errors';
import type { EdgeList } from './types';

/** Result of {@link graphStats}. */
export interface GraphStats {
  numNodes: number;
  /** Directed edges, self-loops included; an undirected edge counts twice. */
  numEdges: number;
  /** Number of `i → i` edges. */
  selfLoops: number;
  /** Smallest out-degree, self-loops excluded. */
  minDegree: number;
  /** Largest out-degree, self-loops excluded. */
  maxDegree: number;
  /** Mean out-degree, self-loops excluded. */
  meanDegree: number;
  /** Nodes with no edge to or from another node. */
  isolatedNodes: number;
  /**
   * Edge homophily: the fraction of edges between distinct nodes whose ends have equal
   * labels. `null` when no labels were given or the graph has no such edge.
   */
  homophily: number | null;
}

/** Throws {@link InvalidArgumentError} unless the edge arrays match in length and hold ids in [0, numNodes). */
export function validateEdgeList(owner: string, edges: EdgeList): void {
  const { numNodes, source, target } = edges ?? ({} as EdgeList);
  if (!Number.isInteger(numNodes) || numNodes < 0 || !(source instanceof Int32Array) || !(target instanceof Int32Array)) {
    throw new InvalidArgumentError(
      `${owner}: \`edges\` must be { numNodes: integer >= 0, source: Int32Array, target: Int32Array }; ` +
        `received numNodes ${JSON.stringify(numNodes)}.`,
    );
  }
  if (source.length !== target.length) {
    throw new InvalidArgumentError(
      `${owner}: \`edges.source\` has ${source.length} entries but \`edges.target\` has ${target.length}; they must match.`,
    );
  }
  for (let e = 0; e < source.length; e++) {
    const a = source[e] as number;
    const b = target[e] as number;
    if (a < 0 || a >= numNodes || b < 0 || b >= numNodes) {
      throw new InvalidArgumentError(`${owner}: edge ${e} (${a} → ${b}) has a node id outside [0, ${numNodes}).`);
    }
  }
}

/**
 * Computes size, degree and homophily statistics of a graph.
 *
 * @param labels - Optional class per node (`numNodes` entries) for the homophily.
 * @throws {@link InvalidArgumentError} for malformed edges or a label array of the wrong length.
 * @example
 * ```ts
 * const { meanDegree, homophily } = graphStats(buildRelationGraph(users), labels);
 * ```
 */
export function graphStats(edges: EdgeList, labels?: ArrayLike<number>): GraphStats {
  validateEdgeList('graphStats', edges);
  const { numNodes, source, target } = edges;
  if (labels !== undefined && labels.length !== numNodes) {
    throw new InvalidArgumentError(`graphStats: \`labels\` has ${labels.length} entries but the graph has ${numNodes} nodes; pass one label per node.`);
  }

  const outDegree = new Int32Array(numNodes);
  const touched = new Uint8Array(numNodes);
  let selfLoops = 0;
  let sameLabel = 0;
  for (let e = 0; e < source.length; e++) {
    const a = source[e] as number;
    const b = target[e] as number;
    if (a === b) {
      selfLoops++;
      continue;
    }
    outDegree[a] = (outDegree[a] as number) + 1;
    touched[a] = 1;
    touched[b] = 1;
    if (labels !== undefined && labels[a] === labels[b]) {
      sameLabel++;
    }
  }

  let minDegree = numNodes > 0 ? Infinity : 0;
  let maxDegree = 0;
  let isolatedNodes = 0;
  for (let i = 0; i < numNodes; i++) {
    const degree = outDegree[i] as number;
    minDegree = Math.min(minDegree, degree);
    maxDegree = Math.max(maxDegree, degree);
    if (touched[i] === 0) {
      isolatedNodes++;
    }
  }
  const nonLoopEdges = source.length - selfLoops;
  return {
    numNodes,
    numEdges: source.length,
    selfLoops,
    minDegree,
    maxDegree,
    meanDegree: numNodes > 0 ? nonLoopEdges / numNodes : 0,
    isolatedNodes,
    homophily: labels !== undefined && nonLoopEdges > 0 ? sameLabel / nonLoopEdges : null,
  };
}
