/**
 * Types that tfjs-layers 4.22 uses in public signatures but does not export from its index.
 * Imported as types only, so nothing from `dist/` is loaded at run time.
 */
export type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
export type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
export type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
