/** Command-line flags of `npm run bench`. */
import { existsSync } from 'node:fs';
import type { BackendName } from '../examples/douyin-churn/backend';

/** Sections of the benchmark that `--only` can select. */
export const SECTIONS = ['training', 'memory', 'scale', 'table'] as const;
export type SectionName = (typeof SECTIONS)[number];

/** The same backends as the example's `--backend`, set up by its `setupBackend`. */
export type { BackendName };

/** SRML-MCA presets the training section can run ('large' is too slow on cpu and wasm). */
export const BENCH_PRESETS = ['tiny', 'fast', 'default'] as const;
export type BenchPresetName = (typeof BENCH_PRESETS)[number];

/** Scale sizes that `--scale` accepts, in users. */
export const SCALE_SIZES: Readonly<Record<string, number>> = { '1k': 1_000, '10k': 10_000, '100k': 100_000, '1m': 1_000_000 };

export interface BenchOptions {
  /** Few repeats and small sizes, for a check in about a minute. */
  quick: boolean;
  /** Adds the 1M-user scale run and more repeats. */
  full: boolean;
  backends: BackendName[];
  sections: SectionName[];
  /** SRML-MCA presets of the training section. */
  presets: BenchPresetName[];
  /** User counts of the scale section, ascending. */
  scaleSizes: number[];
  /** Print the JSON result to stdout after the tables. */
  json: boolean;
  /** Path of the JSON result file. */
  output: string;
  /** User CSV of the `table` section; undefined runs the example on its built-in users. */
  tableData: string | undefined;
  /** Worker counts of the `table` section, one run each. When undefined, it runs 1 and one per core. */
  tableWorkers: number[] | undefined;
}

export const USAGE = `Usage: npm run bench -- [flags]

  --quick                 few repeats, wasm only, scale sizes 1k and 10k (about 1 minute)
  --full                  more repeats and the 1M-user scale run
  --backend NAME          tfjs backends of the training section: cpu, wasm, tensorflow or both
                          (cpu and wasm; default: both, wasm with --quick); the memory, scale and
                          table sections use wasm when it is selected, else the one named.
                          tensorflow needs @tensorflow/tfjs-node installed
  --only LIST             comma-separated sections: ${SECTIONS.join(', ')} (default: all but table;
                          --full adds table, which runs the whole douyin-churn comparison once
                          per worker count at default epochs; --quick does not shorten it)
  --table-data PATH       user CSV for the table section (default: the example's built-in users)
  --table-workers LIST    comma-separated worker counts of the table section, one run each
                          (default: 1 and one per core; the run with the most workers is judged
                          when it has one worker per core). With tensorflow: 1, which is judged
  --preset LIST           comma-separated SRML-MCA presets of the training section: ${BENCH_PRESETS.join(', ')} (default: all)
  --scale LIST            comma-separated scale sizes: ${Object.keys(SCALE_SIZES).join(', ')} (default: 10k,100k);
                          one size also runs the size 10x below it, for the growth ratio
  --json                  also print the JSON result
  --out PATH              JSON output path (default: bench/results/latest.json)
  --help                  print this text
`;

