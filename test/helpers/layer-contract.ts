/**
 * The shared layer contract: every layer of the library runs these checks on the cpu and wasm
 * backends, plus a cpu-vs-wasm agreement check. Construction and value tests stay in each
 * layer's own test file because they depend on the layer's maths.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { createRng, withSeededRandom } from '../../src/random';
import { describeBackends, useBackend } from './backends';
import { expectClose, expectFinite } from './expect-close';
import { checkGradients, type GradCheckOptions } from './grad-check';

/** One input of the layer, without the batch axis. */
export interface InputSpec {
  shape: number[];
  dtype?: 'float32' | 'int32';
}

export interface LayerContractSpec {
  /** Title used in the test names. */
  name: string;
  /** Creates a fresh, unbuilt layer. Randomness in initialisers may differ between calls. */
  create: () => tfl.layers.Layer;
  /** Inputs without the batch axis, in call order. */
  inputs: InputSpec[];
  /** Seeded eager inputs for a batch of `batch` rows. */
  makeInputs: (batch: number, seed: number) => tf.Tensor[];
  /** Options of the gradient check; `training` also applies to the agreement check. */
  gradients?: GradCheckOptions;
  /** Batch size of the gradient check (default 3; BN layers need at least 2). */
  gradientBatch?: number;
  /** Tolerance of the cpu-vs-wasm agreement (default atol 1e-4, rtol 1e-3). */
  agreement?: { atol?: number; rtol?: number };
}

/**
 * Creates and builds the layer with `Math.random` seeded, so initial weights (and every check
 * that depends on them, such as a finite difference near a ReLU kink) repeat from run to run.
 */
function createSeeded(spec: LayerContractSpec, inputs: tf.Tensor[], seed: number): tfl.layers.Layer {
  return withSeededRandom(createRng(seed), () => {
    const layer = spec.create();
    const probe = layer.apply(asArg(inputs)) as tf.Tensor;
    probe.dispose();
    return layer;
  });
}

function asArg(inputs: tf.Tensor[]): tf.Tensor | tf.Tensor[] {
  return inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs;
}

function symbolicInputs(spec: LayerContractSpec): tfl.SymbolicTensor[] {
  return spec.inputs.map((input) => tfl.input({ shape: input.shape, dtype: input.dtype ?? 'float32' }));
}

function applySymbolic(layer: tfl.layers.Layer, inputs: tfl.SymbolicTensor[]): tfl.SymbolicTensor {
  const arg = inputs.length === 1 ? (inputs[0] as tfl.SymbolicTensor) : inputs;
  return layer.apply(arg) as tfl.SymbolicTensor;
}

async function saveToMemory(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (saved === undefined) {
    throw new Error('save handler was not called');
  }
  return saved;
}

