/**
 * Exact k-nearest-neighbour pairs of the rows of a feature matrix, by brute force, for the
 * `knn` mode of the relation graph.
 */

/**
 * Returns the undirected pairs {i, j} (i < j) such that j is among the k nearest rows of i or i
 * among those of j, by squared Euclidean distance; ties go to the lower row index. Pairs are
 * encoded as `i · n + j` and returned sorted without duplicates.
 *
 * NOTE: brute force, O(n² · f) time and O(n · k) memory. For n = 10,000 and f = 25 that is
 * 2.5·10⁹ multiply-adds, a few seconds in Node 20, so large graphs should use the
 * shared-attribute mode.
 */
export function knnPairs(input: ArrayLike<number>, n: number, f: number, k: number): Float64Array {
  // One concrete array type keeps the inner loop monomorphic, which V8 compiles much better.
  const features = Float64Array.from(input);
  const keys = new Float64Array(n * k);
  let count = 0;
  // Max-heap of the k best candidates of the current row, as parallel arrays.
  const heapDistance = new Float64Array(k);
  const heapIndex = new Int32Array(k);

  for (let i = 0; i < n; i++) {
    let size = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) {
        continue;
      }
      // Once the heap is full, a partial sum at or above its worst entry cannot enter it.
      const bound = size < k ? Infinity : (heapDistance[0] as number);
      let distance = 0;
      const rowI = i * f;
      const rowJ = j * f;
      for (let c = 0; c < f && distance < bound; c++) {
        const d = (features[rowI + c] as number) - (features[rowJ + c] as number);
        distance += d * d;
      }
      if (size < k) {
        heapDistance[size] = distance;
        heapIndex[size] = j;
        size++;
        siftUp(heapDistance, heapIndex, size - 1);
      } else if (distance < (heapDistance[0] as number)) {
        // Rows are visited in ascending order, so an equal distance never displaces an earlier row.
        heapDistance[0] = distance;
        heapIndex[0] = j;
        siftDown(heapDistance, heapIndex, size);
      }
    }
    for (let h = 0; h < size; h++) {
      const j = heapIndex[h] as number;
      keys[count++] = i < j ? i * n + j : j * n + i;
    }
  }

  const sorted = keys.subarray(0, count).sort();
  let unique = 0;
  for (let e = 0; e < sorted.length; e++) {
    if (e === 0 || sorted[e] !== sorted[e - 1]) {
      sorted[unique++] = sorted[e] as number;
    }
  }
  return sorted.slice(0, unique);
}

/** Heap order: larger distance first; for equal distances the larger index is worse. */
function worse(distance: Float64Array, index: Int32Array, a: number, b: number): boolean {
  const da = distance[a] as number;
  const db = distance[b] as number;
  return da > db || (da === db && (index[a] as number) > (index[b] as number));
}

function swap(distance: Float64Array, index: Int32Array, a: number, b: number): void {
  const d = distance[a] as number;
  distance[a] = distance[b] as number;
  distance[b] = d;
  const i = index[a] as number;
  index[a] = index[b] as number;
  index[b] = i;
}

function siftUp(distance: Float64Array, index: Int32Array, position: number): void {
  let child = position;
  while (child > 0) {
    const parent = (child - 1) >> 1;
    if (!worse(distance, index, child, parent)) {
      return;
    }
    swap(distance, index, child, parent);
    child = parent;
  }
}

function siftDown(distance: Float64Array, index: Int32Array, size: number): void {
  let parent = 0;
  for (;;) {
    const left = 2 * parent + 1;
    const right = left + 1;
    let largest = parent;
    if (left < size && worse(distance, index, left, largest)) {
      largest = left;
    }
    if (right < size && worse(distance, index, right, largest)) {
      largest = right;
    }
    if (largest === parent) {
      return;
    }
    swap(distance, index, parent, largest);
    parent = largest;
  }
}
