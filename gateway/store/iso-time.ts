/**
 * ISO-8601 timestamps for audit records. A busy gateway writes many records within one millisecond,
 * and formatting a Date is a large part of building a record, so the last few formatted
 * milliseconds are remembered.
 */
let lastMs = NaN;
let lastIso = '';
let prevMs = NaN;
let prevIso = '';

export function isoTime(ms: number): string {
  if (ms === lastMs) return lastIso;
  if (ms === prevMs) return prevIso;
  prevMs = lastMs;
  prevIso = lastIso;
  lastMs = ms;
  lastIso = new Date(ms).toISOString();
  return lastIso;
}
