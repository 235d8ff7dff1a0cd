/**
 * Runs a suite once per tfjs backend (pure-JS cpu and wasm), the way tfjs's own
 * `describeWithFlags` loops do.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe } from 'vitest';

/** Backends every layer is tested on. */
export const BACKENDS = ['cpu', 'wasm'] as const;
export type BackendName = (typeof BACKENDS)[number];

// PROD silences tfjs's "install tfjs-node" banner and other console notices.
tf.env().set('PROD', true);

/** Switches the global tfjs backend and waits until it is ready. */
export async function useBackend(name: BackendName): Promise<void> {
  await tf.setBackend(name);
  await tf.ready();
  if (tf.getBackend() !== name) {
    throw new Error(`backend ${name} failed to initialise; tf.getBackend() is ${tf.getBackend()}`);
  }
}

/** Declares `body` once per backend, as `title [cpu]` and `title [wasm]`. */
export function describeBackends(title: string, body: (backend: BackendName) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, () => {
      beforeAll(async () => {
        await useBackend(backend);
      });
      body(backend);
    });
  }
}
