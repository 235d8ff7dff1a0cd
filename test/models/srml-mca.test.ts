import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, InvalidArgumentError, SerializationError, ShapeMismatchError } from '../../src/errors';
import { SRMLMCA } from '../../src/models/srml-mca';
import { DOUYIN_SCHEMA, featureColumnsFor, fitPreprocessor, generateUsers, labelChurnRisk, setWarningsEnabled } from '../../src/index';
import { useBackend } from '../helpers/backends';
import { rankAuc, TOY_CARDINALITIES, TOY_CATEGORICAL, TOY_NUMERIC, toyTable } from '../helpers/toy-table';

// The paper setting warns that its features include the label's source columns; expected here.
setWarningsEnabled(false);
const base = { numNumeric: 8, cardinalities: TOY_CARDINALITIES, preset: 'tiny' as const };
const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'srml-mca-test-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('SRMLMCA construction', () => {
  it('defaults match the documentation', () => {
    const model = new SRMLMCA({ numNumeric: 8, cardinalities: TOY_CARDINALITIES });
    expect(model.config).toMatchObject({
      preset: 'default',
      height: 4,
      width: 4,
      channels: 32,
      hiddenChannels: 16,
      useMca: true,
      useStructure: true,
      useRelation: true,
      encoderDropout: 0.1,
      fusedDropout: 0.2,
      attentionTemperature: 1,
      headTemperature: 0.2,
      mutualTemperature: 1,
      lossWeights: { fused: 1, structure: 1, relation: 0.5, mutual: 0.1 },
      seed: 42,
    });
    expect(model.name).toBe('SRML-MCA');
    // Parameter count of the default preset with this encoder input (8 numeric, 5 categorical).
    expect(model.countParams()).toBe(52057);
    model.dispose();
  });

  it.each([
    [{ numNumeric: 0 }, /numNumeric/],
    [{ cardinalities: 'x' }, /cardinalities/],
    [{ cardinalities: [2, 0] }, /cardinalities\[1\]/],
    [{ preset: 'huge' }, /preset/],
    [{ useMca: 'no' }, /useMca/],
    [{ useStructure: false, useRelation: false }, /at least one branch/],
    [{ fusedDropout: 1 }, /fusedDropout/],
    [{ headTemperature: 0 }, /headTemperature/],
    [{ lossWeights: { mutual: -1 } }, /lossWeights\.mutual/],
    [{ seed: 1.5 }, /seed/],
    [{ numericColumns: ['a'] }, /numericColumns/],
    [{ inputGateL1: -0.1 }, /inputGateL1/],
  ])('rejects %j', (override, pattern) => {
    const make = () => new SRMLMCA({ ...base, ...(override as object) } as never);
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(pattern);
  });

  it('ablation switches change the graph', () => {
    const srml = new SRMLMCA({ ...base, useMca: false });
    expect(srml.name).toBe('SRML');
    expect(srml.network.layers.some((l) => l.getClassName() === 'MCA')).toBe(false);
    const structureOnly = new SRMLMCA({ ...base, useRelation: false });
    expect(structureOnly.network.outputs.length).toBe(2);
    expect(structureOnly.network.layers.some((l) => l.getClassName() === 'Correlation4DCCA')).toBe(false);
    srml.dispose();
    structureOnly.dispose();
  });
});

