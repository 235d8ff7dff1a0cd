import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../../examples/douyin-churn/cli-options';

describe('douyin-churn options', () => {
  it.each([
    [['score', '--model', '.', '--data', 'package.json', '--drop-invalid-rows'], /--drop-invalid-rows belongs to the run command/],
    [['score', '--model', '.', '--data', 'package.json', '--folds', '1'], /--folds belongs to the run command/],
    [['--high', '0.9'], /--high belongs to the score command/],
    [['--model', 'report/model'], /--model belongs to the score command/],
  ])('rejects %j', (argv, pattern) => {
    expect(() => parseCommand(argv, 2)).toThrow(UsageError);
    expect(() => parseCommand(argv, 2)).toThrow(pattern);
  });

  it('shared options fit both commands', () => {
    expect(parseCommand(['--backend', 'cpu', '--quiet', '--drop-invalid-rows'], 2)).toMatchObject({
      command: 'run',
      backend: 'cpu',
      quiet: true,
      dropInvalidRows: true,
    });
    expect(parseCommand(['score', '--model', '.', '--data', 'package.json', '--backend', 'cpu', '--quiet'], 2)).toMatchObject({
      command: 'score',
      out: 'scores.csv',
    });
  });

  it('backend accepts tensorflow', () => {
    expect(parseCommand(['--backend', 'tensorflow'], 2)).toMatchObject({ backend: 'tensorflow' });
    expect(parseCommand(['score', '--model', '.', '--data', 'package.json', '--backend', 'tensorflow'], 2)).toMatchObject({
      backend: 'tensorflow',
    });
    expect(parseCommand([], 2)).toMatchObject({ backend: 'wasm' });
  });

  it('tensorflow runs in the main thread', () => {
    expect(parseCommand(['--backend', 'tensorflow'], 8)).toMatchObject({ workers: 1 });
    expect(parseCommand(['--backend', 'tensorflow', '--workers', '1'], 8)).toMatchObject({ workers: 1 });
    expect(() => parseCommand(['--backend', 'tensorflow', '--workers', '2'], 8)).toThrow(UsageError);
    expect(() => parseCommand(['--backend', 'tensorflow', '--workers', '2'], 8)).toThrow(
      '--backend tensorflow runs every job in the main thread, because tfjs-node fails to load in more than one worker thread; received --workers 2.',
    );
    expect(parseCommand(['--backend', 'wasm'], 8)).toMatchObject({ workers: 8 });
  });

  it('rejects unknown backend', () => {
    expect(() => parseCommand(['--backend', 'node'], 2)).toThrow(UsageError);
    expect(() => parseCommand(['--backend', 'node'], 2)).toThrow('--backend must be cpu, wasm or tensorflow; received "node".');
  });
});
