/**
 * PyTorch's default initialisation for Linear and Conv layers, U(-b, b) with b = 1/sqrt(fanIn),
 * expressed as a tfjs RandomUniform initializer so that it serializes like any other.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Initializer } from './tfl-types';

/** U(-1/sqrt(fanIn), 1/sqrt(fanIn)); `fanIn` counts input channels times kernel taps. */
export function torchUniform(fanIn: number): Initializer {
  const bound = 1 / Math.sqrt(Math.max(1, fanIn));
  return tfl.initializers.randomUniform({ minval: -bound, maxval: bound });
}
