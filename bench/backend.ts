/** tfjs backend set-up for the benchmark process and its scale children. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from './cli';

/** Activates `name` and waits until it is ready. */
export async function useBackend(name: BackendName): Promise<void> {
  // PROD turns off tfjs's per-kernel NaN checks, which would otherwise be timed too.
  tf.env().set('PROD', true);
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`the tfjs ${name} backend failed to initialise (tf.getBackend() is ${tf.getBackend()})`);
  }
}