describe('SRMLMCA training', () => {
  it('learns the churn label of synthetic users', async () => {
    // Built-in synthetic users of the Douyin schema, labelled by the two-column churn rule.
    await useBackend('wasm');
    const users = generateUsers(900, 1);
    const labels = labelChurnRisk(users);
    const columns = featureColumnsFor('paper', DOUYIN_SCHEMA, labels);
    const trainRows = Int32Array.from({ length: 600 }, (_, i) => i);
    const testRows = Int32Array.from({ length: 300 }, (_, i) => 600 + i);
    const preprocessor = fitPreprocessor(users, trainRows, columns);
    const train = preprocessor.transform(users, trainRows, labels.labels);
    const test = preprocessor.transform(users, testRows, labels.labels);

    const model = new SRMLMCA({ numNumeric: train.numericColumns.length, cardinalities: train.cardinalities, preset: 'tiny', seed: 3 });
    await model.fit(train, { epochs: 25, learningRate: 3e-3, patience: 8 });
    const scores = await model.predictProba(test);
    const auc = rankAuc(test.labels, scores);
    expect(auc).toBeGreaterThanOrEqual(0.99);
    model.dispose();
    await useBackend('cpu');
  });

  it('seeded runs are bit-identical on cpu', async () => {
    await useBackend('cpu');
    const train = toyTable(80, 4);
    const run = async () => {
      const model = new SRMLMCA({ ...base, seed: 9 });
      await model.fit(train, { epochs: 2, batchSize: 16 });
      const losses = model.history?.epochs.map((e) => e.loss);
      const scores = Array.from(await model.predictProba(train));
      model.dispose();
      return { losses, scores };
    };
    const first = await run();
    const second = await run();
    expect(second.losses).toEqual(first.losses);
    expect(second.scores).toEqual(first.scores);
  });

  it('100 steps leak no tensors', async () => {
    await useBackend('wasm');
    const train = toyTable(200, 5);
    const model = new SRMLMCA({ ...base });
    const before = tf.memory().numTensors;
    let steps = 0;
    await model.fit(train, {
      epochs: 10,
      batchSize: 20,
      validationFraction: 0,
      onEpochEnd: () => {
        steps += 10;
      },
    });
    expect(steps).toBe(100);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    await useBackend('cpu');
  });

  it('rejects a table with other columns', async () => {
    const model = new SRMLMCA({ ...base, numericColumns: TOY_NUMERIC, categoricalColumns: TOY_CATEGORICAL });
    const table = toyTable(10, 6);
    const renamed = { ...table, numericColumns: [...table.numericColumns].reverse() };
    await expect(model.predictProba(renamed)).rejects.toThrow(ShapeMismatchError);
    const narrow = { ...table, numericColumns: table.numericColumns.slice(1), numeric: table.numeric.slice(10) };
    await expect(model.predictProba(narrow)).rejects.toThrow(/numeric columns/);
    model.dispose();
  });

  it('rejects other category counts and short arrays', async () => {
    const model = new SRMLMCA(base);
    const table = toyTable(10, 12);
    await expect(model.predictProba({ ...table, cardinalities: [3, 3, 5, 5, 2] })).rejects.toThrow(/category counts/);
    await expect(model.predictProba({ ...table, numeric: table.numeric.slice(1) })).rejects.toThrow(/`numeric` has 79 values/);
    await expect(model.predictProba({ ...table, categorical: table.categorical.slice(5) })).rejects.toThrow(ShapeMismatchError);
    model.dispose();
  });

  it('rejects NaN features and bad labels', async () => {
    const model = new SRMLMCA(base);
    const table = toyTable(10, 7);
    const numeric = table.numeric.slice();
    numeric[17] = Number.NaN;
    await expect(model.fit({ ...table, numeric })).rejects.toThrow(DataError);
    await expect(model.fit({ ...table, numeric })).rejects.toThrow(/Income.*row 2/);
    const labels = table.labels.slice();
    labels[3] = 2;
    await expect(model.fit({ ...table, labels })).rejects.toThrow(/row 3/);
    model.dispose();
  });

  it('rejected fit options leak nothing', async () => {
    const model = new SRMLMCA(base);
    const table = toyTable(20, 8);
    const before = tf.memory().numTensors;
    for (const options of [{ gateLearningRate: 0 }, { wideLearningRate: -1 }, { learningRate: Number.NaN }, { sampleWeight: [1] }]) {
      await expect(model.fit(table, { epochs: 1, ...options })).rejects.toThrow(InvalidArgumentError);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('class and sample weights are validated', async () => {
    const model = new SRMLMCA(base);
    const table = toyTable(20, 8);
    await expect(model.fit(table, { epochs: 1, sampleWeight: [1, 2] })).rejects.toThrow(/sampleWeight/);
    await expect(model.fit(table, { epochs: 1, classWeight: [1] as never })).rejects.toThrow(/classWeight/);
    await model.fit(table, { epochs: 1, classWeight: 'balanced', sampleWeight: new Float32Array(20).fill(0.5) });
    expect(model.history?.epochs.length).toBe(1);
    model.dispose();
  });
});

describe('SRMLMCA input gate', () => {
  it('is off by default', () => {
    const model = new SRMLMCA(base);
    expect(model.config.inputGateL1).toBe(0);
    expect(model.inputGates()).toBeUndefined();
    expect(model.network.getLayer('tabular_encoder').weights.some((w) => w.originalName.includes('gate'))).toBe(false);
    model.dispose();
  });

  it('L1 shrinks the gates of noise columns below those of the label columns', async () => {
    await useBackend('wasm');
    const model = new SRMLMCA({ ...base, numericColumns: TOY_NUMERIC, categoricalColumns: TOY_CATEGORICAL, inputGateL1: 0.02, seed: 5 });
    expect(model.name).toBe('SRML-MCA + input gate');
    const gatesBefore = model.inputGates();
    expect(gatesBefore?.map((g) => g.gate)).toEqual(new Array(13).fill(1));
    await model.fit(toyTable(256, 14), { epochs: 6, batchSize: 32, validationFraction: 0 });
    const gates = model.inputGates() ?? [];
    expect(gates.map((g) => g.column)).toEqual([...TOY_NUMERIC, ...TOY_CATEGORICAL]);
    const magnitude = (column: string): number => Math.abs(gates.find((g) => g.column === column)?.gate ?? Number.NaN);
    const signal = Math.min(magnitude('Last_Login_Days_Ago'), magnitude('Purchase_Frequency'));
    const noise = gates.filter((g) => !['Last_Login_Days_Ago', 'Purchase_Frequency'].includes(g.column));
    const largestNoise = Math.max(...noise.map((g) => Math.abs(g.gate)));
    // Measured: label columns 1.04 and 1.20, noise columns 0.59 to 0.92 (all start at 1).
    expect(signal).toBeGreaterThan(largestNoise);
    expect(largestNoise).toBeLessThan(1);
    // The penalty term is logged: λ_g·Σ|g| is positive and below λ_g·13 once the gates shrank.
    const last = model.history?.epochs.at(-1);
    expect(last?.terms.gate).toBeGreaterThan(0);
    expect(last?.terms.gate).toBeLessThan(0.02 * 13);
    model.dispose();
    await useBackend('cpu');
  });
});

describe('SRMLMCA explain', () => {
  it('occlusion in log-odds and attention', async () => {
    const model = new SRMLMCA(base);
    const table = toyTable(4, 13);
    const explanation = await model.explain(table);
    expect(explanation.features).toEqual([...TOY_NUMERIC, ...TOY_CATEGORICAL]);
    expect(explanation.attribution.length).toBe(4 * 13);
    expect(explanation.attention?.length).toBe(4 * 16);

    // Probabilities agree with predictProba.
    const probabilities = await model.predictProba(table);
    Array.from(probabilities).forEach((p, r) => expect(explanation.probability[r]).toBeCloseTo(p, 5));

    // Attribution of feature 2 for row 1 = log-odds(row) − log-odds(row with feature 2 set to 0).
    const logOdds = await model.predictLogOdds(table);
    const occluded = table.numeric.slice();
    occluded[1 * 8 + 2] = 0;
    const occludedLogOdds = await model.predictLogOdds({ ...table, numeric: occluded });
    expect(explanation.attribution[1 * 13 + 2]).toBeCloseTo((logOdds[1] as number) - (occludedLogOdds[1] as number), 4);

    // Each attention map sums to H·W = 16.
    for (let r = 0; r < 4; r++) {
      const sum = Array.from(explanation.attention!.slice(r * 16, (r + 1) * 16)).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(16, 3);
    }
    model.dispose();
  });
});

describe('SRMLMCA save and load', () => {
  it('keeps the input gates', async () => {
    const table = toyTable(30, 15);
    const model = new SRMLMCA({ ...base, inputGateL1: 0.05 });
    await model.fit(table, { epochs: 1, validationFraction: 0 });
    const gates = model.inputGates();
    expect(gates?.some((g) => g.gate !== 1)).toBe(true);
    const dir = tempDir();
    await model.save(dir);
    const loaded = await SRMLMCA.load(dir);
    expect(loaded.config.inputGateL1).toBe(0.05);
    expect(loaded.inputGates()).toEqual(gates);
    expect(Array.from(await loaded.predictProba(table))).toEqual(Array.from(await model.predictProba(table)));
    model.dispose();
    loaded.dispose();
  });

  it('directory round trip predicts identically', async () => {
    const table = toyTable(30, 10);
    const model = new SRMLMCA({ ...base, numericColumns: TOY_NUMERIC, categoricalColumns: TOY_CATEGORICAL });
    await model.fit(table, { epochs: 1 });
    const dir = tempDir();
    await model.save(dir);
    const loaded = await SRMLMCA.load(dir);
    expect(loaded.config).toEqual(model.config);
    expect(Array.from(await loaded.predictProba(table))).toEqual(Array.from(await model.predictProba(table)));

    // Training resumes from the loaded weights.
    const before = Array.from(await loaded.predictProba(table));
    await loaded.fit(table, { epochs: 1 });
    expect(Array.from(await loaded.predictProba(table))).not.toEqual(before);
    model.dispose();
    loaded.dispose();
  });

  it('fresh process loads and predicts', async () => {
    const table = toyTable(12, 11);
    const model = new SRMLMCA(base);
    const dir = tempDir();
    await model.save(dir);
    const expected = Array.from(await model.predictProba(table));
    // The script lives inside the repository so that Node resolves the tfjs packages from node_modules.
    const scriptDir = mkdtempSync(join(process.cwd(), 'node_modules', '.srml-mca-test-'));
    tempDirs.push(scriptDir);
    const script = join(scriptDir, 'load.mts');
    const source = `
      import '@tensorflow/tfjs-backend-cpu';
      import * as tf from '@tensorflow/tfjs-core';
      import { SRMLMCA } from ${JSON.stringify(join(process.cwd(), 'src/models/srml-mca.ts'))};
      import { toyTable } from ${JSON.stringify(join(process.cwd(), 'test/helpers/toy-table.ts'))};
      tf.env().set('PROD', true);
      await tf.setBackend('cpu');
      const model = await SRMLMCA.load(${JSON.stringify(dir)});
      const scores = await model.predictProba(toyTable(12, 11));
      process.stdout.write(JSON.stringify(Array.from(scores)));
    `;
    (await import('node:fs')).writeFileSync(script, source);
    const output = execFileSync(join(process.cwd(), 'node_modules/.bin/tsx'), [script], { encoding: 'utf8', cwd: process.cwd() });
    expect(JSON.parse(output)).toEqual(expected);
    model.dispose();
  });

  it('missing directory names the path', async () => {
    await expect(SRMLMCA.load('/nonexistent/srml-model')).rejects.toThrow(SerializationError);
    await expect(SRMLMCA.load('/nonexistent/srml-model')).rejects.toThrow(/nonexistent\/srml-model/);
  });

  it('unregistered class names the import', async () => {
    const model = new SRMLMCA(base);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const topology = JSON.stringify((saved as tf.io.ModelArtifacts).modelTopology).replace(/"MCA"/g, '"UnregisteredMCA"');
    const broken = { ...(saved as tf.io.ModelArtifacts), modelTopology: JSON.parse(topology) };
    const load = () => SRMLMCA.load(tf.io.fromMemory(broken));
    await expect(load()).rejects.toThrow(SerializationError);
    await expect(load()).rejects.toThrow(/UnregisteredMCA.*import 'srml-mca'/);
    model.dispose();
  });
});
