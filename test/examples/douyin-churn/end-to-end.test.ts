/**
 * Runs the douyin-churn example as a user would (`tsx examples/douyin-churn/main.ts`) on the
 * real CSV with a small epoch count, then scores the file with the saved model, and checks
 * the one-line errors for a bad path and a malformed file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REAL_CSV_MISSING, REAL_CSV_PATH } from '../../data/real-data';
import type { RunResults } from '../../../examples/douyin-churn/results';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const MAIN = join(process.cwd(), 'examples', 'douyin-churn', 'main.ts');
const work = mkdtempSync(join(tmpdir(), 'douyin-churn-e2e-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function runExample(args: string[], timeoutMs = 600_000) {
  return spawnSync(TSX, [MAIN, ...args], { encoding: 'utf8', timeout: timeoutMs, cwd: process.cwd() });
}

describe.skipIf(REAL_CSV_MISSING)('douyin-churn on the real CSV', () => {
  const out = join(work, 'report');
  const models = ['lr', 'gcn', 'srml-mca', 'srml-mca-gated'];

  it('runs and writes the report', () => {
    const run = runExample([
      '--data', REAL_CSV_PATH,
      '--models', models.join(','),
      '--epochs', '1',
      '--folds', '2',
      '--preset', 'tiny',
      '--workers', '2',
      '--explain', '3',
      '--quiet',
      '--out', out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    for (const heading of ['paper setting', 'noLeak setting', 'Logistic regression', 'GCN', 'SRML-MCA', 'SRML-MCA + input gate', '±', 'Label caveat']) {
      expect(run.stdout).toContain(heading);
    }
    for (const file of ['report.md', 'results.json', 'roc.svg', 'roc.png', 'metrics.svg', 'metrics.png', 'gain.svg', 'gain.png']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    for (const file of ['model.json', 'weights.bin', 'preprocessor.json']) {
      expect(existsSync(join(out, 'model', file)), `model/${file}`).toBe(true);
    }

    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.data).toMatchObject({ users: 1000, positives: 496, negatives: 504, tiedAtThreshold: 5 });
    expect(results.summary.map((row) => `${row.key}/${row.setting}`).sort()).toEqual(
      models.flatMap((m) => [`${m}/paper`, `${m}/noLeak`]).sort(),
    );
    expect(results.folds.length).toBe(models.length * 2 * 2);
    // Every user is scored exactly once per model and setting across the test folds.
    const lrPaperRows = results.folds.filter((f) => f.key === 'lr' && f.setting === 'paper').flatMap((f) => f.testRows);
    expect(new Set(lrPaperRows).size).toBe(1000);
    // The two label columns make the paper setting easy and the noLeak setting near chance.
    const lrPaper = results.summary.find((row) => row.key === 'lr' && row.setting === 'paper');
    const lrNoLeak = results.summary.find((row) => row.key === 'lr' && row.setting === 'noLeak');
    expect(lrPaper?.auc.mean).toBeGreaterThan(0.97);
    expect(lrNoLeak?.auc.mean).toBeLessThan(0.6);
    expect(results.explanations.length).toBe(3);
    // The saved model is the gated variant, and the report lists its gate per input column.
    expect(results.finalModel?.name).toBe('SRML-MCA + input gate');
    expect(results.finalModel?.inputGates?.map((g) => g.column)).toContain('Purchase_Frequency');
    expect(results.finalModel?.inputGates?.length).toBe(13);

    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('roc.png');
    expect(report).toMatch(/label/i);
    expect(report).toContain('## Learned input gates');
    expect(report).toContain('not in the paper');
  });

  it('scores a file with the saved model', () => {
    const scores = join(work, 'scores.csv');
    const run = runExample(['score', '--model', join(out, 'model'), '--data', REAL_CSV_PATH, '--out', scores, '--batch-size', '300', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = readFileSync(scores, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('User_ID,churn_probability,risk_tier');
    expect(lines.length).toBe(1001);
    for (const line of lines.slice(1, 50)) {
      expect(line).toMatch(/^#?\w+,[01]\.\d{6},(high|medium|low)$/);
    }
  });

  it('score rejects a folder as --out', () => {
    const run = runExample(['score', '--model', join(out, 'model'), '--data', REAL_CSV_PATH, '--out', work, '--quiet']);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n').length).toBe(1);
    expect(run.stderr).toMatch(/--out/);
  });
});

describe('douyin-churn input errors', () => {
  it('bad --data path is one line', () => {
    const run = runExample(['--data', join(work, 'missing.csv'), '--quiet']);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/missing\.csv.*does not exist/);
  });

  it('malformed file names row and column', () => {
    const header =
      ',User_ID,Age,Gender,Location,Income,Interests,Last_Login_Days_Ago,Purchase_Frequency,Average_Order_Value,Total_Spending,Product_Category_Preference,Time_Spent_on_Site_Minutes,Pages_Viewed,Newsletter_Subscription';
    const good = '0,#1,30,Male,Urban,50000,Sports,3,5,100,1000,Books,30,10,TRUE';
    const bad = '1,#2,thirty,Female,Rural,40000,Books,4,6,120,900,Books,20,8,FALSE';
    const path = join(work, 'malformed.csv');
    writeFileSync(path, `${header}\n${good}\n${bad}\n`);
    const run = runExample(['--data', path, '--quiet', '--models', 'lr']);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/line 3/);
    expect(lines[0]).toMatch(/Age/);
    expect(lines[0]).toMatch(/thirty/);
    // The hint names the CLI's option, not the library's.
    expect(lines[0]).toMatch(/rerun with --drop-invalid-rows/);
    expect(lines[0]).not.toMatch(/onInvalidRow/);
  });

  it('missing column hint fits the CLI', () => {
    const path = join(work, 'no-income.csv');
    writeFileSync(path, 'User_ID,Age\n#1,30\n');
    const run = runExample(['--data', path, '--quiet', '--models', 'lr']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/"Income".*Add them to the file\.\n$/);
    expect(run.stderr).not.toMatch(/schema/);
  });

  it.skipIf(REAL_CSV_MISSING)('--drop-invalid-rows skips a bad row and counts it', () => {
    const lines = readFileSync(REAL_CSV_PATH, 'utf8').trimEnd().split(/\r?\n/);
    const cells = (lines[1] as string).split(',');
    cells[2] = 'thirty';
    const path = join(work, 'one-bad-row.csv');
    writeFileSync(path, [...lines, cells.join(',')].join('\n') + '\n');
    const out = join(work, 'dropped');
    const args = ['--data', path, '--models', 'lr', '--folds', '2', '--settings', 'paper', '--no-save-model', '--quiet', '--out', out];
    expect(runExample(args).status).toBe(1);
    const run = runExample([...args, '--drop-invalid-rows']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.data).toMatchObject({ users: 1000, droppedRows: 1 });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('1 invalid CSV row was skipped');
  });

  it('score never overwrites its input', () => {
    const path = join(work, 'users.csv');
    writeFileSync(path, 'User_ID\n#1\n');
    const run = runExample(['score', '--model', work, '--data', path, '--out', path]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/--out must differ from --data/);
    expect(readFileSync(path, 'utf8')).toBe('User_ID\n#1\n');
  });

  it('existing file as --out fails early', () => {
    const path = join(work, 'not-a-folder.txt');
    writeFileSync(path, 'x');
    const run = runExample(['--out', path, '--models', 'lr', '--quiet']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/is not a folder/);
  });

  it('unknown option is one line', () => {
    const run = runExample(['--bogus']);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n').length).toBe(1);
    expect(run.stderr).toMatch(/bogus/);
  });
});
