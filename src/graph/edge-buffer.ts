/**
 * Growable directed edge storage for the graph builders, with an edge limit and a sort into
 * (source, target) order that costs O(E + N) plus one small sort per node's targets.
 */
import { InvalidArgumentError } from '../errors';
import type { EdgeList } from './types';

/** Appends directed edges into typed arrays that grow by doubling. */
export class EdgeBuffer {
  private source = new Int32Array(1024);
  private target = new Int32Array(1024);
  length = 0;

  constructor(
    private readonly owner: string,
    private readonly maxEdges: number,
  ) {}

  /** Appends `a → b` and `b → a`. */
  pushBoth(a: number, b: number): void {
    this.push(a, b);
    this.push(b, a);
  }

  push(a: number, b: number): void {
    if (this.length === this.source.length) {
      this.growTo(this.length + 1);
    }
    this.source[this.length] = a;
    this.target[this.length] = b;
    this.length++;
  }

  /** Throws before any work when `count` more edges would exceed the limit. */
  reserve(count: number): void {
    this.checkLimit(this.length + count);
    this.growTo(this.length + count);
  }

  /**
   * Returns the edges sorted by source, then target: a counting sort by source places each
   * target in its source's segment, then each segment is sorted on its own.
   */
  toSortedEdgeList(numNodes: number): EdgeList {
    const n = this.length;
    const starts = new Int32Array(numNodes + 1);
    for (let e = 0; e < n; e++) {
      const a = this.source[e] as number;
      starts[a + 1] = (starts[a + 1] as number) + 1;
    }
    for (let i = 0; i < numNodes; i++) {
      starts[i + 1] = (starts[i + 1] as number) + (starts[i] as number);
    }

    const fill = starts.slice(0, numNodes);
    const target = new Int32Array(n);
    for (let e = 0; e < n; e++) {
      const a = this.source[e] as number;
      target[fill[a] as number] = this.target[e] as number;
      fill[a] = (fill[a] as number) + 1;
    }

    const source = new Int32Array(n);
    for (let i = 0; i < numNodes; i++) {
      const begin = starts[i] as number;
      const end = starts[i + 1] as number;
      source.fill(i, begin, end);
      sortSegment(target, begin, end);
    }
    return { numNodes, source, target };
  }

  private growTo(needed: number): void {
    if (needed <= this.source.length) {
      return;
    }
    this.checkLimit(needed);
    const capacity = Math.min(Math.max(needed, this.source.length * 2), this.maxEdges);
    const source = new Int32Array(capacity);
    const target = new Int32Array(capacity);
    source.set(this.source.subarray(0, this.length));
    target.set(this.target.subarray(0, this.length));
    this.source = source;
    this.target = target;
  }

  private checkLimit(needed: number): void {
    if (needed > this.maxEdges) {
      throw new InvalidArgumentError(
        `${this.owner}: the graph would have at least ${needed} directed edges, more than \`maxEdges\` (${this.maxEdges}). ` +
          'Pass `maxDegree` to cap the neighbours per node, require more shared attributes, or raise `maxEdges`.',
      );
    }
  }
}

/** Sorts `values[begin..end)` ascending: insertion sort for short segments, typed-array sort otherwise. */
function sortSegment(values: Int32Array, begin: number, end: number): void {
  if (end - begin > 32) {
    values.subarray(begin, end).sort();
    return;
  }
  for (let i = begin + 1; i < end; i++) {
    const value = values[i] as number;
    let j = i - 1;
    while (j >= begin && (values[j] as number) > value) {
      values[j + 1] = values[j] as number;
      j--;
    }
    values[j + 1] = value;
  }
}
