import { describe, expect, it } from 'vitest';
import { loadUserTable } from '../../src/data/csv-loader';
import type { TableSchema } from '../../src/data/schema';
import type { Column, UserTable } from '../../src/data/user-table';
import { DataError, InvalidArgumentError } from '../../src/errors';
import { graphStats } from '../../src/graph/graph-stats';
import { buildRelationGraph } from '../../src/graph/relation-graph';
import type { EdgeList } from '../../src/graph/types';
import { createRng } from '../../src/random';
import { REAL_CSV_MISSING, REAL_CSV_PATH } from '../data/real-data';

const COLUMNS = ['a', 'b', 'c'];

/** Builds a table with categorical columns a, b, c (codes given per row) and a numeric column x. */
function makeTable(rows: number[][]): UserTable {
  const schema: TableSchema = { columns: [...COLUMNS.map((name) => ({ name, kind: 'categorical' as const })), { name: 'x', kind: 'numeric' }] };
  const columns = new Map<string, Column>();
  COLUMNS.forEach((name, c) => {
    const codes = Int32Array.from(rows, (row) => row[c] as number);
    const cardinality = Math.max(...codes) + 1;
    columns.set(name, { kind: 'categorical', codes, categories: Array.from({ length: cardinality }, (_, k) => `${name}${k}`) });
  });
  columns.set('x', { kind: 'numeric', values: new Float64Array(rows.length) });
  return { numRows: rows.length, schema, columns, droppedRows: 0, dropReasons: [] };
}

function randomRows(n: number, cardinalities: number[], seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => cardinalities.map((card) => rng.int(card)));
}

/** Naive O(n²) reference: "i→j" strings for i ≠ j sharing at least `minShared` attributes. */
function naiveSharedEdges(rows: number[][], minShared: number): string[] {
  const edges: string[] = [];
  rows.forEach((ri, i) => {
    rows.forEach((rj, j) => {
      if (i === j) {
        return;
      }
      const shared = ri.filter((value, c) => value === rj[c]).length;
      if (shared >= minShared) {
        edges.push(`${i}→${j}`);
      }
    });
  });
  return edges.sort();
}

function edgeStrings(edges: EdgeList): string[] {
  return Array.from(edges.source, (s, e) => `${s}→${edges.target[e]}`).sort();
}

function expectSortedAndSymmetric(edges: EdgeList): void {
  const keys = new Set(edgeStrings(edges));
  for (let e = 0; e < edges.source.length; e++) {
    const s = edges.source[e] as number;
    const t = edges.target[e] as number;
    expect(keys.has(`${t}→${s}`)).toBe(true);
    if (e > 0) {
      const ps = edges.source[e - 1] as number;
      const pt = edges.target[e - 1] as number;
      expect(ps < s || (ps === s && pt < t)).toBe(true);
    }
  }
}

describe('buildRelationGraph shared attributes', () => {
  it('links a hand example', () => {
    // Users 0, 1, 3 share all three values; user 2 differs in c.
    const table = makeTable([[0, 1, 2], [0, 1, 2], [0, 1, 0], [0, 1, 2]]);
    const graph = buildRelationGraph(table, { columns: COLUMNS });
    expect(graph.numNodes).toBe(4);
    expect(Array.from(graph.source)).toEqual([0, 0, 1, 1, 3, 3]);
    expect(Array.from(graph.target)).toEqual([1, 3, 0, 3, 0, 1]);
  });

  it.each([1, 2, 3])('matches naive pairs, minShared %i', (minShared) => {
    const rows = randomRows(150, [3, 4, 2], minShared);
    const graph = buildRelationGraph(makeTable(rows), { columns: COLUMNS, minShared });
    expect(edgeStrings(graph)).toEqual(naiveSharedEdges(rows, minShared));
    expectSortedAndSymmetric(graph);
  });

  it('adds self-loops on request', () => {
    const table = makeTable([[0, 0, 0], [1, 1, 1], [0, 0, 0]]);
    const graph = buildRelationGraph(table, { columns: COLUMNS, selfLoops: true });
    expect(edgeStrings(graph)).toEqual(['0→0', '0→2', '1→1', '2→0', '2→2']);
  });

  it('is permutation equivariant', () => {
    const rows = randomRows(60, [2, 3, 2], 8);
    const permutation = createRng(4).shuffle(Array.from({ length: 60 }, (_, i) => i));
    const permuted = permutation.map((p) => rows[p] as number[]);
    const original = buildRelationGraph(makeTable(rows), { columns: COLUMNS });
    const moved = buildRelationGraph(makeTable(permuted), { columns: COLUMNS });
    // Row i of `permuted` is row permutation[i] of `rows`.
    const mapped = Array.from(moved.source, (s, e) => `${permutation[s]}→${permutation[moved.target[e] as number]}`).sort();
    expect(mapped).toEqual(edgeStrings(original));
  });

  it.skipIf(REAL_CSV_MISSING)('real file gives 13,242 edges (skipped when ../shared/data is absent)', async () => {
    const users = await loadUserTable(REAL_CSV_PATH);
    const stats = graphStats(buildRelationGraph(users));
    expect(stats.numEdges).toBe(13_242);
    expect(stats.minDegree).toBe(6);
    expect(stats.maxDegree).toBe(20);
    expect(stats.isolatedNodes).toBe(0);
    expect(stats.selfLoops).toBe(0);
  });
});

