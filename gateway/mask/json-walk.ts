/**
 * The JSON masker's walk for rules limited to JSON paths (or with a user regex): a recursive descent that knows
 * where it is (json-frames.ts). Only the tokens it must read are sliced: keys are compared with the few names
 * the paths give in place, strings under active rules are cut out only when a match touches them, and values
 * no rule reaches are hopped over.
 */
import { pathFramesOf, type Frame, type PathFrames } from './json-frames.js';
import { holdsEscape, readText } from './json-escapes.js';
import { NotJson } from './json-tokens.js';
import { maskToken, quotedWithHits, type Edit } from './json-rewrite.js';
import { findAll, resolveOverlaps, type CompiledRule, type Hit } from './rules.js';
import { isDigit } from './shapes.js';
import type { MaskCounts } from './types.js';

const MAX_DEPTH = 512;
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const MINUS = 45;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

export class Walker {
  private pos = 0;
  private readonly edits: Edit[] = [];
  private readonly frames: PathFrames;
  /**
   * Where built-in detectors match in the body as they read it (json-escapes.ts; sorted by start): a string
   * whose escapes all decode to edge characters and that no candidate touches has nothing to mask for them, so
   * it is not decoded or scanned again.
   */
  private readonly hits: Hit[];
  private cand = 0;
  /** What the detectors read, and the escapes whose strings are decoded precisely (with a cursor). */
  private readonly seen: string;
  private readonly opaque: number[];
  private nextOpaque = 0;
  /** The first backslash at or after the last string start read (text.length when none); -1 before the first. */
  private backslash = -1;
  /** The last string token read holds a backslash. */
  private escaped = false;

  constructor(
    private readonly text: string,
    rules: readonly CompiledRule[],
    private readonly counts: MaskCounts,
    bytes: Uint8Array | null,
  ) {
    const read = readText(text, bytes);
    this.seen = read.seen;
    this.opaque = read.opaque;
    this.hits = findAll(read.seen, rules.filter((r) => !r.isRegex), read.bytes).sort((a, b) => a.start - b.start);
    this.frames = pathFramesOf(rules);
  }

  run(): Edit[] {
    this.value(this.frames.root, 0);
    this.peek();
    if (this.pos !== this.text.length) throw new NotJson();
    return this.edits;
  }

  /**
   * Mask the string token [start, end) under the frame's rules. A string whose escapes all decode to edge
   * characters gets the raw matches of the active rules that lie inside it, as found (see fastMask); one with
   * another escape, a user regex, or a match that holds an escape or reaches outside it gets a precise pass; a
   * string no match touches is left as it is.
   */
  private maskString(start: number, end: number, escaped: boolean, frame: Frame): void {
    const hits = this.hits;
    let cand = this.cand;
    while (cand < hits.length && hits[cand]!.end <= start) cand++;
    this.cand = cand;
    const touched = cand < hits.length && hits[cand]!.start < end;
    const precise = frame.hasRegex || (escaped && this.holdsOpaque(start, end));
    if (!touched && !precise) return;
    const inside: Hit[] = [];
    let whole = precise;
    for (let i = cand; !whole && i < hits.length && hits[i]!.start < end; i++) {
      const h = hits[i]!;
      if (h.start <= start || h.end >= end || (escaped && holdsEscape(this.seen, h.start, h.end))) whole = true;
      else if (frame.active.includes(h.rule)) inside.push(h);
    }
    if (whole) return this.replace(start, end, true, frame.active);
    if (inside.length === 0) return;
    this.edits.push({ start, end, replacement: quotedWithHits(this.text, resolveOverlaps(inside), start + 1, end - 1, this.counts) });
  }

  /** Whether an escape decoded precisely lies in [start, end); strings are asked in text order. */
  private holdsOpaque(start: number, end: number): boolean {
    const opaque = this.opaque;
    let k = this.nextOpaque;
    while (k < opaque.length && opaque[k]! < start) k++;
    this.nextOpaque = k;
    return k < opaque.length && opaque[k]! < end;
  }

  private replace(start: number, end: number, isString: boolean, rules: readonly CompiledRule[]): void {
    const replacement = maskToken(this.text.slice(start, end), isString, rules, this.counts);
    if (replacement !== null) this.edits.push({ start, end, replacement });
  }

