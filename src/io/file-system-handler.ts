/**
 * A tfjs IOHandler that saves and loads a model as `model.json` + `weights.bin` in a directory,
 * in plain Node (the `file://` scheme of tfjs needs `@tensorflow/tfjs-node`, which this library
 * does not require). The files use the same layout as tfjs's own `file://` handler, so
 * `@tensorflow/tfjs-node` users can load them with `file://DIR/model.json`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SerializationError } from '../errors';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

function joinWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) {
    return new Uint8Array(0);
  }
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return joined;
}

/** Returns an IOHandler bound to `directory`; `save` creates the directory when missing. */
export function fileSystemHandler(directory: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new SerializationError(
          `fileSystemHandler: binary model topologies are not supported; save a LayersModel (JSON topology) to ${JSON.stringify(directory)}.`,
        );
      }
      const weights = joinWeightData(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        trainingConfig: artifacts.trainingConfig,
        userDefinedMetadata: artifacts.userDefinedMetadata,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await mkdir(directory, { recursive: true });
      await writeFile(join(directory, WEIGHTS_FILE), weights);
      await writeFile(join(directory, MODEL_FILE), JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const modelPath = join(directory, MODEL_FILE);
      let text: string;
      try {
        text = await readFile(modelPath, 'utf8');
      } catch (error) {
        throw new SerializationError(
          `fileSystemHandler: cannot read ${JSON.stringify(modelPath)} (${(error as Error).message}). Pass the directory that a model was saved to.`,
        );
      }
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(text) as tf.io.ModelJSON;
      } catch (error) {
        throw new SerializationError(`fileSystemHandler: ${JSON.stringify(modelPath)} is not valid JSON (${(error as Error).message}).`);
      }
      if (modelJson.modelTopology == null || !Array.isArray(modelJson.weightsManifest)) {
        throw new SerializationError(
          `fileSystemHandler: ${JSON.stringify(modelPath)} lacks \`modelTopology\` or \`weightsManifest\`; it is not a tfjs LayersModel file.`,
        );
      }
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of modelJson.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const path of group.paths) {
          const weightsPath = join(directory, path);
          try {
            buffers.push(new Uint8Array(await readFile(weightsPath)));
          } catch (error) {
            throw new SerializationError(
              `fileSystemHandler: cannot read weights file ${JSON.stringify(weightsPath)} (${(error as Error).message}); copy it next to model.json.`,
            );
          }
        }
      }
      const joined = joinWeightData(buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer));
      return {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        trainingConfig: modelJson.trainingConfig,
        userDefinedMetadata: modelJson.userDefinedMetadata,
        weightSpecs,
        weightData: joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer,
      };
    },
  };
}
