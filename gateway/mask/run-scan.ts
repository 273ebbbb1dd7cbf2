/**
 * The runs detectors look in, found on the bytes of a long ASCII text once for every detector: stretches of
 * digits and separators (card, SSN, phone: see rules.ts digitWindows) and runs of the character classes
 * detectors declare (`inRuns`: key characters for secrets; capitals, digits and spaces for IBANs). Detectors
 * then look only at those runs.
 *
 * Why bytes: reading a Uint8Array costs less than half of charCodeAt on a string (1.8 against 4.2 ms for the
 * secret scan of the 1 MB benchmark body), and an ASCII string is copied into one by TextEncoder.encodeInto at
 * memory speed (about 0.1 ms per MB). A text with any other character is left to the per-detector scans (null),
 * since its UTF-8 bytes no longer line up with its UTF-16 positions.
 *
 * Each class is found by sampling: a run at least `min` long holds a position that is a multiple of `min`, so
 * only those are read, and a run found there is measured whole. (A branch-free pass over every byte for all
 * classes at once cost more: 7 ns a byte against about 2 for the samples on this machine.)
 */
import type { AsciiSet } from './shapes.js';
import { keptScratch } from './latin1.js';
import { meetsAny, STRETCH_CLASS } from './windows.js';

/**
 * Texts this long or longer get the scan (and the JSON masker its bytes); below it, setting up costs about what
 * it saves (a ~4 KB response measured a few µs slower with it).
 */
export const RUN_SCAN_FROM = 16384;

/** The characters of a digit stretch: 1 a digit, 2 '+', 3 another separator ( ().-). */
const STRETCH = STRETCH_CLASS;
/** A digit stretch worth a window holds 8 digits, so it is at least this long. */
export const STRETCH_MIN = 8;

/** A class of run characters and the shortest run a match needs. */
export interface RunClass {
  chars: AsciiSet;
  min: number;
}

/** Maximal runs as [start, end) pairs, flattened, in text order. */
export type Runs = number[];

export interface RunScan {
  /** The classes scanned, in order. */
  classes: readonly RunClass[];
  /** Runs of digits and separators at least STRETCH_MIN long (those that meet one of stretchNeeds, when given). */
  stretches: Runs;
  /** What a stretch must count to be kept: see scanRuns. */
  stretchNeeds: readonly number[] | null;
  /** The text's bytes (shared scratch: valid until the next scan). */
  bytes: Uint8Array;
  /** For each stretch, its digits, its '+' signs and its other separators (counted on the bytes). */
  stretchDigits: number[];
  stretchPluses: number[];
  stretchSeparators: number[];
  /** For each class asked for, in order, its runs at least `min` long. */
  runs: Runs[];
}

/**
 * The text's bytes when it is all ASCII, else null. The buffer is shared: valid until the next call, so a
 * caller reads it before scanning anything else.
 */
export function asciiBytes(text: string): Uint8Array | null {
  const len = text.length;
  // Encoded again when the JSON masker asks after the scan (0.1 ms per MB): telling whether the scratch already
  // holds this text would compare the strings, which costs more for a body decoded from a Buffer (an external
  // string: about 1 ms per MB).
  const bytes = scratchBytes(len);
  // With room for exactly len bytes, a non-ASCII character (2+ bytes) stops the copy before the end.
  const { read, written } = ENCODER.encodeInto(text, bytes.subarray(0, len));
  return read === len && written === len ? bytes : null;
}

/** The shared scratch buffer (asciiBytes's), at least length bytes long: valid until the next call. */
export const scratchBytes = keptScratch();
const ENCODER = new TextEncoder();

const TABLES = new WeakMap<AsciiSet, Uint8Array>();

/** The set over all byte values (bytes from 128 up are not in it), so a sample needs no range check. */
function byteTable(set: AsciiSet): Uint8Array {
  let t = TABLES.get(set);
  if (t === undefined) {
    t = new Uint8Array(256);
    t.set(set);
    TABLES.set(set, t);
  }
  return t;
}

/**
 * The runs of every class, or null when the text is not all ASCII. known: the text's bytes, when the caller
 * has them and they are all ASCII (at an offset that is a multiple of 4, for the word reads). stretchNeeds:
 * when given, only the stretches that meet one of these needs are kept (windows.ts stretchNeeds: digits, '+'
 * and separators, as triples; none: no stretch kept). A long body's dates and timestamps meet none, and keeping
 * them all (7,842 in the 1 MB benchmark body, four arrays) allocated about 1 MB per body for nothing.
 */
