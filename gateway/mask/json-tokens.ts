/** Finding JSON string tokens in raw text without a full parse: for the masker's fast paths (json-mask.ts). */

/** The text is not JSON after all: the masker falls back to masking it as plain text. */
export class NotJson extends Error {}

/**
 * The first backslash at or after `from` (text.length when none), kept between stringTokenEnd calls on one text so
 * a text without backslashes is searched for one once, not once per string.
 */
export interface BackslashCursor {
  from: number;
  next: number;
}

/**
 * The end (after the closing quote) of the string token starting at `from` (a quote), or -1: exactly where the
 * expression /"[^"\\]*(?:\\.[^"\\]*)*"/y ends its match, found by hopping to the next quote instead of
 * matching character by character. A backslash escapes the character after it, anything but a line terminator.
 */
export function stringTokenEnd(text: string, from: number, backslash: BackslashCursor): number {
  if (text.charCodeAt(from) !== 34) return -1;
  let i = from + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return -1;
    if (i < backslash.from || i > backslash.next) {
      const b = text.indexOf('\\', i);
      backslash.from = i;
      backslash.next = b < 0 ? text.length : b;
    }
    const b = backslash.next;
    if (b > q) return q + 1;
    const c = text.charCodeAt(b + 1);
    if (b + 1 >= text.length || c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return -1;
    i = b + 2;
  }
}

/**
 * Which string token holds a position, for positions asked in increasing order: hops from quote to quote
 * (indexOf, no allocation), skipping quotes escaped inside strings.
 */
export class TokenFinder {
  private pos = 0;
  private open = -1; // start of the string being read, or -1 outside strings
  private lastStart = -1;
  private lastEnd = -1;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  /** noEscapes: the text has no backslash, so every quote ends the string it is in. */
  constructor(
    private readonly text: string,
    private readonly noEscapes = false,
  ) {}

  /** A position before the cursor: binary search in the strings already read. */
  private behind(p: number): { isString: boolean; start: number; end: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! > p) hi = mid - 1;
      else if (this.ends[mid]! <= p) lo = mid + 1;
      else return { isString: true, start: this.starts[mid]!, end: this.ends[mid]! };
    }
    return { isString: false, start: p, end: p + 1 };
  }

  private closingQuote(from: number): number {
    if (this.noEscapes) {
      const q = this.text.indexOf('"', from);
      if (q < 0) throw new NotJson(); // an unterminated string
      return q;
    }
    for (let q = this.text.indexOf('"', from); ; q = this.text.indexOf('"', q + 1)) {
      if (q < 0) throw new NotJson(); // an unterminated string
      let b = 0;
      while (this.text.charCodeAt(q - 1 - b) === 92) b++;
      if (b % 2 === 0) return q;
    }
  }

  at(p: number): { isString: boolean; start: number; end: number } {
    if (p >= this.lastStart && p < this.lastEnd) return { isString: true, start: this.lastStart, end: this.lastEnd };
    if (p < this.pos) return this.behind(p);
    for (;;) {
      if (this.open < 0) {
        const q = this.text.indexOf('"', this.pos);
        if (q < 0 || q > p) return { isString: false, start: p, end: p + 1 };
        this.open = q;
        this.pos = q + 1;
      }
      const close = this.closingQuote(this.pos);
      this.lastStart = this.open;
      this.lastEnd = close + 1;
      this.starts.push(this.lastStart);
      this.ends.push(this.lastEnd);
      this.open = -1;
      this.pos = close + 1;
      if (p < this.lastEnd) return { isString: true, start: this.lastStart, end: this.lastEnd };
    }
  }

  /** The start of the next string token before limit, or limit. */
  nextStringStart(from: number, limit: number): number {
    const q = this.text.indexOf('"', from);
    return q < 0 || q >= limit ? limit : q;
  }
}
