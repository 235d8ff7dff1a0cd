/** Text tables of the benchmark results, printed by run.ts. */
import type { MemoryResult } from './memory';
import type { StepProfile } from './profile';
import { TABLE_TARGET_SECONDS, type TableRun, type TableSectionResult } from './table';
import { GROWTH_TARGET, MIN_JUDGED_SECONDS, RSS_TARGET_MIB, type ScaleSectionResult } from './scale';
import { formatNumber as f, textTable } from './stats';
import { MATMUL_FRACTION_TARGET, type EfficiencyVerdict } from './targets';
import { INFER_BATCH, TRAIN_BATCH, type TrainingSectionResult } from './throughput';

export function formatThroughput(result: TrainingSectionResult): string {
  const matMulSummary = [...new Set(result.matMul.map((m) => m.backend))].map((backend) => {
    const rates = result.matMul.filter((m) => m.backend === backend).map((m) => m.gflops);
    return [backend, result.matMul[0]?.shape ?? '', String(rates.length), f(Math.min(...rates)), f(Math.max(...rates))];
  });
  const matMul = textTable(['backend', 'matMul shape', 'measurements', 'min GFLOP/s', 'max GFLOP/s'], matMulSummary);
  const rows = textTable(
    ['backend', 'model', 'config', 'train samples/s', 'infer samples/s', 'MACs/sample (exec)', 'MACs/sample (direct)', 'train GFLOP/s (exec)', 'train GFLOP/s (direct)', 'matMul GFLOP/s', 'of matMul'],
    result.rows.map((r) => [
      r.backend,
      r.model,
      r.config,
      f(r.trainSamplesPerSec),
      f(r.inferSamplesPerSec),
      f(r.executedMacsPerSample),
      f(r.directMacsPerSample),
      f(r.trainGflops),
      f(r.trainGflopsDirect),
      f(r.matMulGflops),
      `${(r.matMulFraction * 100).toFixed(1)}%`,
    ]),
  );
  return [
    `Training: forward + backward + Adam at batch ${TRAIN_BATCH}; inference: forward at batch ${INFER_BATCH}.`,
    'GCN and GAT: one full-graph step on the 1000-user relation graph; one sample = one node.',
    'GFLOP/s = 2 FLOP per MAC x forward MACs per sample x 3 (forward + backward) x samples/s.',
    '"exec" counts the Toeplitz/selection matMuls the library runs; "direct" counts direct-convolution MACs.',
    '"of matMul" = train GFLOP/s (exec) / the backend\'s matMul GFLOP/s, measured right before each row.',
    '',
    matMul,
    '',
    rows,
  ].join('\n');
}

export function formatVerdicts(verdicts: readonly EfficiencyVerdict[]): string {
  if (verdicts.length === 0) return 'Target not evaluated: wasm was not run.';
  const lines = verdicts.map((v) =>
    v.met
      ? `  ${v.preset}: met (${(v.fraction * 100).toFixed(1)}%)`
      : `  ${v.preset}: missed (${(v.fraction * 100).toFixed(1)}%, ${v.shortfallPoints.toFixed(1)} points short; needs ${v.speedupNeeded.toFixed(1)}x faster training)`,
  );
  return [`Target: SRML-MCA training on wasm reaches >= ${MATMUL_FRACTION_TARGET * 100}% of the matMul rate (executed MACs)`, ...lines].join('\n');
}

export function formatProfile(profile: StepProfile): string {
  const layers = textTable(
    ['layer (fwd+bwd alone)', 'median ms', 'share of step'],
    [
      ...profile.layers.map((l) => [l.layer, f(l.medianMs), `${(l.shareOfStep * 100).toFixed(0)}%`]),
      ['(whole training step)', f(profile.stepMs), '100%'],
    ],
  );
  const kernels = textTable(
    ['kernel', 'calls', 'total ms', 'share'],
    profile.topKernels.map((k) => [k.kernel, String(k.calls), f(k.totalMs), `${(k.shareOfProfiled * 100).toFixed(0)}%`]),
  );
  return [
    `Profile of SRML-MCA ${profile.preset} on wasm, batch ${TRAIN_BATCH}:`,
    layers,
    '',
    `Top kernels of one step under tf.profile (kernel times sum to ${f(profile.profiledKernelMs)} ms, including a sync per kernel):`,
    kernels,
  ].join('\n');
}

export function formatMemory(memory: MemoryResult): string {
  return [
    `Tensors alive before/after ${memory.steps} training steps (SRML-MCA ${memory.preset}, ${memory.backend}): ` +
      `${memory.tensorsBefore} / ${memory.tensorsAfter} (${memory.equal ? 'equal' : 'NOT EQUAL: leak'}); ` +
      `bytes ${memory.bytesBefore} / ${memory.bytesAfter}.`,
    `Peak RSS of the benchmark process so far: ${f(memory.peakRssMiB)} MiB.`,
  ].join('\n');
}

