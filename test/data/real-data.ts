/**
 * Location of the real Douyin file. It lives outside the repository, under `../shared/data`
 * next to it, and tests that need it are skipped when it is absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of `user_personalized_features.csv`, resolved from the repository root. */
export const REAL_CSV_PATH = resolve(repoRoot, '../shared/data/user_personalized_features.csv');

/** True when the real file is absent, so `it.skipIf(REAL_CSV_MISSING)` skips with this reason. */
export const REAL_CSV_MISSING = !existsSync(REAL_CSV_PATH);