export function scanRuns(text: string, classes: readonly RunClass[], known: Uint8Array | null = null, stretchNeeds: readonly number[] | null = null): RunScan | null {
  const bytes = known !== null && known.byteOffset % 4 === 0 && known.length >= text.length ? known : asciiBytes(text);
  if (bytes === null) return null;
  const len = text.length;
  const scan: RunScan = { classes, bytes, stretches: [], stretchNeeds, stretchDigits: [], stretchPluses: [], stretchSeparators: [], runs: classes.map(() => []) };
  // The first class whose runs are at least STRETCH_MIN long is sampled with the stretches, and the first
  // class found by blocks is looked for in the same 8-byte blocks: one pass for the three.
  let along = -1;
  let blocked = -1;
  classes.forEach((k, i) => {
    if (byBlocks(k) && blocked < 0) blocked = i;
    else if (byBlocks(k)) scan.runs[i] = blockRuns(bytes, len, byteTable(k.chars), k.min);
    else if (k.min >= STRETCH_MIN && along < 0) along = i;
    else scan.runs[i] = sampledRuns(bytes, len, byteTable(k.chars), k.min);
  });
  stretchRuns(bytes, len, scan, along, blocked);
  return scan;
}

/** Tables of stretchRuns by the set of the class sampled along. */
const SAMPLED_TABLES = new WeakMap<AsciiSet, Uint8Array>();
const NO_CLASS = new Uint8Array(256);

/** Bit 0: a stretch character; bit 1: a character of the class sampled along (see stretchRuns). */
function sampledTable(set: Uint8Array, chars: AsciiSet | null): Uint8Array {
  let t = chars === null ? undefined : SAMPLED_TABLES.get(chars);
  if (t === undefined) {
    t = new Uint8Array(256);
    for (let c = 0; c < 256; c++) t[c] = (STRETCH[c]! !== 0 ? 1 : 0) | (set[c] === 1 ? 2 : 0);
    if (chars !== null) SAMPLED_TABLES.set(chars, t);
  }
  return t;
}

/**
 * sampledRuns of the stretch characters, each stretch's characters counted by kind as it is measured, and of
 * the class `along` (an index into scan.classes whose min is STRETCH_MIN or more; -1: none) at the same
 * samples: one read and one table look-up per sample for both, where separate passes read the text once each.
 */
function stretchRuns(bytes: Uint8Array, len: number, scan: RunScan, along: number, blocked: number): void {
  const chars = along < 0 ? null : scan.classes[along]!.chars;
  const set = chars === null ? NO_CLASS : byteTable(chars);
  const min = along < 0 ? 0 : scan.classes[along]!.min;
  const runs = along < 0 ? [] : scan.runs[along]!;
  const table = sampledTable(set, chars);
  const keySet = blocked < 0 ? NO_CLASS : byteTable(scan.classes[blocked]!.chars);
  const keyMin = blocked < 0 ? 0 : scan.classes[blocked]!.min;
  const keyRuns = blocked < 0 ? [] : scan.runs[blocked]!;
  // Bit 7 of a byte of (w - low) & ~w is set when that byte of w is below the lowest character of the set.
  const low = blocked < 0 ? 0x80808080 : keySet.indexOf(1) * 0x01010101;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, len >> 2);
  // Where the next stretch, run of the class, or key run may start (after the last one's end): samples and
  // blocks before it are inside it.
  let stretchFrom = 0;
  let runFrom = 0;
  let keyFrom = blocked < 0 ? len : 0;
  for (let k = 0, blocks = len >> 3; k < blocks; k++) {
    const p = k << 3;
    if (p >= keyFrom) {
      const a = words[2 * k]!;
      const b = words[2 * k + 1]!;
      if (((((a - low) & ~a) | ((b - low) & ~b)) & 0x80808080) === 0 && keySet[bytes[p]!] !== 0) {
        const start = runStart(bytes, keySet, p);
        const end = runEnd(bytes, len, keySet, p);
        keyFrom = end;
        if (end - start >= keyMin) keyRuns.push(start, end);
      }
    }
    const i = p + 7;
    let bits = table[bytes[i]!]!;
    if (bits === 0) continue;
    // A run through i that is long enough goes on on one side at least: this rules out a lone space of prose
    // for both with two reads.
    bits &= table[bytes[i - 1]!]! | (i + 1 < len ? table[bytes[i + 1]!]! : 0);
    if (bits === 0) continue;
    if ((bits & 1) !== 0 && i >= stretchFrom) stretchFrom = stretchAt(bytes, len, i, scan);
    if ((bits & 2) === 0 || i < runFrom) continue;
    const start = runStart(bytes, set, i);
    const end = runEnd(bytes, len, set, i);
    runFrom = end;
    if (end - start >= min) runs.push(start, end);
  }
}