export function formatScale(scale: ScaleSectionResult): string {
  const sizes = scale.runs.map((r) => r.users);
  const stageNames = scale.runs[0]?.stages.map((s) => s.stage) ?? [];
  const header = ['stage', ...sizes.map((n) => `${f(n)} users: s`), ...sizes.map((n) => `peak RSS MiB @${f(n)}`)];
  const rows = stageNames.map((name) => [
    name,
    ...scale.runs.map((r) => {
      const stage = r.stages.find((s) => s.stage === name);
      return stage === undefined ? '-' : `${f(stage.seconds)}${stage.extrapolation ? '*' : ''}`;
    }),
    ...scale.runs.map((r) => {
      const stage = r.stages.find((s) => s.stage === name);
      return stage === undefined ? '-' : f(stage.peakRssMiB);
    }),
  ]);
  const growth = textTable(
    ['stage', 'users', 'time ratio', 'growth vs users', `verdict (<= ${GROWTH_TARGET})`],
    scale.growth.map((g) => [g.stage, `${f(g.fromUsers)} -> ${f(g.toUsers)}`, f(g.timeRatio), f(g.growthVsUsers), g.verdict]),
  );
  const extrapolations = scale.runs.flatMap((r) =>
    r.stages.filter((s) => s.extrapolation !== null).map((s) => `  ${f(r.users)} users, ${s.stage}: ${s.extrapolation}`),
  );
  const details = scale.runs.flatMap((r) => r.stages.filter((s) => s.detail !== undefined).map((s) => `  ${f(r.users)} users, ${s.stage}: ${s.detail}`));
  const lines = [
    `Scale on ${scale.backend}, one child process per size. Peak RSS is the child's running maximum at the end of each stage.`,
    textTable(header, rows),
    '* extrapolated, not measured in full:',
    ...extrapolations,
    'Details:',
    ...details,
    '',
    `Growth of each stage's time against the growth in users (target <= ${GROWTH_TARGET}; stages under ${MIN_JUDGED_SECONDS * 1000} ms at the smaller size are not judged):`,
    growth,
  ];
  if (scale.rssAtMillion !== undefined) {
    lines.push(
      `Peak RSS at 1M users: ${f(scale.rssAtMillion.peakRssMiB)} MiB, target < ${f(RSS_TARGET_MIB)} MiB (4 GB): ${scale.rssAtMillion.met ? 'met' : 'missed'}.`,
    );
  } else {
    lines.push('Peak RSS target at 1M users: not evaluated (run with --scale=1m or --full).');
  }
  return lines.join('\n');
}

export function formatTable(result: TableSectionResult): string {
  const first = result.runs[0];
  const settings = result.exampleFlags.length === 0 ? 'default epochs' : `example flags ${result.exampleFlags.join(' ')}`;
  const lines = [
    `Whole douyin-churn comparison on ${result.data}: ${first?.models.join(', ') ?? 'no models'}; ` +
      `${first?.foldJobs ?? 0} fold jobs (models x folds x settings), ${settings}, no final model.`,
    '',
    textTable(
      ['workers', 'wall s'],
      result.runs.map((run) => [String(run.workers), f(run.seconds)]),
    ),
  ];
  // Where the time goes: fold-job seconds per model, slowest first, for each run.
  const models = first?.models ?? [];
  if (models.length > 0) {
    const total = (run: TableRun): number => Object.values(run.modelSeconds).reduce((sum, value) => sum + value, 0);
    const ordered = [...models].sort((a, b) => (first?.modelSeconds[b] ?? 0) - (first?.modelSeconds[a] ?? 0));
    lines.push(
      '',
      'Fold-job seconds per model (all folds and settings; jobs overlap when workers > 1):',
      textTable(
        ['model', ...result.runs.map((run) => `${run.workers} worker${run.workers === 1 ? '' : 's'}`), `share (${first?.workers ?? 0}-worker run)`],
        ordered.map((model) => [
          model,
          ...result.runs.map((run) => f(run.modelSeconds[model] ?? 0)),
          first === undefined || total(first) === 0 ? '' : `${(((first.modelSeconds[model] ?? 0) / total(first)) * 100).toFixed(0)}%`,
        ]),
      ),
    );
  }
  // tfjs-node runs in the example's main thread and runs several threads itself.
  const wholeMachine = result.backend === 'tensorflow' ? 'one worker, as tensorflow runs several threads itself' : 'one worker per core';
  if (result.target !== undefined) {
    const { seconds, workers, met, speedupNeeded } = result.target;
    const label = `Target (<= ${TABLE_TARGET_SECONDS} s with ${wholeMachine}; judged on the ${workers}-worker run)`;
    lines.push(
      '',
      met
        ? `${label}: met (${f(seconds)} s).`
        : `${label}: missed (${f(seconds)} s, ${f(seconds - TABLE_TARGET_SECONDS)} s over; needs ${speedupNeeded.toFixed(1)}x faster).`,
    );
  } else if (result.runs.length > 0) {
    lines.push('', `Target (<= ${TABLE_TARGET_SECONDS} s with ${wholeMachine}): not judged, because no run used ${result.cores} workers.`);
  }
  return lines.join('\n');
}