describe('buildRelationGraph maxDegree', () => {
  const rows = randomRows(400, [2, 2, 2], 21);
  const table = makeTable(rows);
  const full = new Set(naiveSharedEdges(rows, 3));

  it.each([4, 7, 10])('caps full-key degree at %i', (maxDegree) => {
    const graph = buildRelationGraph(table, { columns: COLUMNS, maxDegree, seed: 3 });
    const stats = graphStats(graph);
    // 8 groups of about 50 users, all above the cap: every degree is d, or d − 1 when d is odd.
    expect(stats.maxDegree).toBe(maxDegree);
    expect(stats.minDegree).toBeGreaterThanOrEqual(maxDegree % 2 === 1 ? maxDegree - 1 : maxDegree);
    for (const edge of edgeStrings(graph)) {
      expect(full.has(edge)).toBe(true);
    }
    expectSortedAndSymmetric(graph);
  });

  it('keeps small groups whole', () => {
    const small = makeTable([[0, 0, 0], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
    expect(edgeStrings(buildRelationGraph(small, { columns: COLUMNS, maxDegree: 5 }))).toEqual(
      edgeStrings(buildRelationGraph(small, { columns: COLUMNS })),
    );
  });

  it('caps subset mode without duplicates', () => {
    const fullTwo = new Set(naiveSharedEdges(rows, 2));
    const graph = buildRelationGraph(table, { columns: COLUMNS, minShared: 2, maxDegree: 9, seed: 1 });
    const edges = edgeStrings(graph);
    expect(new Set(edges).size).toBe(edges.length);
    expect(graphStats(graph).maxDegree).toBeLessThanOrEqual(9);
    for (const edge of edges) {
      expect(fullTwo.has(edge)).toBe(true);
    }
    expectSortedAndSymmetric(graph);
  });

  it('caps below the subset count', () => {
    // Three 1-column subsets share a cap of 2: two get 1 neighbour each, the third none.
    const graph = buildRelationGraph(table, { columns: COLUMNS, minShared: 1, maxDegree: 2, seed: 1 });
    expect(graphStats(graph).maxDegree).toBeLessThanOrEqual(2);
    expectSortedAndSymmetric(graph);
  });

  it('repeats with a seed', () => {
    const a = buildRelationGraph(table, { columns: COLUMNS, maxDegree: 6, seed: 5 });
    const b = buildRelationGraph(table, { columns: COLUMNS, maxDegree: 6, seed: 5 });
    const c = buildRelationGraph(table, { columns: COLUMNS, maxDegree: 6, seed: 6 });
    expect(edgeStrings(a)).toEqual(edgeStrings(b));
    expect(edgeStrings(a)).not.toEqual(edgeStrings(c));
  });

  it('rejects too many edges', () => {
    expect(() => buildRelationGraph(table, { columns: COLUMNS, maxEdges: 1000 })).toThrow(
      /would have at least \d+ directed edges, more than `maxEdges` \(1000\)\. Pass `maxDegree`/,
    );
  });
});

describe('buildRelationGraph knn', () => {
  /** Naive reference: i→j when j is among i's k nearest (ties to the lower index) or vice versa. */
  function naiveKnn(features: Float64Array, n: number, f: number, k: number): string[] {
    const near: number[][] = [];
    for (let i = 0; i < n; i++) {
      const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
      const distance = (j: number) => {
        let sum = 0;
        for (let c = 0; c < f; c++) {
          sum += ((features[i * f + c] as number) - (features[j * f + c] as number)) ** 2;
        }
        return sum;
      };
      others.sort((x, y) => distance(x) - distance(y) || x - y);
      near.push(others.slice(0, k));
    }
    const edges = new Set<string>();
    near.forEach((list, i) => {
      for (const j of list) {
        edges.add(`${i}→${j}`);
        edges.add(`${j}→${i}`);
      }
    });
    return [...edges].sort();
  }

  it.each([1, 3, 6])('matches naive neighbours, k %i', (k) => {
    const rng = createRng(k);
    const n = 80;
    const features = Float64Array.from({ length: n * 3 }, () => rng.normal());
    const graph = buildRelationGraph(makeTable(randomRows(n, [2, 2, 2], 1)), { mode: 'knn', k, features });
    expect(edgeStrings(graph)).toEqual(naiveKnn(features, n, 3, k));
    expectSortedAndSymmetric(graph);
  });

  it('breaks ties by lower index', () => {
    // Rows 1, 2, 3 are at distance 1 from row 0 and at distance 0 from each other.
    const features = Float32Array.from([0, 1, 1, 1]);
    const graph = buildRelationGraph(makeTable(randomRows(4, [1, 1, 1], 1)), { mode: 'knn', k: 1, features });
    // Nearest: 0 → 1, 1 → 2, 2 → 1, 3 → 1 (1 and 2 tie for row 3; the lower index wins).
    expect(edgeStrings(graph)).toEqual(['0→1', '1→0', '1→2', '1→3', '2→1', '3→1']);
  });

  it('caps knn degree', () => {
    const rng = createRng(9);
    const n = 120;
    const features = Float64Array.from({ length: n * 2 }, () => rng.next());
    const full = new Set(naiveKnn(features, n, 2, 8));
    const graph = buildRelationGraph(makeTable(randomRows(n, [2, 2, 2], 1)), { mode: 'knn', k: 8, features, maxDegree: 8, seed: 2 });
    expect(graphStats(graph).maxDegree).toBeLessThanOrEqual(8);
    for (const edge of edgeStrings(graph)) {
      expect(full.has(edge)).toBe(true);
    }
    expectSortedAndSymmetric(graph);
  });
});

describe('buildRelationGraph options', () => {
  const table = makeTable([[0, 0, 0], [1, 1, 1], [0, 0, 0]]);

  it.each([
    ['mode', { mode: 'dense' }, InvalidArgumentError, /`mode` must be one of 'sharedAttributes', 'knn'/],
    ['empty columns', { columns: [] }, InvalidArgumentError, /`columns` must be a non-empty array/],
    ['repeated column', { columns: ['a', 'a'] }, InvalidArgumentError, /`columns` lists a column twice/],
    ['missing column', { columns: ['zz'] }, DataError, /column "zz" is missing/],
    ['numeric column', { columns: ['x'] }, DataError, /column "x" is numeric, but a categorical or boolean column was expected/],
    ['minShared 0', { columns: COLUMNS, minShared: 0 }, InvalidArgumentError, /`minShared` must be a positive integer/],
    ['minShared 4', { columns: COLUMNS, minShared: 4 }, InvalidArgumentError, /`minShared` \(4\) exceeds the number of `columns` \(3\)/],
    ['maxDegree 0', { columns: COLUMNS, maxDegree: 0 }, InvalidArgumentError, /`maxDegree` must be a positive integer/],
    ['selfLoops', { columns: COLUMNS, selfLoops: 1 }, InvalidArgumentError, /`selfLoops` must be true or false/],
    ['maxEdges', { columns: COLUMNS, maxEdges: 2 ** 32 }, InvalidArgumentError, /`maxEdges` must be at most 2147483647/],
    ['knn without k', { mode: 'knn', features: new Float32Array(3) }, InvalidArgumentError, /`k` must be a positive integer.*needs the number of neighbours/],
    ['knn k too big', { mode: 'knn', k: 3, features: new Float32Array(3) }, InvalidArgumentError, /`k` \(3\) must be below the number of rows \(3\)/],
    ['knn without features', { mode: 'knn', k: 1 }, InvalidArgumentError, /mode 'knn' needs `features`/],
    ['knn ragged features', { mode: 'knn', k: 1, features: new Float32Array(4) }, InvalidArgumentError, /`features` has 4 values, not a positive multiple of the 3 table rows/],
    ['knn NaN feature', { mode: 'knn', k: 1, features: Float32Array.from([0, Number.NaN, 1]) }, InvalidArgumentError, /value at flat index 1 is NaN/],
  ])('rejects %s', (_, options, errorClass, pattern) => {
    expect(() => buildRelationGraph(table, options as never)).toThrow(errorClass);
    expect(() => buildRelationGraph(table, options as never)).toThrow(pattern);
  });
});
