/**
 * Warn-once helper: library code reports legal but suspicious input through `warnOnce`, never
 * through `console.log`. Each code is printed at most once per process.
 */

/** Receives each first warning of a code; replace it to route warnings into your own logger. */
export type WarningSink = (code: string, message: string) => void;

const seenCodes = new Set<string>();
let enabled = true;
let sink: WarningSink = (code, message) => {
  console.warn(`srml-mca [${code}]: ${message}`);
};

/** Emits `message` the first time `code` is seen; later calls with the same code do nothing. */
export function warnOnce(code: string, message: string): void {
  if (!enabled || seenCodes.has(code)) {
    return;
  }
  seenCodes.add(code);
  sink(code, message);
}

/** Turns every library warning on or off (default: on). */
export function setWarningsEnabled(value: boolean): void {
  enabled = value;
}

/** Replaces where warnings go; pass `undefined` to restore `console.warn`. */
export function setWarningSink(newSink: WarningSink | undefined): void {
  sink =
    newSink ??
    ((code, message) => {
      console.warn(`srml-mca [${code}]: ${message}`);
    });
}

/** Forgets which codes were already emitted, so each warns again (useful in tests). */
export function resetWarnings(): void {
  seenCodes.clear();
}
