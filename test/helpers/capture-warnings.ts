/**
 * Collects the codes of library warnings emitted during each test of the calling file; the
 * returned array is emptied before every test and the default sink is restored after it.
 */
import { afterEach, beforeEach } from 'vitest';
import { resetWarnings, setWarningSink } from '../../src/warnings';

export function captureWarningCodes(): string[] {
  const codes: string[] = [];
  beforeEach(() => {
    codes.length = 0;
    resetWarnings();
    setWarningSink((code) => codes.push(code));
  });
  afterEach(() => setWarningSink(undefined));
  return codes;
}
