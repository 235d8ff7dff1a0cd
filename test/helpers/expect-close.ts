/**
 * One comparison for tensors and arrays: dtype, then shape, then every value within
 * `atol + rtol * |expected|`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export interface Tolerance {
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
}

type Numeric = tf.Tensor | number | ArrayLike<number> | number[][] | number[][][] | number[][][][];

function flatten(value: Numeric): { values: number[]; shape: number[] | undefined; dtype: string | undefined } {
  if (value instanceof tf.Tensor) {
    return { values: Array.from(value.dataSync()), shape: value.shape, dtype: value.dtype };
  }
  if (typeof value === 'number') {
    return { values: [value], shape: [], dtype: undefined };
  }
  const values: number[] = [];
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level) || ArrayBuffer.isView(level)) {
    shape.push((level as ArrayLike<unknown>).length);
    level = (level as ArrayLike<unknown>)[0];
  }
  const walk = (node: unknown): void => {
    if (Array.isArray(node) || ArrayBuffer.isView(node)) {
      for (const child of Array.from(node as ArrayLike<unknown>)) {
        walk(child);
      }
    } else {
      values.push(node as number);
    }
  };
  walk(value);
  return { values, shape, dtype: undefined };
}

/** Asserts that `actual` equals `expected` within tolerance; shapes must match exactly. */
export function expectClose(actual: Numeric, expected: Numeric, tolerance: Tolerance = {}): void {
  const atol = tolerance.atol ?? 1e-5;
  const rtol = tolerance.rtol ?? 1e-4;
  const a = flatten(actual);
  const e = flatten(expected);

  if (a.dtype !== undefined && e.dtype !== undefined) {
    expect(a.dtype, 'dtype').toBe(e.dtype);
  }
  if (a.shape !== undefined && e.shape !== undefined && e.shape.length > 0) {
    expect(a.shape, 'shape').toEqual(e.shape);
  }
  expect(a.values.length, 'element count').toBe(e.values.length);

  const failures: string[] = [];
  for (let i = 0; i < e.values.length; i++) {
    const x = a.values[i] as number;
    const y = e.values[i] as number;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok && failures.length < 5) {
      failures.push(`[${i}] actual ${x}, expected ${y}`);
    }
  }
  expect(failures, `values differ beyond atol ${atol} + rtol ${rtol}`).toEqual([]);
}

/** Asserts that every element of `t` is finite. */
export function expectFinite(t: tf.Tensor, what = 'tensor'): void {
  const values = t.dataSync();
  let bad = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      bad = i;
      break;
    }
  }
  expect(bad, `${what} has a non-finite value at flat index ${bad}`).toBe(-1);
}
