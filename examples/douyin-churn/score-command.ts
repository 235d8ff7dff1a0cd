/**
 * The `score` command: reads a user CSV as a stream, encodes each batch with the saved training
 * preprocessing, and writes User_ID, churn probability and risk tier, so files larger than
 * memory can be scored.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'csv-parse';
import {
  DOUYIN_SCHEMA,
  idColumn,
  Preprocessor,
  SRMLMCA,
  UserTableBuilder,
  type PreprocessorState,
  type TableSchema,
} from '../../src/index';
import { setupBackend } from './backend';
import { UsageError, type ScoreCommand } from './cli-options';

/** Returns the risk tier of a churn probability. */
export function riskTier(probability: number, high: number, medium: number): 'high' | 'medium' | 'low' {
  if (probability >= high) return 'high';
  return probability >= medium ? 'medium' : 'low';
}

async function readPreprocessor(dir: string): Promise<Preprocessor> {
  const path = join(dir, 'preprocessor.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`--model: ${JSON.stringify(path)} is missing; pass the model folder written by a run (report/model).`);
  }
  let state: PreprocessorState;
  try {
    state = JSON.parse(text) as PreprocessorState;
  } catch (error) {
    throw new UsageError(
      `--model: ${JSON.stringify(path)} is not valid JSON (${(error as Error).message}); re-run training to write it again.`,
    );
  }
  return Preprocessor.fromJSON(state);
}

/** Scores `options.data` into `options.out`; returns the number of users scored. */
export async function scoreCommand(options: ScoreCommand): Promise<number> {
  if (resolve(options.out) === resolve(options.data)) {
    throw new UsageError(`--out must differ from --data (both are ${JSON.stringify(options.data)}); scoring would overwrite its input.`);
  }
  await setupBackend(options.backend);
  const preprocessor = await readPreprocessor(options.model);
  const model = await SRMLMCA.load(options.model);

  // Only the id and the model's feature columns are read; other columns are skipped.
  const needed = new Set(['User_ID', ...preprocessor.numericColumns, ...preprocessor.categoricalColumns]);
  const schema: TableSchema = { columns: DOUYIN_SCHEMA.columns.filter((column) => needed.has(column.name)) };
  const builderOptions = {
    schema,
    onInvalidRow: 'error' as const,
    unknownColumns: 'ignore' as const,
    source: options.data,
    owner: 'score',
  };

  // Scores go to a temporary file that replaces --out only when every row succeeded.
  const temporary = join(dirname(resolve(options.out)), `.${Date.now()}-${process.pid}.scores.tmp`);
  const output = createWriteStream(temporary);
  let writeError: Error | undefined;
  output.on('error', (error) => {
    writeError = error;
  });
  await Promise.race([once(output, 'open'), once(output, 'error')]).catch(() => undefined);
  if (writeError !== undefined) {
    throw new UsageError(`--out: cannot write next to ${JSON.stringify(options.out)} (${writeError.message}). Pass a file path in a writable folder.`);
  }
  const write = async (text: string) => {
    if (writeError !== undefined) throw new UsageError(`--out: writing failed (${writeError.message}).`);
    if (!output.write(text)) await once(output, 'drain');
  };
  await write('User_ID,churn_probability,risk_tier\n');

  let header: { fields: string[]; line: number } | undefined;
  let builder: UserTableBuilder | undefined;
  let pendingRows = 0;
  let scored = 0;
  const flush = async () => {
    if (builder === undefined || pendingRows === 0) return;
    const table = builder.finish();
    const rows = Int32Array.from({ length: table.numRows }, (_, i) => i);
    const features = preprocessor.transform(table, rows);
    const probabilities = await model.predictProba(features);
    const ids = idColumn(table, 'User_ID');
    const lines = ids.map((id, i) => {
      const p = probabilities[i] as number;
      return `${csvField(id)},${p.toFixed(6)},${riskTier(p, options.highRisk, options.mediumRisk)}`;
    });
    await write(`${lines.join('\n')}\n`);
    scored += table.numRows;
    builder = new UserTableBuilder(builderOptions);
    builder.setHeader((header as { fields: string[] }).fields, (header as { line: number }).line);
    pendingRows = 0;
  };

  const parser = createReadStream(options.data).pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }));
  let succeeded = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (header === undefined) {
        header = { fields: record, line: info.lines };
        builder = new UserTableBuilder(builderOptions);
        builder.setHeader(record, info.lines);
        continue;
      }
      (builder as UserTableBuilder).addRow(record, info.lines);
      pendingRows++;
      if (pendingRows >= options.batchSize) await flush();
    }
    if (header === undefined) {
      throw new UsageError(`--data: ${JSON.stringify(options.data)} is empty; it needs a header line and at least one user.`);
    }
    await flush();
    succeeded = true;
  } finally {
    output.end();
    await once(output, 'close').catch(() => undefined);
    model.dispose();
    if (!succeeded) await rm(temporary, { force: true });
  }
  if (writeError !== undefined) {
    await rm(temporary, { force: true });
    throw new UsageError(`--out: writing failed (${(writeError as Error).message}).`);
  }
  try {
    await rename(temporary, options.out);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new UsageError(`--out: cannot write ${JSON.stringify(options.out)} (${(error as Error).message}). Pass a file path, not a folder.`);
  }
  return scored;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