/** The stretch through position i, recorded with its counts when long enough; returns its end. */
function stretchAt(bytes: Uint8Array, len: number, i: number, scan: RunScan): number {
  // Counts by kind: digits, '+', other separators, as three lanes of one number (none reaches 2^16 here:
  // a longer stretch is counted in a second step).
  let k = STRETCH[bytes[i]!]!;
  let lanes = LANE[k]!;
  let start = i;
  let end = i + 1;
  while (start > 0 && (k = STRETCH[bytes[start - 1]!]!) !== 0) {
    start--;
    lanes += LANE[k]!;
  }
  while (end < len && (k = STRETCH[bytes[end]!]!) !== 0) {
    end++;
    lanes += LANE[k]!;
  }
  if (end - start < STRETCH_MIN) return end;
  if (end - start < 0x8000) {
    // An int32 (| 0: a small integer, where Math.floor's result would fill the array with doubles).
    keepStretch(scan, start, end, lanes & 0xffff, Math.floor(lanes / 0x10000) & 0xffff, Math.floor(lanes / 0x100000000) | 0);
  } else countStretch(bytes, start, end, scan);
  return end;
}

function keepStretch(scan: RunScan, start: number, end: number, digits: number, pluses: number, separators: number): void {
  if (scan.stretchNeeds !== null && !meetsAny(scan.stretchNeeds, digits, pluses, separators)) return;
  scan.stretches.push(start, end);
  scan.stretchDigits.push(digits);
  scan.stretchPluses.push(pluses);
  scan.stretchSeparators.push(separators);
}

/** Lane increments by stretch kind: digits in bits 0-15, '+' in 16-31, other separators from bit 32 up. */
const LANE = [0, 1, 0x10000, 0x100000000];

function countStretch(bytes: Uint8Array, start: number, end: number, scan: RunScan): void {
  let digits = 0;
  let pluses = 0;
  let separators = 0;
  for (let i = start; i < end; i++) {
    const k = STRETCH[bytes[i]!];
    if (k === 1) digits++;
    else if (k === 2) pluses++;
    else separators++;
  }
  keepStretch(scan, start, end, digits, pluses, separators);
}

/**
 * sampledRuns for a set with no character below '!' (no space: key characters) and min of 15 or more. Such a
 * run holds a whole aligned block of 8 bytes, and a block with a space, a quote or a control character in it is
 * in no run: that is one test on two 32-bit words (the classic has-a-byte-less-than), where sampling prose lands
 * in a word three times in four and reads it whole. (The same with 4-byte blocks for the digit stretches and
 * IBAN runs, whose sets hold the space, cost more than sampling them: most samples there end at once.)
 */
function blockRuns(bytes: Uint8Array, len: number, set: Uint8Array, min: number): Runs {
  const runs: Runs = [];
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, len >> 2);
  // Bit 7 of a byte of (w - low) & ~w is set when that byte of w is below the lowest character of the set.
  const low = set.indexOf(1) * 0x01010101;
  const blocks = len >> 3;
  for (let k = 0; k < blocks; k++) {
    const a = words[2 * k]!;
    const b = words[2 * k + 1]!;
    if ((((a - low) & ~a) | ((b - low) & ~b)) & 0x80808080) continue;
    const p = 8 * k;
    if (set[bytes[p]!] === 0) continue;
    const start = runStart(bytes, set, p);
    const end = runEnd(bytes, len, set, p);
    if (end - start >= min) runs.push(start, end);
    // The next run starts after end: in a later block.
    k = end >> 3;
  }
  return runs;
}

/** Blocks pay off for a set without the space (the space is everywhere in prose) and runs of 15 or more. */
const byBlocks = (k: RunClass): boolean => k.min >= 15 && k.chars.indexOf(1) > 32;

/** Every maximal run of the set at least min long, as [start, end) pairs in order. */
function sampledRuns(bytes: Uint8Array, len: number, set: Uint8Array, min: number): Runs {
  const runs: Runs = [];
  for (let i = min - 1; i < len; i += min) {
    if (set[bytes[i]!] === 0) continue;
    const start = runStart(bytes, set, i);
    const end = runEnd(bytes, len, set, i);
    // The next run starts after end: it holds a position end + k * min, k >= 1.
    i = end;
    if (end - start >= min) runs.push(start, end);
  }
  return runs;
}

/** Where the run of set through position i starts. */
function runStart(bytes: Uint8Array, set: Uint8Array, i: number): number {
  while (i > 0 && set[bytes[i - 1]!] !== 0) i--;
  return i;
}

/** Where the run of set through position i ends (exclusive). */
function runEnd(bytes: Uint8Array, len: number, set: Uint8Array, i: number): number {
  let end = i + 1;
  while (end < len && set[bytes[end]!] !== 0) end++;
  return end;
}
