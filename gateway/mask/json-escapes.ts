/**
 * What the detectors read in a JSON body with escapes, so that strings with escapes need not be decoded one by one.
 *
 * Most escapes in model output decode to characters that no built-in detector takes into a match and that
 * every detector treats alike, as the edge of a value: line breaks, tabs, quotes and backslashes (`\n \r \t \b
 * \f \" \\`). Written in place as as many U+0001 characters (also such an edge), the body keeps its length and
 * positions, and a match found in it is the match a scan of the decoded string finds, at the raw position: the
 * match holds no escape, so its raw characters are its decoded characters. A match that holds one (a PEM block
 * over escaped line breaks) and every string with any other escape (`\/`, `\uXXXX`: they decode to characters
 * that can be part of a match) are decoded and scanned precisely. The quotes left are exactly the strings'
 * delimiters, so the string around a position is found by counting them.
 *
 * Why: a chat completion's text is full of `\n`; decoding, scanning and re-encoding each such string cost
 * about four times the scan of the body itself.
 */
import { latin1Text } from './latin1.js';
import { asciiBytes, RUN_SCAN_FROM, scratchBytes } from './run-scan.js';

/** The stand-in for an escape's characters. */
export const ESCAPED = '\u0001';

export interface DetectionText {
  /** The body with every escape written as ESCAPED characters (same length, same positions). */
  text: string;
  /** Positions of escapes whose strings must be decoded and scanned precisely (`\/`, `\uXXXX`, invalid ones). */
  opaque: number[];
}

/** Backslash and the letters of the escapes that decode to an edge character: n r t b f " \\. */
const EDGE = new Set([110, 114, 116, 98, 102, 34, 92]);
const STAND_INS = ['', ESCAPED, ESCAPED.repeat(2), '', '', '', ESCAPED.repeat(6)];
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** A body's characters by position: a string's char codes, or an ASCII body's bytes. */
type CodeAt = (i: number) => number;

/** The length of the escape at i: 6 for a \uXXXX escape, 1 for a backslash that ends the body, else 2. */
function escapeLength(codeAt: CodeAt, length: number, i: number): number {
  if (i + 1 >= length) return 1;
  if (codeAt(i + 1) !== 117 || i + 6 > length) return 2;
  for (let k = i + 2; k < i + 6; k++) if (!isHex(codeAt(k))) return 2;
  return 6;
}

const isOpaque = (codeAt: CodeAt, i: number, length: number): boolean => length !== 2 || !EDGE.has(codeAt(i + 1));

/** The detection text of a body that has backslashes, given as a string (any characters). */
export function detectionText(body: string): DetectionText {
  const opaque: number[] = [];
  const parts: string[] = [];
  const codeAt: CodeAt = (i) => body.charCodeAt(i);
  let copied = 0;
  for (let i = body.indexOf('\\'); i >= 0; i = body.indexOf('\\', copied)) {
    const length = escapeLength(codeAt, body.length, i);
    if (isOpaque(codeAt, i, length)) opaque.push(i);
    parts.push(body.slice(copied, i), STAND_INS[length]!);
    copied = i + length;
  }
  parts.push(body.slice(copied));
  return { text: parts.join(''), opaque };
}

/**
 * detectionText of an ASCII body given as bytes, without a string of the body itself: the raw bytes are copied
 * into `into` (at least as long; `raw` may already be its start), the stand-ins written there, and the
 * detection text read off them (cheaper than joining the pieces of a long body).
 */
export function detectionTextOfBytes(raw: Buffer, into: Uint8Array): DetectionText {
  const opaque: number[] = [];
  const length = raw.length;
  if (raw.buffer !== into.buffer || raw.byteOffset !== into.byteOffset) into.set(raw);
  const codeAt: CodeAt = (i) => raw[i]!;
  // Each escape is read before its stand-in is written (raw may be into).
  for (let i = raw.indexOf(92); i >= 0; ) {
    const n = escapeLength(codeAt, length, i);
    if (isOpaque(codeAt, i, n)) opaque.push(i);
    into.fill(1, i, i + n);
    i = i + n < length ? raw.indexOf(92, i + n) : -1;
  }
  return { text: latin1Text(into, length, true), opaque };
}

const NO_ESCAPES: number[] = [];

/** How the JSON masker reads a body: what the detectors see, and the body's own characters. */
export interface Reading {
  /** What the detectors read (json-escapes.ts): the body, or the body with its escapes' stand-ins. */
  seen: string;
  /** seen's bytes when it is ASCII and long enough for the run scan, else null. */
  bytes: Uint8Array | null;
  escaped: boolean;
  /** Escapes whose strings are decoded precisely. */
  opaque: number[];
  /** The body's own characters [start, end) (a string to decode). */
  raw(start: number, end: number): string;
}

export function readText(text: string, known: Uint8Array | null): Reading {
  const escaped = text.indexOf('\\') >= 0;
  // The bytes the detectors and the quote count read: the caller's, or a copy of an ASCII body's (in which the
  // escapes' stand-ins are then written: the caller's are the output's source and stay as they are).
  const bytes = text.length < RUN_SCAN_FROM ? null : escaped || known === null ? asciiBytes(text) : known;
  const d = !escaped ? { text, opaque: NO_ESCAPES } : bytes !== null ? detectionTextOfBytes(Buffer.from(bytes.buffer, bytes.byteOffset, text.length), bytes) : detectionText(text);
  return { seen: d.text, bytes, escaped, opaque: d.opaque, raw: (start, end) => text.slice(start, end) };
}

/** A body given as bytes [0, length) of a buffer the caller owns whole (its bytes from length up may be overwritten). */
export function readBytes(owner: Uint8Array, length: number): Reading {
  const body = Buffer.from(owner.buffer, owner.byteOffset, length);
  const long = length >= RUN_SCAN_FROM;
  if (body.indexOf(92) < 0) {
    const text = latin1Text(owner, length, true);
    return { seen: text, bytes: long ? body : null, escaped: false, opaque: NO_ESCAPES, raw: (start, end) => text.slice(start, end) };
  }
  const into = scratchBytes(body.length);
  const d = detectionTextOfBytes(body, into);
  return { seen: d.text, bytes: long ? into : null, escaped: true, opaque: d.opaque, raw: (start, end) => body.toString('latin1', start, end) };
}

/** Whether [start, end) of what the detectors read holds an escape's stand-in: its raw characters are then not its value. */
export function holdsEscape(seen: string, start: number, end: number): boolean {
  const e = seen.indexOf(ESCAPED, start);
  return e >= 0 && e < end;
}
