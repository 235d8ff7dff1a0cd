/**
 * Backend selection of the douyin-churn example, including `--backend tensorflow` with a
 * stand-in for `@tensorflow/tfjs-node`: the cpu backend's kernels registered under the name
 * "tensorflow", which is what importing tfjs-node does with its native kernels.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendSetupError, setupBackend, TFJS_NODE_PACKAGE } from '../../../examples/douyin-churn/backend';
import { SRMLMCA } from '../../../src/index';
import { toyTable } from '../../helpers/toy-table';

function isInstalled(specifier: string): boolean {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/** Registers a "tensorflow" backend made of the cpu backend's kernels, as a loaded tfjs-node would. */
async function registerStandIn(specifier: string): Promise<void> {
  expect(specifier).toBe(TFJS_NODE_PACKAGE);
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...kernel, backendName: 'tensorflow' });
  }
  tf.registerBackend('tensorflow', () => new MathBackendCPU());
}

afterEach(async () => {
  await setupBackend('cpu');
  if (tf.findBackendFactory('tensorflow') !== null) {
    tf.removeBackend('tensorflow');
    for (const kernel of tf.getKernelsForBackend('tensorflow')) {
      tf.unregisterKernel(kernel.kernelName, 'tensorflow');
    }
  }
});

describe('douyin-churn setupBackend', () => {
  it.each(['cpu', 'wasm'] as const)('activates %s', async (name) => {
    await setupBackend(name);
    expect(tf.getBackend()).toBe(name);
  });

  it('loads tfjs-node for tensorflow', async () => {
    await setupBackend('tensorflow', registerStandIn);
    expect(tf.getBackend()).toBe('tensorflow');

    // The library's wasm-only paths fall back to plain tfjs ops on any other backend.
    const table = toyTable(24, 1);
    const model = new SRMLMCA({ numNumeric: table.numericColumns.length, cardinalities: table.cardinalities, preset: 'tiny', seed: 1 });
    await model.fit(table, { epochs: 1, seed: 1 });
    const probabilities = await model.predictProba(table);
    expect(probabilities).toHaveLength(table.numRows);
    expect(probabilities.every((p) => p >= 0 && p <= 1)).toBe(true);
    model.dispose();
  });

  it('explains a missing tfjs-node', async () => {
    const missing = async (): Promise<never> => {
      throw Object.assign(new Error(`Cannot find package '${TFJS_NODE_PACKAGE}' imported from /app/backend.ts`), { code: 'ERR_MODULE_NOT_FOUND' });
    };
    await expect(setupBackend('tensorflow', missing)).rejects.toThrow(BackendSetupError);
    await expect(setupBackend('tensorflow', missing)).rejects.toThrow(`--backend tensorflow needs ${TFJS_NODE_PACKAGE}, which is not installed (Cannot find package`);
    await expect(setupBackend('tensorflow', missing)).rejects.toThrow(`npm install --no-save ${TFJS_NODE_PACKAGE}@${tf.version_core}`);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('explains a broken install in one line', async () => {
    const broken = async (): Promise<never> => {
      throw new Error("Cannot find module 'tfjs_binding.node'\nRequire stack:\n- /app/node_modules/@tensorflow/tfjs-node/index.js");
    };
    const error = await setupBackend('tensorflow', broken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BackendSetupError);
    expect((error as Error).message).toBe(
      `${TFJS_NODE_PACKAGE} is installed but failed to load: Cannot find module 'tfjs_binding.node'. Reinstall it with \`npm install --no-save ${TFJS_NODE_PACKAGE}@${tf.version_core}\`, or use --backend wasm.`,
    );
  });

  it('reads the version from a default export', async () => {
    const commonJs = async (specifier: string): Promise<object> => {
      if (tf.findBackendFactory('tensorflow') === null) await registerStandIn(specifier);
      return { default: { version_core: '4.0.0' } };
    };
    await expect(setupBackend('tensorflow', commonJs)).rejects.toThrow(`was built for @tensorflow/tfjs-core 4.0.0`);
  });

  it('explains a missing registration', async () => {
    const registersNothing = async (): Promise<object> => ({ version_core: tf.version_core });
    await expect(setupBackend('tensorflow', registersNothing)).rejects.toThrow(BackendSetupError);
    await expect(setupBackend('tensorflow', registersNothing)).rejects.toThrow(`${TFJS_NODE_PACKAGE} loaded but registered no "tensorflow" backend`);
    await expect(setupBackend('tensorflow', registersNothing)).rejects.toThrow(/npm ls @tensorflow\/tfjs-core/);
  });

  it('explains a tfjs-core version mismatch', async () => {
    const otherVersion = async (specifier: string): Promise<object> => {
      if (tf.findBackendFactory('tensorflow') === null) await registerStandIn(specifier);
      return { version_core: '4.0.0' };
    };
    await expect(setupBackend('tensorflow', otherVersion)).rejects.toThrow(BackendSetupError);
    await expect(setupBackend('tensorflow', otherVersion)).rejects.toThrow(
      `${TFJS_NODE_PACKAGE} was built for @tensorflow/tfjs-core 4.0.0, but this install has ${tf.version_core}.`,
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it.skipIf(isInstalled(TFJS_NODE_PACKAGE))('imports tfjs-node by name', async () => {
    await expect(setupBackend('tensorflow')).rejects.toThrow(`--backend tensorflow needs ${TFJS_NODE_PACKAGE}, which is not installed`);
  });
});
