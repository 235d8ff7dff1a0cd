/**
 * Argument checks shared by layers, losses and data functions. Each throws
 * {@link InvalidArgumentError} with a message that names the owner, the argument, the
 * expectation, the received value and the fix.
 */
import { InvalidArgumentError } from './errors';

function show(value: unknown): string {
  // JSON.stringify prints NaN and ±Infinity as null, which would hide the actual problem.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

/** Throws unless `value` is an integer >= `min` (default 1). */
export function requireInteger(owner: string, arg: string, value: unknown, min = 1, hint = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const expectation = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    throw new InvalidArgumentError(
      `${owner}: \`${arg}\` must be ${expectation}; received ${show(value)}.${hint ? ` ${hint}` : ''}`,
    );
  }
  return value;
}

/** Throws unless `value` is a finite number in [min, max] (or [min, max) with `maxExclusive`). */
export function requireNumberInRange(
  owner: string,
  arg: string,
  value: unknown,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean },
): number {
  const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) &&
    (maxExclusive ? value < max : value <= max);
  if (!ok) {
    let expectation: string;
    if (max === Infinity && min === -Infinity) {
      expectation = 'a finite number';
    } else if (max === Infinity) {
      expectation = `a finite number ${minExclusive ? '>' : '>='} ${min}`;
    } else {
      expectation = `a finite number in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
    }
    throw new InvalidArgumentError(`${owner}: \`${arg}\` must be ${expectation}; received ${show(value)}.`);
  }
  return value as number;
}

/** Throws unless `value` is one of `allowed`. */
export function requireOneOf<T extends string>(owner: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(
      `${owner}: \`${arg}\` must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; received ${show(value)}.`,
    );
  }
  return value as T;
}

/** Throws unless `value` is a boolean. */
export function requireBoolean(owner: string, arg: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError(`${owner}: \`${arg}\` must be true or false; received ${show(value)}.`);
  }
  return value;
}
