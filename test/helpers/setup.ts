/** Vitest setup: every test file starts on the cpu backend, so suites outside describeBackends run. */
import { useBackend } from './backends';

await useBackend('cpu');