  /**
   * The character at the cursor after whitespace (NaN at the end); the cursor moves past the whitespace. Hot
   * callers test for a character above space first and call this only below it (most bodies have no blanks).
   */
  private peek(): number {
    const text = this.text;
    let p = this.pos;
    let c = text.charCodeAt(p);
    if (c > 32) return c;
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++p);
    this.pos = p;
    return c;
  }

  /**
   * The end (after the closing quote) of the string token at `from` (a quote), as stringTokenEnd finds it, and
   * whether it holds a backslash (this.escaped). A backslash escapes the character after it, anything but a
   * line terminator.
   */
  private stringEnd(from: number): number {
    const text = this.text;
    let i = from + 1;
    this.escaped = false;
    for (;;) {
      const q = text.indexOf('"', i);
      if (q < 0) throw new NotJson();
      if (this.backslash < i) {
        const b = text.indexOf('\\', i);
        this.backslash = b < 0 ? text.length : b;
      }
      const b = this.backslash;
      if (b > q) return q + 1;
      const c = text.charCodeAt(b + 1);
      if (b + 1 >= text.length || c === 10 || c === 13 || c === 0x2028 || c === 0x2029) throw new NotJson();
      this.escaped = true;
      i = b + 2;
    }
  }

  /** The end of the number at p: where /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y ends its match. */
  private numberEnd(p: number): number {
    const text = this.text;
    if (text.charCodeAt(p) === MINUS) p++;
    const digits = p;
    while (isDigit(text.charCodeAt(p))) p++;
    if (p === digits) throw new NotJson();
    if (text.charCodeAt(p) === 46 && isDigit(text.charCodeAt(p + 1))) {
      p += 2;
      while (isDigit(text.charCodeAt(p))) p++;
    }
    const e = text.charCodeAt(p);
    if (e === 101 || e === 69) {
      let q = p + 1;
      const sign = text.charCodeAt(q);
      if (sign === 43 || sign === MINUS) q++;
      if (isDigit(text.charCodeAt(q))) {
        while (isDigit(text.charCodeAt(++q)));
        p = q;
      }
    }
    return p;
  }

  private literal(): void {
    const text = this.text;
    const p = this.pos;
    if (text.startsWith('true', p) || text.startsWith('null', p)) this.pos = p + 4;
    else if (text.startsWith('false', p)) this.pos = p + 5;
    else throw new NotJson();
  }

  private scalar(c: number): void {
    if (c === MINUS || isDigit(c)) this.pos = this.numberEnd(this.pos);
    else this.literal();
  }

  private expect(code: number): void {
    let c = this.text.charCodeAt(this.pos);
    if (c <= 32) c = this.peek();
    if (c !== code) throw new NotJson();
    this.pos++;
  }

  /**
   * Skip a value no rule applies to and no path can reach: strings and brackets are hopped over without
   * walking the structure (the bulk of a document outside the selected paths).
   */
  private skip(): void {
    const text = this.text;
    let c = text.charCodeAt(this.pos);
    if (c <= 32) c = this.peek();
    let p = this.pos;
    if (c === QUOTE) return void (this.pos = this.stringEnd(p));
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) return this.scalar(c);
    let depth = 0;
    for (; p < text.length; p++) {
      const ch = text.charCodeAt(p);
      if (ch === QUOTE) p = this.stringEnd(p) - 1;
      else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
        if (++depth > MAX_DEPTH) throw new NotJson();
      } else if ((ch === CLOSE_BRACE || ch === CLOSE_BRACKET) && --depth === 0) return void (this.pos = p + 1);
    }
    throw new NotJson();
  }

  private value(frame: Frame, depth: number): void {
    if (depth > MAX_DEPTH) throw new NotJson();
    if (frame === this.frames.dead) return this.skip();
    let c = this.text.charCodeAt(this.pos);
    if (c <= 32) c = this.peek();
    const start = this.pos;
    if (c === QUOTE) {
      const end = (this.pos = this.stringEnd(start));
      if (frame.active.length > 0) this.maskString(start, end, this.escaped, frame);
    } else if (c === OPEN_BRACE) this.object(frame, depth);
    else if (c === OPEN_BRACKET) this.array(frame, depth);
    else {
      this.scalar(c);
      if (frame.active.length > 0 && (c === MINUS || isDigit(c)) && (this.pos - start >= 13 || frame.hasRegex)) this.replace(start, this.pos, false, frame.active);
    }
  }

  private object(frame: Frame, depth: number): void {
    const text = this.text;
    this.pos++;
    if (this.peek() === CLOSE_BRACE) return void this.pos++;
    for (;;) {
      let c = text.charCodeAt(this.pos);
      if (c <= 32) c = this.peek();
      if (c !== QUOTE) throw new NotJson();
      const keyStart = this.pos;
      const keyEnd = (this.pos = this.stringEnd(keyStart));
      const escaped = this.escaped;
      const child = frame.keyChild(this.keyIndex(frame, keyStart, keyEnd, escaped));
      // Keys are data too (maps keyed by email): masked under the rules active for the object.
      if (frame.active.length > 0) this.maskString(keyStart, keyEnd, escaped, frame);
      this.expect(COLON);
      this.value(child, depth + 1);
      let sep = text.charCodeAt(this.pos);
      if (sep <= 32) sep = this.peek();
      this.pos++;
      if (sep === CLOSE_BRACE) return;
      if (sep !== COMMA) throw new NotJson();
    }
  }

  /**
   * Which of the frame's names the key token [start, end) is (-1: none). A key without escapes reads the same
   * raw as decoded, so it is compared in place; one with escapes is decoded (and must decode: the walk has
   * always parsed every key it reads).
   */
  private keyIndex(frame: Frame, start: number, end: number, escaped: boolean): number {
    const names = frame.names;
    if (escaped) return names.indexOf(JSON.parse(this.text.slice(start, end)) as string);
    const length = end - start - 2;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (name.length === length && this.text.startsWith(name, start + 1)) return i;
    }
    return -1;
  }

  private array(frame: Frame, depth: number): void {
    const text = this.text;
    this.pos++;
    if (this.peek() === CLOSE_BRACKET) return void this.pos++;
    for (let i = 0; ; i++) {
      this.value(frame.indexChild(i), depth + 1);
      let sep = text.charCodeAt(this.pos);
      if (sep <= 32) sep = this.peek();
      this.pos++;
      if (sep === CLOSE_BRACKET) return;
      if (sep !== COMMA) throw new NotJson();
    }
  }
}
