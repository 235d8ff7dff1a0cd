/**
 * Scale benchmark: each user count runs in its own child process (peak RSS per size), then the
 * stage times of consecutive sizes are compared with the growth in users.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendName } from './cli';
import type { ScaleRunResult, ScaleSettings } from './scale-stages';

export const RESULT_MARKER = 'BENCH_SCALE_RESULT ';

/** Target: a stage's time grows at most this much faster than the number of users. */
export const GROWTH_TARGET = 1.1;
/** Target: peak RSS at one million users, in MiB (4 GB = 3815 MiB). */
export const RSS_TARGET_MIB = 4e9 / 2 ** 20;
/** Stages shorter than this at the smaller size are too short to judge a growth ratio. */
export const MIN_JUDGED_SECONDS = 0.05;

/** Returns the scale settings; only the user count and the sampling budget vary between runs. */
export function scaleSettings(users: number, timedBatches: number, scoreRowsCap: number): ScaleSettings {
  return { users, timedBatches, scoreRowsCap, maxDegree: 20, gcnTargets: 64, gcnFanouts: [5, 5] };
}

export interface StageGrowth {
  stage: string;
  fromUsers: number;
  toUsers: number;
  timeRatio: number;
  /** timeRatio divided by the ratio of user counts; the target is at most GROWTH_TARGET. */
  growthVsUsers: number;
  /** 'met', 'missed', or 'not judged' when the smaller run took under MIN_JUDGED_SECONDS. */
  verdict: 'met' | 'missed' | 'not judged';
}

export interface ScaleSectionResult {
  backend: BackendName;
  runs: ScaleRunResult[];
  growth: StageGrowth[];
  /** Peak RSS at 1M users against the 4 GB target, when 1M ran. */
  rssAtMillion?: { peakRssMiB: number; met: boolean };
}

/** Runs one size in a child process and returns its parsed result. */
function runChild(users: number, backend: BackendName, timedBatches: number, scoreRowsCap: number): Promise<ScaleRunResult> {
  const script = fileURLToPath(new URL('./scale-child.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, String(users), backend, String(timedBatches), String(scoreRowsCap)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || line === undefined) {
        reject(new Error(`scale child for ${users} users exited with code ${code} and no result line`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as ScaleRunResult);
    });
  });
}

/** Compares every stage between consecutive sizes. */
export function stageGrowth(runs: readonly ScaleRunResult[]): StageGrowth[] {
  const growth: StageGrowth[] = [];
  for (let i = 1; i < runs.length; i++) {
    const small = runs[i - 1] as ScaleRunResult;
    const large = runs[i] as ScaleRunResult;
    for (const stage of large.stages) {
      const before = small.stages.find((s) => s.stage === stage.stage);
      if (before === undefined) continue;
      const timeRatio = stage.seconds / before.seconds;
      const growthVsUsers = timeRatio / (large.users / small.users);
      let verdict: StageGrowth['verdict'] = growthVsUsers <= GROWTH_TARGET ? 'met' : 'missed';
      if (before.seconds < MIN_JUDGED_SECONDS) verdict = 'not judged';
      growth.push({ stage: stage.stage, fromUsers: small.users, toUsers: large.users, timeRatio, growthVsUsers, verdict });
    }
  }
  return growth;
}

export async function runScale(
  sizes: readonly number[],
  backend: BackendName,
  timedBatches: number,
  scoreRowsCap: number,
  log: (line: string) => void,
): Promise<ScaleSectionResult> {
  const runs: ScaleRunResult[] = [];
  for (const users of sizes) {
    log(`scale: ${users} users on ${backend} (child process)`);
    runs.push(await runChild(users, backend, timedBatches, scoreRowsCap));
  }
  const million = runs.find((r) => r.users === 1_000_000);
  return {
    backend,
    runs,
    growth: stageGrowth(runs),
    ...(million === undefined ? {} : { rssAtMillion: { peakRssMiB: million.peakRssMiB, met: million.peakRssMiB < RSS_TARGET_MIB } }),
  };
}
