/** Shared shapes of the masking module. */
import type { DetectorName } from './names.js';
import type { RunClass, Runs } from './run-scan.js';
import type { HoldRun } from './shapes.js';
import type { TextSummary } from './summary.js';

/** A half-open range [start, end) of UTF-16 code units in the scanned text. */
export interface Span {
  start: number;
  end: number;
}

/** Counts of masked values by detector name (a regex detector counts under its own name). Never values. */
export type MaskCounts = Record<string, number>;

export interface DetectorMeta {
  name: DetectorName;
  description: string;
  /** docs/masking.md#<name> */
  url: string;
}

/** What a detector needs from its policy entry (the regex detector reads pattern; the others nothing). */
export interface DetectorOptions {
  name?: string;
  pattern?: string;
}

/** A detector ready to scan: one per mask entry. */
export interface DetectorInstance {
  /**
   * A cheap test every match passes (a digit, an '@'…): when it fails on a text, find is not run. Most text a
   * model streams has nothing for most detectors, and this keeps those pieces cheap.
   */
  quick?: RegExp;
  /**
   * Every match holds an ASCII digit. A text without digits skips all such detectors after one test, where
   * their quick tests would each have been run (most pieces of a streamed reply have no digit).
   */
  needsDigit?: boolean;
  /**
   * Every match lies inside a stretch of at least 8 characters of digits, spaces and ()+.- that starts and ends
   * with a digit (card numbers, SSNs, phone numbers). Long texts are then scanned once for such stretches and
   * the detector runs only on small windows around them.
   */
  digitAnchored?: boolean;
  /**
   * The least every match needs of a text, as counts of its summary (at least this many digits, capitals, '@',
   * a run of key characters this long). Short texts (streamed pieces, cells, strings with escapes) are
   * summarised once for all detectors, and a detector whose needs the text does not meet is not run. Must
   * hold for every match find can return (tested on random texts). A list: every match meets one of them.
   */
  needs?: Partial<TextSummary> | ReadonlyArray<Partial<TextSummary>>;
  /**
   * Every match lies inside a maximal run of `chars` at least `min` long. A long ASCII text is then scanned
   * once for all such runs (run-scan.ts) and `find` gets them: it must return exactly what find(text) returns.
   */
  inRuns?: RunAnchor;
  /** Every match in text, sorted by start, not overlapping each other. */
  find(text: string): Span[];
  /** The shape-keeping replacement of one matched value (`4111 **** **** 1111`). */
  partial(value: string): string;
  /**
   * How many trailing characters of text could still be the beginning (or part) of a match that more text
   * would complete or change. A streaming masker holds those back; everything before is final.
   */
  holdBack(text: string): number;
  /**
   * When holdBack is a trailing run (plus holdBackBeyondRun, if given), that run as data: holdBack(text) must
   * equal the larger of holdRunLength(text, holdRun) and holdBackBeyondRun(text). A rule set whose detectors
   * all declare it measures every run in one backward pass per piece.
   */
  holdRun?: HoldRun;
  /** Of text[from, to) (default: all of it), so a stream can ask about its scan without cutting it out. */
  holdBackBeyondRun?(text: string, from?: number, to?: number): number;
}

export interface RunAnchor extends RunClass {
  /**
   * find(text), given every maximal run of chars in text at least min long ([start, end) pairs in order) and
   * the text's ASCII bytes (one per character), to read instead of charCodeAt.
   */
  find(text: string, runs: Runs, bytes: Uint8Array): Span[];
}

/** A registry entry, ESLint-rule style: data about the detector plus a factory. */
export interface Detector {
  meta: DetectorMeta;
  create(options: DetectorOptions): DetectorInstance;
}

export function docsUrl(name: DetectorName): string {
  return `docs/masking.md#${name}`;
}
