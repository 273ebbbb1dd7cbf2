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

/** Strings, long integers (the only numbers a built-in detector can match), and any character JSON does not allow outside strings. */
const FAST_TOKENS = /"[^"\\]*(?:\\.[^"\\]*)*"|(?<![\d.eE+-])-?\d{13,}(?![\d.eE])|[^\s{}[\]:,0-9.eE+\-truefalsn]/g;
const STRING = /"[^"\\]*(?:\\.[^"\\]*)*"/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
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

/** Every rule applies to the whole body and none is a user regex: no structure to track. */
function fastMask(text: string, rules: readonly CompiledRule[], counts: MaskCounts): string {
  let out = '';
  let copied = 0;
  FAST_TOKENS.lastIndex = 0;
  for (let m = FAST_TOKENS.exec(text); m; m = FAST_TOKENS.exec(text)) {
    const raw = m[0];
    const c = raw.charCodeAt(0);
    const isString = c === 34 && raw.length >= 2;
    if (!isString && !(c === 45 || (c >= 48 && c <= 57))) throw new NotJson();
    if (isString && raw.length < 4) continue;
    const replacement = maskToken(raw, isString, rules, counts);
    if (replacement === null) continue;
    out += text.slice(copied, m.index) + replacement;
    copied = m.index + raw.length;
  }
  if (/^\s*$/.test(text)) throw new NotJson();
  return copied === 0 ? text : out + text.slice(copied);
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