/** Raised for an invalid flag; run.ts prints it with the usage text. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function splitValue(arg: string, next: string | undefined): { value: string | undefined; consumed: boolean } {
  const eq = arg.indexOf('=');
  if (eq >= 0) return { value: arg.slice(eq + 1), consumed: false };
  return { value: next, consumed: true };
}

/** Parses `argv` (without the node and script paths). */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  let quick = false;
  let full = false;
  let json = false;
  let backendText: string | undefined;
  let onlyText: string | undefined;
  let scaleText: string | undefined;
  let presetText: string | undefined;
  let output = 'bench/results/latest.json';
  let tableData: string | undefined;
  let tableWorkersText: string | undefined;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const flag = arg.split('=')[0] as string;
    const takeValue = (): string => {
      const { value, consumed } = splitValue(arg, argv[i + 1]);
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value.`);
      if (consumed) i++;
      return value;
    };
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--full':
        full = true;
        break;
      case '--json':
        json = true;
        break;
      case '--backend':
        backendText = takeValue();
        break;
      case '--only':
        onlyText = takeValue();
        break;
      case '--scale':
        scaleText = takeValue();
        break;
      case '--preset':
        presetText = takeValue();
        break;
      case '--out':
        output = takeValue();
        break;
      case '--table-data':
        tableData = takeValue();
        break;
      case '--table-workers':
        tableWorkersText = takeValue();
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new UsageError(`unknown flag ${JSON.stringify(arg)}; run with --help for the list of flags.`);
    }
  }
  if (quick && full) throw new UsageError('--quick and --full exclude each other; pass one of them.');
  if (tableData !== undefined && !existsSync(tableData)) {
    throw new UsageError(`--table-data: ${JSON.stringify(tableData)} does not exist. Check the path.`);
  }

  const tableWorkers = tableWorkersText?.split(',').map((text) => {
    const count = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
    if (!Number.isInteger(count) || count < 1) {
      throw new UsageError(`--table-workers accepts positive integers such as 1,2; received ${JSON.stringify(text)}.`);
    }
    return count;
  });

  let backends: BackendName[];
  const backend = backendText ?? (quick ? 'wasm' : 'both');
  if (backend === 'both') backends = ['cpu', 'wasm'];
  else if (backend === 'cpu' || backend === 'wasm' || backend === 'tensorflow') backends = [backend];
  else throw new UsageError(`--backend must be cpu, wasm, tensorflow or both; received ${JSON.stringify(backend)}.`);

  // The table section runs the example once per worker count (about 30 min on the public CSV for 1 and 2), so only --full or --only picks it.
  const defaultSections = SECTIONS.filter((section) => section !== 'table' || full);
  const sections = onlyText === undefined ? defaultSections : onlyText.split(',').map((s) => s.trim());
  for (const section of sections) {
    if (!(SECTIONS as readonly string[]).includes(section)) {
      throw new UsageError(`--only accepts ${SECTIONS.join(', ')}; received ${JSON.stringify(section)}.`);
    }
  }
  if (!sections.includes('table') && (tableData !== undefined || tableWorkers !== undefined)) {
    const flag = tableData !== undefined ? '--table-data' : '--table-workers';
    throw new UsageError(`${flag} applies to the table section only, which this run leaves out. Add --only table or --full.`);
  }
  if (backends.length === 1 && backends[0] === 'tensorflow' && tableWorkers?.some((count) => count > 1)) {
    throw new UsageError('--table-workers: the example runs every job in one thread with --backend tensorflow, so pass 1 or omit the flag.');
  }

  const presets = presetText === undefined ? [...BENCH_PRESETS] : presetText.split(',').map((s) => s.trim());
  for (const preset of presets) {
    if (!(BENCH_PRESETS as readonly string[]).includes(preset)) {
      throw new UsageError(`--preset accepts ${BENCH_PRESETS.join(', ')}; received ${JSON.stringify(preset)}.`);
    }
  }

  let defaultScale = '10k,100k';
  if (quick) defaultScale = '1k,10k';
  if (full) defaultScale = '10k,100k,1m';
  const scaleSizes = (scaleText ?? defaultScale).split(',').map((s) => {
    const size = SCALE_SIZES[s.trim().toLowerCase()];
    if (size === undefined) {
      throw new UsageError(`--scale accepts ${Object.keys(SCALE_SIZES).join(', ')}; received ${JSON.stringify(s)}.`);
    }
    return size;
  });
  // One size alone gives no growth ratio, so the size 10x below it runs too.
  if (scaleSizes.length === 1 && (scaleSizes[0] as number) >= 10_000) {
    scaleSizes.push((scaleSizes[0] as number) / 10);
  }
  scaleSizes.sort((a, b) => a - b);

  return {
    quick,
    full,
    json,
    backends,
    sections: sections as SectionName[],
    presets: presets as BenchPresetName[],
    scaleSizes: [...new Set(scaleSizes)],
    output,
    tableData,
    tableWorkers: tableWorkers === undefined ? undefined : [...new Set(tableWorkers)],
  };
}
