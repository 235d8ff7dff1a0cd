import { describe, expect, it } from 'vitest';
import { stratifiedHoldout } from '../../src/data/stratified-holdout';
import { createRng } from '../../src/random';

describe('stratifiedHoldout', () => {
  it('keeps class ratio and covers rows', () => {
    const labels = Int32Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const { train, validation } = stratifiedHoldout(labels, 0.2, createRng(1));
    // 10 positives and 40 negatives: round(10·0.2) = 2 and round(40·0.2) = 8 are held out.
    expect(validation.filter((i) => labels[i] === 1).length).toBe(2);
    expect(validation.filter((i) => labels[i] === 0).length).toBe(8);
    expect(new Set([...train, ...validation]).size).toBe(50);
    expect(train.length + validation.length).toBe(50);
  });

  it('same seed gives same split', () => {
    const labels = Int32Array.from({ length: 30 }, (_, i) => i % 2);
    expect(stratifiedHoldout(labels, 0.3, createRng(4))).toEqual(stratifiedHoldout(labels, 0.3, createRng(4)));
  });

  it('fraction zero holds out nothing', () => {
    const { train, validation } = stratifiedHoldout([0, 1, 1, 0], 0, createRng(2));
    expect(validation).toEqual([]);
    expect(train.length).toBe(4);
  });
});
