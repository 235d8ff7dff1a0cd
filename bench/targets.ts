/** The efficiency target of the training section and its verdict. */
import type { ThroughputRow } from './throughput';

/** SRML-MCA training on wasm should reach at least this fraction of the backend's matMul rate. */
export const MATMUL_FRACTION_TARGET = 0.4;

export interface EfficiencyVerdict {
  preset: string;
  fraction: number;
  met: boolean;
  /** Percentage points below the target (0 when met). */
  shortfallPoints: number;
  /** Speed-up needed to reach the target (1 when met). */
  speedupNeeded: number;
}

/** Judges every SRML-MCA row measured on wasm. */
export function judgeEfficiency(rows: readonly ThroughputRow[]): EfficiencyVerdict[] {
  return rows
    .filter((row) => row.backend === 'wasm' && row.model === 'SRML-MCA')
    .map((row) => {
      const met = row.matMulFraction >= MATMUL_FRACTION_TARGET;
      return {
        preset: row.config,
        fraction: row.matMulFraction,
        met,
        shortfallPoints: met ? 0 : (MATMUL_FRACTION_TARGET - row.matMulFraction) * 100,
        speedupNeeded: met ? 1 : MATMUL_FRACTION_TARGET / row.matMulFraction,
      };
    });
}
