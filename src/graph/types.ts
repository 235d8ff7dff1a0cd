/** Graph structures shared by the relation-graph builder, the neighbour sampler and GCN/GAT. */

/**
 * Directed edge list `source[e] → target[e]`; an undirected graph stores both directions.
 * Node ids are in `[0, numNodes)`.
 */
export interface EdgeList {
  numNodes: number;
  source: Int32Array;
  target: Int32Array;
}
