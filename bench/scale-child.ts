/**
 * Child process of the scale benchmark: runs every stage for one user count and prints the
 * result as one JSON line after {@link RESULT_MARKER}. Progress goes to stderr.
 *
 * Usage: tsx bench/scale-child.ts USERS BACKEND TIMED_BATCHES SCORE_ROWS_CAP
 */
import { setupBackend } from '../examples/douyin-churn/backend';
import type { BackendName } from './cli';
import { RESULT_MARKER, scaleSettings } from './scale';
import { runScaleStages } from './scale-stages';

const [usersText, backendText, timedText, capText] = process.argv.slice(2);
const backend = backendText as BackendName;
await setupBackend(backend);
const settings = scaleSettings(Number(usersText), Number(timedText), Number(capText));
const result = await runScaleStages(settings, backend, (line) => process.stderr.write(`  ${line}\n`));
process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