/** Declares the contract suites for one layer. */
export function runLayerContract(spec: LayerContractSpec): void {
  describeBackends(`${spec.name} contract`, () => {
    it.each([1, 7])('eager output shape, batch %i', (batch) => {
      const layer = spec.create();
      const inputs = spec.makeInputs(batch, 3);
      const output = layer.apply(asArg(inputs)) as tf.Tensor;
      const inputShapes = inputs.map((x) => x.shape);
      const computed = layer.computeOutputShape(inputShapes.length === 1 ? inputShapes[0]! : inputShapes);
      expect(computed).toEqual(output.shape);
      expect(output.shape[0]).toBe(batch);
      expectFinite(output, `${spec.name} output`);
      tf.dispose([output, ...inputs]);
    });

    it('symbolic shape matches eager', () => {
      const layer = spec.create();
      const symbolic = applySymbolic(layer, symbolicInputs(spec));
      const inputs = spec.makeInputs(5, 4);
      const output = layer.apply(asArg(inputs)) as tf.Tensor;
      expect(symbolic.shape[0]).toBeNull();
      expect(symbolic.shape.slice(1)).toEqual(output.shape.slice(1));
      const withNullBatch = spec.inputs.map((input) => [null, ...input.shape]);
      const computed = layer.computeOutputShape(
        (withNullBatch.length === 1 ? withNullBatch[0] : withNullBatch) as tfl.Shape | tfl.Shape[],
      );
      expect(computed).toEqual(symbolic.shape);
      tf.dispose([output, ...inputs]);
    });

    it('gradients match finite differences', () => {
      const inputs = spec.makeInputs(spec.gradientBatch ?? 3, 5);
      const layer = createSeeded(spec, inputs, 21);
      checkGradients(layer, inputs, spec.gradients);
      tf.dispose(inputs);
    });

    it('config round trip', () => {
      const layer = spec.create();
      const config = layer.getConfig();
      const ctor = layer.constructor as unknown as {
        fromConfig: (cls: unknown, config: tf.serialization.ConfigDict) => tfl.layers.Layer;
      };
      // fromConfig mutates nested initializer configs in place, so hand it a deep copy.
      const jsonCopy = JSON.parse(JSON.stringify(config)) as tf.serialization.ConfigDict;
      expect(jsonCopy).toEqual(config);
      const copy = ctor.fromConfig(layer.constructor, jsonCopy);
      expect(copy.getConfig()).toEqual(config);
    });

    it('model save and load', async () => {
      const layer = spec.create();
      const symbolic = symbolicInputs(spec);
      const model = tfl.model({ inputs: symbolic, outputs: applySymbolic(layer, symbolic) });
      const inputs = spec.makeInputs(4, 6);
      const before = model.predict(asArg(inputs)) as tf.Tensor;
      const artifacts = await saveToMemory(model);
      const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
      const after = loaded.predict(asArg(inputs)) as tf.Tensor;
      expectClose(after, before, { atol: 1e-6, rtol: 1e-6 });
      expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
      tf.dispose([before, after, ...inputs]);
      model.dispose();
      loaded.dispose();
    });

    it.each([false, true])('no leaked tensors, training %s', (training) => {
      const layer = spec.create();
      const inputs = spec.makeInputs(4, 7);
      const warmUp = layer.apply(asArg(inputs), { training }) as tf.Tensor;
      warmUp.dispose();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        const output = layer.apply(asArg(inputs), { training }) as tf.Tensor;
        expect(tf.memory().numTensors).toBe(before + 1);
        output.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(inputs);
    });
  });

  describe(`${spec.name} cpu vs wasm`, () => {
    it('outputs and gradients agree', async () => {
      const training = spec.gradients?.training ?? false;
      const run = async (backend: 'cpu' | 'wasm', weights: tf.Tensor[] | undefined) => {
        await useBackend(backend);
        const inputs = spec.makeInputs(spec.gradientBatch ?? 3, 8);
        const layer = createSeeded(spec, inputs, 22);
        if (weights !== undefined) {
          layer.setWeights(weights.map((w) => tf.tensor(w.dataSync(), w.shape, w.dtype)));
        }
        const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const output = layer.apply(asArg(inputs), { training }) as tf.Tensor;
        const outputValues = Array.from(output.dataSync());
        const squaredOutput = (): tf.Scalar => tf.sum(tf.square(layer.apply(asArg(inputs), { training }) as tf.Tensor));
        // variableGrads rejects an empty list, so weight-free layers compare outputs only.
        const { value, grads } =
          variables.length > 0
            ? tf.variableGrads(squaredOutput, variables)
            : { value: squaredOutput(), grads: {} as tf.NamedTensorMap };
        const gradValues = variables.map((v) => Array.from((grads[v.name] as tf.Tensor).dataSync()));
        const weightValues = layer.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape, w.dtype));
        tf.dispose([output, value, ...Object.values(grads), ...inputs]);
        return { outputValues, gradValues, weightValues };
      };
      const cpu = await run('cpu', undefined);
      const wasm = await run('wasm', cpu.weightValues);
      const tolerance = { atol: 1e-4, rtol: 1e-3, ...spec.agreement };
      expectClose(wasm.outputValues, cpu.outputValues, tolerance);
      cpu.gradValues.forEach((g, i) => expectClose(wasm.gradValues[i] as number[], g, tolerance));
    });
  });
}
