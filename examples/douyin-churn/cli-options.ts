/**
 * Command-line options of the douyin-churn example, parsed with node:util and checked so that
 * a bad value gives one line naming the option, the value and the fix.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SRMLMCAPresetName } from '../../src/index';
import type { BackendName } from './backend';
import { DEFAULT_MODELS, isModelKey, MODEL_KEYS, type ModelKey } from './models';
import type { Setting } from './results';

/** A user mistake on the command line or in an input path; printed as one line, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface RunCommand {
  command: 'run';
  data: string | undefined;
  dropInvalidRows: boolean;
  users: number;
  backend: BackendName;
  epochs: number;
  seed: number;
  folds: number;
  models: ModelKey[];
  settings: Setting[];
  workers: number;
  preset: SRMLMCAPresetName;
  out: string;
  saveModel: boolean;
  explainTop: number;
  quiet: boolean;
  json: boolean;
}

export interface ScoreCommand {
  command: 'score';
  model: string;
  data: string;
  out: string;
  backend: BackendName;
  batchSize: number;
  highRisk: number;
  mediumRisk: number;
  quiet: boolean;
}

export type Command = RunCommand | ScoreCommand | { command: 'help' };

export const HELP = `Usage:
  npm run douyin-churn -- [options]                 run the paper's comparison (5-fold CV)
  npm run douyin-churn -- score --model DIR --data users.csv --out scores.csv

Run options:
  --data PATH        user CSV (user_personalized_features.csv layout); default: built-in
                     seeded synthetic users of the same schema
  --drop-invalid-rows  skip CSV rows with a bad value instead of stopping (the report counts them)
  --users N          number of synthetic users when --data is absent (default 1000)
  --backend NAME     tfjs backend: wasm (default), cpu, or tensorflow (needs @tensorflow/tfjs-node
                     installed; it runs every job in the main thread and uses several cores itself)
  --epochs N         maximum training epochs of SRML and SRML-MCA (default 60; early stopping);
                     GCN and GAT always train 200 epochs
  --seed N           seed of folds, weights, shuffling and dropout (default 42)
  --folds N          cross-validation folds (default 5)
  --models LIST      comma-separated: ${MODEL_KEYS.join(', ')} (default: ${DEFAULT_MODELS.join(',')})
  --settings LIST    paper, noLeak or both (default: paper,noLeak)
  --workers N        worker threads (default: one per core; 1 with --backend tensorflow)
  --preset NAME      SRML-MCA size: tiny, fast (default), default, large
  --out DIR          report folder (default: report)
  --no-save-model    skip training and saving the final model (SRML-MCA + input gate, or
                     SRML-MCA when --models leaves out srml-mca-gated)
  --explain N        users to explain in the report (default 10)
  --quiet            no progress output
  --json             print results.json to stdout instead of the tables

Score options:
  --model DIR        folder written by a run (report/model)
  --data PATH        users to score (CSV, any size; read as a stream)
  --out PATH         output CSV: User_ID, churn_probability, risk_tier (default: scores.csv)
  --high P           probability at or above which a user is "high" risk (default 0.7)
  --medium P         probability at or above which a user is "medium" risk (default 0.4)
  --batch-size N     rows scored per batch (default 4096)
  --backend NAME     tfjs backend: wasm (default), cpu, or tensorflow (needs @tensorflow/tfjs-node)
  --quiet            no progress output
`;

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`--${name} must be a positive integer; received ${JSON.stringify(text)}.`);
  }
  return value;
}

function nonNegativeInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new UsageError(`--${name} must be a non-negative integer; received ${JSON.stringify(text)}.`);
  }
  return value;
}

function probability(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`--${name} must be a probability in [0, 1]; received ${JSON.stringify(text)}.`);
  }
  return value;
}

/** Every backend name that `--backend` accepts. */
const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'tensorflow'];

function backendOf(text: string | undefined): BackendName {
  const value = text ?? 'wasm';
  const name = BACKEND_NAMES.find((candidate) => candidate === value);
  if (name === undefined) {
    throw new UsageError(`--backend must be cpu, wasm or tensorflow; received ${JSON.stringify(value)}.`);
  }
  return name;
}

function existingFile(option: string, path: string | undefined): string {
  if (path === undefined) {
    throw new UsageError(`--${option} is required.`);
  }
  if (!existsSync(path)) {
    throw new UsageError(`--${option}: ${JSON.stringify(path)} does not exist. Check the path.`);
  }
  return path;
}

/** Options that only one command reads; the other command rejects them instead of ignoring them. */
const SCORE_ONLY = ['model', 'high', 'medium', 'batch-size'];
const RUN_ONLY = ['users', 'epochs', 'seed', 'folds', 'models', 'settings', 'workers', 'preset', 'no-save-model', 'drop-invalid-rows', 'explain', 'json'];

