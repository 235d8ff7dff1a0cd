/**
 * Seeded k-fold splits for cross-validation. Every index lands in exactly one test fold; the
 * training rows of a fold are all other indices. Indices inside each array are ascending.
 */
import { InvalidArgumentError } from '../errors';
import { createRng } from '../random';
import { requireInteger } from '../validate';
import { warnOnce } from '../warnings';

/** Row indices of one fold. */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/** Builds folds from a fold number per index. */
function foldsFromAssignment(assignment: Int32Array, k: number): Fold[] {
  const testSizes = new Int32Array(k);
  for (const fold of assignment) {
    testSizes[fold] = (testSizes[fold] as number) + 1;
  }
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Int32Array(testSizes[f] as number);
    const train = new Int32Array(assignment.length - test.length);
    let t = 0;
    let r = 0;
    for (let i = 0; i < assignment.length; i++) {
      if (assignment[i] === f) {
        test[t++] = i;
      } else {
        train[r++] = i;
      }
    }
    folds.push({ train, test });
  }
  return folds;
}

/**
 * Splits indices `0..n-1` into `k` folds after a seeded shuffle. Test folds differ in size by
 * at most 1 (the first `n mod k` folds have one more index).
 *
 * @throws {@link InvalidArgumentError} unless `k` is an integer in [2, n] and `seed` an integer.
 * @example
 * ```ts
 * for (const { train, test } of kFold(1000, 5, 42)) { ... }
 * ```
 */
export function kFold(n: number, k: number, seed: number): Fold[] {
  requireInteger('kFold', 'n', n, 1);
  requireInteger('kFold', 'k', k, 2, 'Use at least 2 folds.');
  requireInteger('kFold', 'seed', seed, -(2 ** 31));
  if (k > n) {
    throw new InvalidArgumentError(`kFold: \`k\` (${k}) exceeds the number of rows (${n}); use at most ${n} folds.`);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  createRng(seed).shuffle(order);

  const assignment = new Int32Array(n);
  const base = Math.floor(n / k);
  const extra = n % k;
  let position = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let s = 0; s < size; s++) {
      assignment[order[position++] as number] = f;
    }
  }
  return foldsFromAssignment(assignment, k);
}

/**
 * Splits indices into `k` folds that keep the class proportions: within every class, the
 * per-fold counts differ by at most 1, and so do the test-fold sizes. Each class is shuffled
 * with the seeded stream, then the classes (in ascending label order) are dealt round-robin.
 *
 * @param labels - One integer class per index (any integers, e.g. 0/1).
 * @throws {@link InvalidArgumentError} unless `k` is an integer in [2, labels.length], `seed` an
 * integer and every label an integer.
 * @example
 * ```ts
 * const folds = stratifiedKFold(labels, 5, 42);
 * ```
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Fold[] {
  requireInteger('stratifiedKFold', 'k', k, 2, 'Use at least 2 folds.');
  requireInteger('stratifiedKFold', 'seed', seed, -(2 ** 31));
  const n = labels?.length ?? 0;
  if (k > n) {
    throw new InvalidArgumentError(`stratifiedKFold: \`k\` (${k}) exceeds the number of labels (${n}); use at most ${n} folds.`);
  }

  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    if (!Number.isInteger(label)) {
      throw new InvalidArgumentError(`stratifiedKFold: label at index ${i} is ${JSON.stringify(label)}; labels must be integers.`);
    }
    const members = byClass.get(label);
    if (members === undefined) {
      byClass.set(label, [i]);
    } else {
      members.push(i);
    }
  }

  const rng = createRng(seed);
  const assignment = new Int32Array(n);
  let position = 0;
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(label) as number[];
    if (members.length < k) {
      warnOnce(
        'stratified-kfold-small-class',
        `stratifiedKFold: class ${label} has ${members.length} member(s), fewer than k = ${k}, so some test folds contain none of it.`,
      );
    }
    rng.shuffle(members);
    // Continuing the round-robin across classes keeps the total fold sizes within 1 as well.
    for (const index of members) {
      assignment[index] = position % k;
      position++;
    }
  }
  return foldsFromAssignment(assignment, k);
}
