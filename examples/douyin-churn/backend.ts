/** tfjs backend selection for the example's main thread and workers. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

/** `tensorflow` is the native backend that `@tensorflow/tfjs-node` registers. */
export type BackendName = 'cpu' | 'wasm' | 'tensorflow';

/** Package that registers the `tensorflow` backend when it is imported. */
export const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';

/** A backend that cannot be set up on this install, with the fix in the message. */
export class BackendSetupError extends Error {
  override name = 'BackendSetupError';
}

/** Imports a package by name; tests pass a stand-in. */
export type ModuleLoader = (specifier: string) => Promise<unknown>;

const importModule: ModuleLoader = (specifier) => import(specifier);

/**
 * Activates `name` and waits until it is ready. The `tensorflow` backend is imported only here,
 * so the example runs without `@tensorflow/tfjs-node`, which is not a dependency of this package
 * because its install downloads a native TensorFlow build.
 *
 * NOTE: the `tensorflow` path has only run against a stand-in module in the tests, because
 * `@tensorflow/tfjs-node` cannot be installed on the machine where this example was developed.
 *
 * @throws BackendSetupError if `@tensorflow/tfjs-node` is missing or registers its backend with
 *   another copy of `@tensorflow/tfjs-core`.
 * @throws Error if the backend fails to initialise.
 */
export async function setupBackend(name: BackendName, loadModule: ModuleLoader = importModule): Promise<void> {
  // PROD turns off tfjs's debug checks and its "install tfjs-node" console notice.
  tf.env().set('PROD', true);
  if (name === 'tensorflow') {
    await loadTfjsNode(loadModule);
  }
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`the tfjs ${name} backend failed to initialise`);
  }
}

async function loadTfjsNode(loadModule: ModuleLoader): Promise<void> {
  // --no-save: installing into this repository should not change its package.json.
  const install = `npm install --no-save ${TFJS_NODE_PACKAGE}@${tf.version_core}`;
  let loaded: unknown;
  try {
    loaded = await loadModule(TFJS_NODE_PACKAGE);
  } catch (error) {
    // Node's messages can span several lines (a require stack); the first names the cause.
    const message = error instanceof Error ? error.message : String(error);
    const reason = message.split('\n')[0] ?? message;
    const missing = (error as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND' && reason.includes(`'${TFJS_NODE_PACKAGE}'`);
    throw new BackendSetupError(
      missing
        ? `--backend tensorflow needs ${TFJS_NODE_PACKAGE}, which is not installed (${reason}). ` +
            `Install it with \`${install}\` (its install downloads a native TensorFlow build), or use --backend wasm.`
        : `${TFJS_NODE_PACKAGE} is installed but failed to load: ${reason}. Reinstall it with \`${install}\`, or use --backend wasm.`,
    );
  }

  // tfjs-node re-exports the tfjs-core it was built against; another version may miss kernels
  // or behave differently, so stop before anything runs. The name sits on `default` when Node
  // cannot see the CommonJS package's named exports.
  const namespace = loaded as { version_core?: unknown; default?: { version_core?: unknown } } | null;
  const loadedCore = namespace?.version_core ?? namespace?.default?.version_core;
  if (typeof loadedCore === 'string' && loadedCore !== tf.version_core) {
    throw new BackendSetupError(
      `${TFJS_NODE_PACKAGE} was built for @tensorflow/tfjs-core ${loadedCore}, but this install has ${tf.version_core}. Install the matching version with \`${install}\`.`,
    );
  }
  if (tf.findBackendFactory('tensorflow') === null) {
    throw new BackendSetupError(
      `${TFJS_NODE_PACKAGE} loaded but registered no "tensorflow" backend. Reinstall it with \`${install}\`, and check with \`npm ls @tensorflow/tfjs-core\` that its tfjs-core version matches.`,
    );
  }
}
