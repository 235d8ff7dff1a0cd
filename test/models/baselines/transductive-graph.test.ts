import { describe, expect, it } from 'vitest';
import { batchBlocks } from '../../../src/models/baselines/transductive-graph';

const block = (size: number, first: number): Int32Array => Int32Array.from({ length: size }, (_, i) => first + i);

describe('batchBlocks', () => {
  it('groups sizes by power of two', () => {
    const blocks = [block(7, 0), block(3, 10), block(5, 20), block(4, 30), block(1, 40), block(8, 50)];
    const sizes = batchBlocks(blocks).map((group) => group.map((members) => members.length));
    expect(sizes).toEqual([[7, 5, 8], [3, 4], [1]]);
  });

  it('keeps every block once', () => {
    const blocks = [block(2, 0), block(9, 2), block(2, 11), block(16, 13), block(17, 29)];
    const members = batchBlocks(blocks).flat();
    expect(members).toHaveLength(blocks.length);
    expect(new Set(members)).toEqual(new Set(blocks));
  });

  it('returns no batch for no blocks', () => {
    expect(batchBlocks([])).toEqual([]);
  });
});
