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
const HEX = /^[0-9a-fA-F]{4}$/;

/** The length of the escape at i: 6 for a \uXXXX escape, 1 for a backslash that ends the text, else 2. */
function escapeLength(body: string, i: number): number {
  if (i + 1 >= body.length) return 1;
  return body.charCodeAt(i + 1) === 117 && HEX.test(body.slice(i + 2, i + 6)) ? 6 : 2;
}

/**
 * The detection text of a body that has backslashes. bytes: the body's ASCII bytes in a buffer the caller owns,
 * or null; the stand-ins are then written into them, and the text is read off them (cheaper than joining the
 * pieces of a long body), so they are the detection text's bytes afterwards.
 */
export function detectionText(body: string, bytes: Uint8Array | null): DetectionText {
  const opaque: number[] = [];
  const parts: string[] = [];
  let copied = 0;
  for (let i = body.indexOf('\\'); i >= 0; i = body.indexOf('\\', copied)) {
    const length = escapeLength(body, i);
    if (length !== 2 || !EDGE.has(body.charCodeAt(i + 1))) opaque.push(i);
    if (bytes !== null) bytes.fill(1, i, i + length);
    else parts.push(body.slice(copied, i), STAND_INS[length]!);
    copied = i + length;
  }
  if (bytes === null) {
    parts.push(body.slice(copied));
    return { text: parts.join(''), opaque };
  }
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset, body.length).toString('latin1'), opaque };
}
