/** Runs the shared contract on tfjs's own Dense layer, so the harness itself is checked. */
import * as tfl from '@tensorflow/tfjs-layers';
import { seededUniform } from './random-tensors';
import { runLayerContract } from './layer-contract';

runLayerContract({
  name: 'tfjs Dense (harness self-check)',
  create: () => tfl.layers.dense({ units: 3, activation: 'tanh' }),
  inputs: [{ shape: [4] }],
  makeInputs: (batch, seed) => [seededUniform([batch, 4], seed)],
});
