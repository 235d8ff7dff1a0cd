/** tfjs backend selection for the example's main thread and workers. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'cpu' | 'wasm';

/** Activates `name`; the wasm backend runs single-threaded in Node, so workers add parallelism. */
export async function setupBackend(name: BackendName): Promise<void> {
  // PROD turns off tfjs's debug checks and its "install tfjs-node" console notice.
  tf.env().set('PROD', true);
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`the tfjs ${name} backend failed to initialise`);
  }
}
