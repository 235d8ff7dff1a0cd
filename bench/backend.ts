/** tfjs backend set-up for the benchmark process and its scale children. */
import { setupBackend } from '../examples/douyin-churn/backend';
import type { BackendName } from './cli';

/**
 * Activates `name` and waits until it is ready, as the douyin-churn example does. That includes
 * PROD mode, which turns off tfjs's per-kernel NaN checks, which would otherwise be timed too,
 * and loading `@tensorflow/tfjs-node` for `tensorflow`.
 */
export async function useBackend(name: BackendName): Promise<void> {
  await setupBackend(name);
}
