/**
 * Seeded pseudo-random numbers (mulberry32) shared by the data generator, the fold splitter,
 * the trainer's shuffling and the tests, so that every run with the same seed is identical.
 */

/** A seeded random stream; every method advances the same state. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal sample (Box-Muller). */
  normal(): number;
  /** Shuffles `values` in place (Fisher-Yates) and returns it. */
  shuffle<T>(values: T[]): T[];
}

/** Creates a mulberry32 stream from a 32-bit integer seed. */
export function createRng(seed: number): Rng {
  let state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const int = (n: number): number => Math.floor(next() * n);

  const normal = (): number => {
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };

  const shuffle = <T>(values: T[]): T[] => {
    for (let i = values.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const tmp = values[i] as T;
      values[i] = values[j] as T;
      values[j] = tmp;
    }
    return values;
  };

  return { next, int, normal, shuffle };
}

/**
 * Runs `fn` synchronously with `Math.random` replaced by the seeded stream `rng`, then restores
 * it. tfjs 4.22 seeds every unseeded random op (weight initializers, dropout masks) from
 * `Math.random`, so wrapping model construction and each training step makes a run repeatable.
 * `fn` must be synchronous: no other code can run while the replacement is in place.
 */
export function withSeededRandom<T>(rng: Rng, fn: () => T): T {
  const original = Math.random;
  Math.random = rng.next;
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new TypeError('withSeededRandom: `fn` returned a Promise; pass a synchronous function.');
    }
    return result;
  } finally {
    Math.random = original;
  }
}
