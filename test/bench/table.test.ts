/**
 * The benchmark's douyin-churn table section: flag parsing, the verdict text, and one real
 * (small) run of the example through the same child-process path.
 */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, type BenchOptions } from '../../bench/cli';
import { formatTable } from '../../bench/report';
import { runTable, TABLE_TARGET_SECONDS } from '../../bench/table';

function parse(argv: string[]): BenchOptions {
  const options = parseBenchArgs(argv);
  if (options === 'help') throw new Error('expected options, received help');
  return options;
}

describe('bench table section', () => {
  it('runs only with --full or --only', () => {
    expect(parse([]).sections).not.toContain('table');
    expect(parse(['--full']).sections).toContain('table');
    expect(parse(['--only', 'table']).sections).toEqual(['table']);
  });

  it('takes a CSV path', () => {
    expect(parse(['--only', 'table', '--table-data', 'package.json']).tableData).toBe('package.json');
    expect(() => parse(['--only', 'table', '--table-data', '/nonexistent.csv'])).toThrow(/--table-data: "\/nonexistent.csv" does not exist/);
    expect(parse([]).tableData).toBeUndefined();
    expect(() => parse(['--table-data'])).toThrow(/--table-data needs a value/);
  });

  it('takes the worker counts of the table runs', () => {
    expect(parse(['--only', 'table', '--table-workers', '2']).tableWorkers).toEqual([2]);
    expect(parse(['--only', 'table', '--table-workers', '1,2,2']).tableWorkers).toEqual([1, 2]);
    expect(parse([]).tableWorkers).toBeUndefined();
    expect(() => parse(['--table-workers', '0'])).toThrow(/--table-workers accepts positive integers such as 1,2; received "0"/);
    expect(() => parse(['--table-workers', 'two'])).toThrow(/received "two"/);
  });

  it('states a missed target and the speed-up', () => {
    const text = formatTable({
      data: 'synthetic',
      runs: [
        { workers: 1, seconds: 1200, models: ['lr', 'srml-mca'], foldJobs: 20, modelSeconds: { lr: 20, 'srml-mca': 1140 } },
        { workers: 2, seconds: 600, models: ['lr', 'srml-mca'], foldJobs: 20, modelSeconds: { lr: 25, 'srml-mca': 1160 } },
      ],
      target: { seconds: 600, met: false, speedupNeeded: 2 },
    });
    expect(text).toContain('lr, srml-mca; 20 fold jobs');
    expect(text).toContain(`Target (<= ${TABLE_TARGET_SECONDS} s with one worker per core): missed (600 s, 300 s over; needs 2.0x faster)`);
    // Slowest model first, with its share of the one-worker fold time.
    expect(text).toMatch(/srml-mca +1,?140 +1,?160 +98%\n.*lr +20 +25 +2%/);
  });

  it('times a small run of the example', async () => {
    const lines: string[] = [];
    const result = await runTable([1], undefined, (line) => lines.push(line), ['--models', 'lr', '--folds', '2', '--settings', 'paper', '--users', '200']);
    expect(result.data).toBe('synthetic');
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]).toMatchObject({ workers: 1, models: ['lr'], foldJobs: 2 });
    expect(result.runs[0]?.seconds).toBeGreaterThan(0);
    expect(Object.keys(result.runs[0]?.modelSeconds ?? {})).toEqual(['lr']);
    expect(result.runs[0]?.modelSeconds['lr']).toBeGreaterThan(0);
    expect(result.target?.seconds).toBe(result.runs[0]?.seconds);
    expect(lines[0]).toMatch(/douyin-churn table with 1 worker/);
  }, 120_000);
});
