/**
 * The benchmark's douyin-churn table section: flag parsing, the verdict text, and one real
 * (small) run of the example through the same child-process path.
 */
import { describe, expect, it } from 'vitest';
import { parse } from './parse-options';
import { formatTable } from '../../bench/report';
import { runTable, TABLE_TARGET_SECONDS } from '../../bench/table';

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

  it('takes table worker counts', () => {
    expect(parse(['--only', 'table', '--table-workers', '2']).tableWorkers).toEqual([2]);
    expect(parse(['--only', 'table', '--table-workers', '1,2,2']).tableWorkers).toEqual([1, 2]);
    expect(parse([]).tableWorkers).toBeUndefined();
    expect(() => parse(['--only', 'table', '--table-workers', '0'])).toThrow(/--table-workers accepts positive integers such as 1,2; received "0"/);
    expect(() => parse(['--only', 'table', '--table-workers', 'two'])).toThrow(/received "two"/);
    expect(() => parse(['--only', 'table', '--table-workers', '0x2'])).toThrow(/received "0x2"/);
    expect(() => parse(['--table-workers', '2'])).toThrow(/--table-workers applies to the table section only/);
    expect(() => parse(['--quick', '--table-data', 'package.json'])).toThrow(/--table-data applies to the table section only/);
  });

  it('states a missed target and the speed-up', () => {
    const text = formatTable({
      data: 'synthetic',
      exampleFlags: [],
      backend: 'wasm',
      cores: 2,
      runs: [
        { workers: 1, seconds: 1200, models: ['lr', 'srml-mca'], foldJobs: 20, modelSeconds: { lr: 20, 'srml-mca': 1140 } },
        { workers: 2, seconds: 600, models: ['lr', 'srml-mca'], foldJobs: 20, modelSeconds: { lr: 25, 'srml-mca': 1160 } },
      ],
      target: { seconds: 600, workers: 2, met: false, speedupNeeded: 2 },
    });
    expect(text).toContain('lr, srml-mca; 20 fold jobs (models x folds x settings), default epochs');
    expect(text).toContain(
      `Target (<= ${TABLE_TARGET_SECONDS} s with one worker per core; judged on the 2-worker run): missed (600 s, 300 s over; needs 2.0x faster)`,
    );
    // Slowest model first, with its share of the first run's fold time.
    expect(text).toContain('share (1-worker run)');
    expect(text).toMatch(/srml-mca +1,?140 +1,?160 +98%\n.*lr +20 +25 +2%/);
  });

  it('skips the verdict below one worker per core', () => {
    const text = formatTable({
      data: 'synthetic',
      exampleFlags: ['--epochs', '2'],
      backend: 'wasm',
      cores: 2,
      runs: [{ workers: 1, seconds: 100, models: ['lr'], foldJobs: 10, modelSeconds: { lr: 90 } }],
      target: undefined,
    });
    expect(text).toContain('example flags --epochs 2');
    expect(text).toContain('with one worker per core): not judged, because no run used 2 workers.');
  });

  it('tensorflow verdict needs one worker', () => {
    const text = formatTable({
      data: 'synthetic',
      exampleFlags: ['--backend', 'tensorflow'],
      backend: 'tensorflow',
      cores: 1,
      runs: [{ workers: 1, seconds: 240, models: ['lr'], foldJobs: 10, modelSeconds: { lr: 200 } }],
      target: { seconds: 240, workers: 1, met: true, speedupNeeded: 1 },
    });
    expect(text).toContain(`Target (<= ${TABLE_TARGET_SECONDS} s with one worker, as tensorflow runs several threads itself; judged on the 1-worker run): met (240 s).`);
  });

  it('times a small run of the example', async () => {
    const lines: string[] = [];
    const result = await runTable([1], undefined, (line) => lines.push(line), ['--models', 'lr', '--folds', '2', '--settings', 'paper', '--users', '200'], 1);
    expect(result.data).toBe('synthetic');
    expect(result.backend).toBe('wasm');
    expect(result.runs).toHaveLength(1);
    expect(result.runs[0]).toMatchObject({ workers: 1, models: ['lr'], foldJobs: 2 });
    expect(result.runs[0]?.seconds).toBeGreaterThan(0);
    expect(Object.keys(result.runs[0]?.modelSeconds ?? {})).toEqual(['lr']);
    expect(result.runs[0]?.modelSeconds['lr']).toBeGreaterThan(0);
    expect(result.target?.seconds).toBe(result.runs[0]?.seconds);
    expect(result.exampleFlags).toEqual(['--models', 'lr', '--folds', '2', '--settings', 'paper', '--users', '200']);
    expect(lines[0]).toMatch(/douyin-churn table with 1 worker/);
  }, 120_000);
});
