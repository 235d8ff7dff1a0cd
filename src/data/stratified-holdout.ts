/**
 * Stratified hold-out split: one seeded training/validation division of row positions that
 * keeps the class ratio in both parts.
 */
import type { Rng } from '../random';

/**
 * Returns row positions split into `train` and `validation`, holding out `round(n_c · fraction)`
 * rows of each class c. Positions are listed class 0 first, then class 1, in shuffled order.
 */
export function stratifiedHoldout(labels: ArrayLike<number>, fraction: number, rng: Rng): { train: number[]; validation: number[] } {
  const train: number[] = [];
  const validation: number[] = [];
  for (const cls of [0, 1]) {
    const rows: number[] = [];
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === cls) rows.push(i);
    }
    rng.shuffle(rows);
    const held = Math.round(rows.length * fraction);
    validation.push(...rows.slice(0, held));
    train.push(...rows.slice(held));
  }
  return { train, validation };
}
