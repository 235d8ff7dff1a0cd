/** Timing, memory read-outs and number formatting shared by the benchmark sections. */

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Timing {
  /** Median wall time of one call in milliseconds. */
  medianMs: number;
  /** Every timed call in milliseconds, warm-up calls excluded. */
  samplesMs: number[];
}

/**
 * Runs `fn` `warmup` times untimed, then `repeats` times timed, and returns the median. `fn`
 * must wait for its results (e.g. read a tensor's data), or the time excludes the work.
 */
export async function timeRepeats(fn: () => unknown, warmup: number, repeats: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samplesMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    samplesMs.push(performance.now() - start);
  }
  return { medianMs: median(samplesMs), samplesMs };
}

/** Peak resident set size of this process so far, in MiB (`process.resourceUsage().maxRSS` is in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Current resident set size in MiB. */
export function currentRssMiB(): number {
  return process.memoryUsage.rss() / 2 ** 20;
}

/** Formats a number with `digits` significant digits and thousands separators. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toLocaleString('en-US', { maximumSignificantDigits: digits });
}

/** Renders rows as a fixed-width text table with a header rule. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => cell.padEnd(widths[c] as number)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