function rejectForeignOptions(command: string, optionNames: string[]): void {
  let foreign: string[] = [];
  if (command === 'score') foreign = RUN_ONLY;
  if (command === 'run') foreign = SCORE_ONLY;
  const misplaced = optionNames.find((option) => foreign.includes(option));
  if (misplaced !== undefined) {
    const owner = command === 'score' ? 'the run command (no "score")' : 'the score command';
    throw new UsageError(`--${misplaced} belongs to ${owner}; remove it. Run with --help for the options.`);
  }
}

/** Parses `argv` (without node and the script path). */
export function parseCommand(argv: string[], cores: number): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        users: { type: 'string' },
        backend: { type: 'string' },
        epochs: { type: 'string' },
        seed: { type: 'string' },
        folds: { type: 'string' },
        models: { type: 'string' },
        settings: { type: 'string' },
        workers: { type: 'string' },
        preset: { type: 'string' },
        out: { type: 'string' },
        'no-save-model': { type: 'boolean' },
        'drop-invalid-rows': { type: 'boolean' },
        explain: { type: 'string' },
        quiet: { type: 'boolean' },
        json: { type: 'boolean' },
        model: { type: 'string' },
        high: { type: 'string' },
        medium: { type: 'string' },
        'batch-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run with --help for the options.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const command = positionals[0] ?? 'run';
  rejectForeignOptions(command, Object.keys(values));

  if (command === 'score') {
    const high = probability('high', values.high, 0.7);
    const medium = probability('medium', values.medium, 0.4);
    if (medium > high) {
      throw new UsageError(`--medium (${medium}) must not exceed --high (${high}).`);
    }
    return {
      command: 'score',
      model: existingFile('model', values.model),
      data: existingFile('data', values.data),
      out: values.out ?? 'scores.csv',
      backend: backendOf(values.backend),
      batchSize: positiveInteger('batch-size', values['batch-size'], 4096),
      highRisk: high,
      mediumRisk: medium,
      quiet: values.quiet ?? false,
    };
  }
  if (command !== 'run') {
    throw new UsageError(`unknown command ${JSON.stringify(command)}; use "score" or no command. Run with --help for the options.`);
  }

  const models = (values.models ?? DEFAULT_MODELS.join(',')).split(',').map((m) => m.trim()).filter((m) => m.length > 0);
  for (const model of models) {
    if (!isModelKey(model)) {
      throw new UsageError(`--models: unknown model ${JSON.stringify(model)}; choose from ${MODEL_KEYS.join(', ')}.`);
    }
  }
  if (models.length === 0) {
    throw new UsageError('--models lists no model.');
  }
  const settings = (values.settings ?? 'paper,noLeak').split(',').map((s) => s.trim());
  for (const setting of settings) {
    if (setting !== 'paper' && setting !== 'noLeak') {
      throw new UsageError(`--settings: unknown setting ${JSON.stringify(setting)}; use paper, noLeak or both.`);
    }
  }
  const preset = values.preset ?? 'fast';
  if (!['tiny', 'fast', 'default', 'large'].includes(preset)) {
    throw new UsageError(`--preset must be tiny, fast, default or large; received ${JSON.stringify(preset)}.`);
  }
  const folds = positiveInteger('folds', values.folds, 5);
  if (folds < 2) {
    throw new UsageError(`--folds must be at least 2; received ${folds}.`);
  }
  if (values.data !== undefined && values.users !== undefined) {
    throw new UsageError('--users sets the size of the synthetic data; it cannot be combined with --data.');
  }
  const backend = backendOf(values.backend);
  const workers = positiveInteger('workers', values.workers, backend === 'tensorflow' ? 1 : Math.max(1, cores));
  if (backend === 'tensorflow' && workers > 1) {
    // tfjs-node's native binding fails to load in a second worker thread of one process, as
    // reported upstream for tfjs 4.21.
    throw new UsageError(
      `--backend tensorflow runs every job in the main thread, because tfjs-node fails to load in more than one worker thread; received --workers ${workers}. ` +
        'Omit --workers: tfjs-node uses several cores by itself.',
    );
  }
  return {
    command: 'run',
    data: values.data === undefined ? undefined : existingFile('data', values.data),
    dropInvalidRows: values['drop-invalid-rows'] ?? false,
    users: positiveInteger('users', values.users, 1000),
    backend,
    epochs: positiveInteger('epochs', values.epochs, 60),
    seed: nonNegativeInteger('seed', values.seed, 42),
    folds,
    models: [...new Set(models)] as ModelKey[],
    settings: [...new Set(settings)] as Setting[],
    workers,
    preset: preset as SRMLMCAPresetName,
    out: values.out ?? 'report',
    saveModel: !(values['no-save-model'] ?? false),
    explainTop: positiveInteger('explain', values.explain, 10),
    quiet: values.quiet ?? false,
    json: values.json ?? false,
  };
}
