/**
 * Masking inside a JSON document without re-serialising it: the raw text is scanned token by token and only
 * masked string values (and numbers that hold a match, which become strings) are rewritten, so untouched bytes,
 * key order, number spelling and integers beyond 2^53 stay exactly as the upstream sent them.
 */
import { stepPath, type CompiledPath, type PathKey } from './json-path.js';
import { maskTextWith, type CompiledRule } from './rules.js';
import type { MaskCounts } from './types.js';

export interface JsonMaskResult {
  text: string;
  /** false when the body was not JSON: it was then masked as plain text with every rule. */
  wasJson: boolean;
}

const STRING = /"[^"\\]*(?:\\.[^"\\]*)*"/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHOLE_NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LITERAL = /true|false|null/y;
const WHITESPACE = /[ \t\n\r]*/y;
const MAX_DEPTH = 512;

class NotJson extends Error {}

export function maskJsonText(text: string, rules: readonly CompiledRule[], counts: MaskCounts): JsonMaskResult {
  const local: MaskCounts = {};
  try {
    const out = rules.every((r) => r.paths === null && !r.isRegex) ? fastMask(text, rules, local) : new Walker(text, rules, local).run();
    for (const [k, v] of Object.entries(local)) counts[k] = (counts[k] ?? 0) + v;
    return { text: out, wasJson: true };
  } catch (e) {
    if (!(e instanceof NotJson) && !(e instanceof SyntaxError)) throw e;
    // Not JSON after all: every rule over the raw text is the safe reading.
    return { text: maskTextWith(text, rules, counts), wasJson: false };
  }
}

function decodeString(raw: string): string {
  return raw.indexOf('\\') < 0 ? raw.slice(1, -1) : (JSON.parse(raw) as string);
}

/** The replacement token for a string or number token, or null when nothing in it matched. */
function maskToken(raw: string, isString: boolean, rules: readonly CompiledRule[], counts: MaskCounts): string | null {
  const value = isString ? decodeString(raw) : raw;
  const masked = maskTextWith(value, rules, counts);
  return masked === value ? null : JSON.stringify(masked);
}

/**
 * Every rule applies to the whole body and none is a user regex, so no structure needs tracking. The
 * detectors run once over the raw text (a string without escapes reads the same raw as decoded, and a quote is
 * a boundary to every detector like the end of a text); only the tokens a candidate touches, and strings with
 * escapes, are decoded and masked precisely. A candidate outside any string must be a number, or the body is
 * not JSON and is masked as text.
 */
function fastMask(text: string, rules: readonly CompiledRule[], counts: MaskCounts): string {
  const ranges: number[] = [];
  for (const rule of rules) {
    if (rule.detector.quick !== undefined && !rule.detector.quick.test(text)) continue;
    for (const s of rule.detector.find(text)) ranges.push(s.start, s.end);
  }
  for (let i = text.indexOf('\\'); i >= 0; i = text.indexOf('\\', i + 2)) ranges.push(i, i + 1);
  if (ranges.length === 0) {
    if (/^\s*$/.test(text)) throw new NotJson();
    return text;
  }
  const order = Array.from({ length: ranges.length / 2 }, (_, i) => i).sort((a, b) => ranges[2 * a]! - ranges[2 * b]!);
  const tokens = new TokenFinder(text);
  let out = '';
  let copied = 0;
  const take = (start: number, end: number, isString: boolean): void => {
    if (start < copied) return; // this token is done already
    const replacement = maskToken(text.slice(start, end), isString, rules, counts);
    if (replacement === null) return;
    out += text.slice(copied, start) + replacement;
    copied = end;
  };
  for (const i of order) {
    const from = ranges[2 * i]!;
    const to = ranges[2 * i + 1]!;
    // Every token the range touches: a candidate may reach from one string into the next (a PEM block).
    for (let p = from; p < to; ) {
      const t = tokens.at(p);
      if (t.isString) take(t.start, t.end, true);
      else {
        const n = numberAround(text, p);
        if (!n) throw new NotJson();
        take(n.start, n.end, false);
      }
      p = t.isString ? t.end : to;
      if (t.isString && p < to) p = tokens.nextStringStart(p, to);
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function numberAround(text: string, p: number): { start: number; end: number } | null {
  const isNum = (c: number) => (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69;
  let s = p;
  let e = p;
  while (s > 0 && isNum(text.charCodeAt(s - 1))) s--;
  while (e < text.length && isNum(text.charCodeAt(e))) e++;
  return e > s && WHOLE_NUMBER.test(text.slice(s, e)) ? { start: s, end: e } : null;
}

/**
 * Which string token holds a position, for positions asked in increasing order: hops from quote to quote
 * (indexOf, no allocation), skipping quotes escaped inside strings.
 */
class TokenFinder {
  private pos = 0;
  private open = -1; // start of the string being read, or -1 outside strings
  private lastStart = -1;
  private lastEnd = -1;
  constructor(private readonly text: string) {}

  private closingQuote(from: number): number {
    for (let q = this.text.indexOf('"', from); ; q = this.text.indexOf('"', q + 1)) {
      if (q < 0) throw new NotJson(); // an unterminated string
      let b = 0;
      while (this.text.charCodeAt(q - 1 - b) === 92) b++;
      if (b % 2 === 0) return q;
    }
  }

  at(p: number): { isString: boolean; start: number; end: number } {
    if (p >= this.lastStart && p < this.lastEnd) return { isString: true, start: this.lastStart, end: this.lastEnd };
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

interface Cursor {
  path: CompiledPath;
  rule: CompiledRule;
  at: number;
}

interface Frame {
  active: CompiledRule[];
  cursors: Cursor[];
}

/** A recursive-descent walk that knows where it is, for rules limited to JSON paths. */
class Walker {
  private pos = 0;
  private out = '';
  private copied = 0;
  constructor(
    private readonly text: string,
    private readonly rules: readonly CompiledRule[],
    private readonly counts: MaskCounts,
  ) {}

  run(): string {
    const root: Frame = { active: [], cursors: [] };
    for (const r of this.rules) {
      if (r.paths === null) root.active.push(r);
      else for (const path of r.paths) root.cursors.push({ path, rule: r, at: 0 });
    }
    const start = this.activate(root, root.cursors);
    this.value(start, 0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) throw new NotJson();
    return this.copied === 0 ? this.text : this.out + this.text.slice(this.copied);
  }

  /** A frame whose cursors that reached the end of their path turned into active rules. */
  private activate(base: Frame, cursors: Cursor[]): Frame {
    let active = base.active;
    const pending: Cursor[] = [];
    for (const c of cursors) {
      if (active.includes(c.rule)) continue;
      if (c.at === c.path.length) active = active === base.active ? [...active, c.rule] : (active.push(c.rule), active);
      else pending.push(c);
    }
    return { active, cursors: pending };
  }

  private child(frame: Frame, key: PathKey): Frame {
    if (frame.cursors.length === 0) return frame;
    const next: Cursor[] = [];
    const ats: number[] = [];
    for (const c of frame.cursors) {
      ats.length = 0;
      stepPath(c.path, c.at, key, ats);
      for (const at of ats) next.push({ path: c.path, rule: c.rule, at });
    }
    return this.activate(frame, next);
  }

  private skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  private token(re: RegExp): string {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) throw new NotJson();
    this.pos += m[0].length;
    return m[0];
  }

  private replace(start: number, raw: string, isString: boolean, rules: readonly CompiledRule[]): void {
    const replacement = maskToken(raw, isString, rules, this.counts);
    if (replacement === null) return;
    this.out += this.text.slice(this.copied, start) + replacement;
    this.copied = start + raw.length;
  }

  private expect(ch: string): void {
    this.skipWhitespace();
    if (this.text[this.pos] !== ch) throw new NotJson();
    this.pos++;
  }

  private value(frame: Frame, depth: number): void {
    if (depth > MAX_DEPTH) throw new NotJson();
    this.skipWhitespace();
    const c = this.text[this.pos];
    const start = this.pos;
    if (c === '"') {
      const raw = this.token(STRING);
      if (frame.active.length > 0) this.replace(start, raw, true, frame.active);
    } else if (c === '{') {
      this.pos++;
      this.skipWhitespace();
      if (this.text[this.pos] === '}') return void this.pos++;
      for (;;) {
        this.skipWhitespace();
        const keyStart = this.pos;
        if (this.text[this.pos] !== '"') throw new NotJson();
        const rawKey = this.token(STRING);
        const key = decodeString(rawKey);
        // Keys are data too (maps keyed by email): masked under the rules active for the object.
        if (frame.active.length > 0) this.replace(keyStart, rawKey, true, frame.active);
        this.expect(':');
        this.value(this.child(frame, key), depth + 1);
        this.skipWhitespace();
        const sep = this.text[this.pos++];
        if (sep === '}') return;
        if (sep !== ',') throw new NotJson();
      }
    } else if (c === '[') {
      this.pos++;
      this.skipWhitespace();
      if (this.text[this.pos] === ']') return void this.pos++;
      for (let i = 0; ; i++) {
        this.value(this.child(frame, i), depth + 1);
        this.skipWhitespace();
        const sep = this.text[this.pos++];
        if (sep === ']') return;
        if (sep !== ',') throw new NotJson();
      }
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      const raw = this.token(NUMBER);
      if (frame.active.length > 0 && (raw.length >= 13 || frame.active.some((r) => r.isRegex))) this.replace(start, raw, false, frame.active);
    } else {
      this.token(LITERAL);
    }
  }
}
