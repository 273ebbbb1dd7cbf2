/**
 * The JSON path walk as it was before its frames became a memoised automaton (gateway/mask/json-walk.ts): kept
 * as the slow reference its output is compared with (json-walk.test.ts). Not used by the gateway.
 */
import type { CompiledPath, PathKey } from '../../gateway/mask/json-path.js';
import { NotJson, stringTokenEnd, type BackslashCursor } from '../../gateway/mask/json-tokens.js';
import { addCount, findAll, maskTextWith, replacementOf, resolveOverlaps, type CompiledRule, type Hit } from '../../gateway/mask/rules.js';
import type { MaskCounts } from '../../gateway/mask/types.js';

interface Edit {
  start: number;
  end: number;
  replacement: string;
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const MAX_DEPTH = 512;

/** What maskJsonText gave for a body when the walk was taken (rules with paths or a user regex). */
export function referenceMaskJson(text: string, rules: readonly CompiledRule[]): { text: string; wasJson: boolean; counts: MaskCounts } {
  const local: MaskCounts = {};
  try {
    const edits = new Walker(text, rules, local, null).run();
    let out = '';
    let copied = 0;
    for (const e of edits) {
      out += text.slice(copied, e.start) + e.replacement;
      copied = e.end;
    }
    return { text: out + text.slice(copied), wasJson: true, counts: local };
  } catch (e) {
    if (!(e instanceof NotJson) && !(e instanceof SyntaxError)) throw e;
    const counts: MaskCounts = {};
    return { text: maskTextWith(text, rules, counts), wasJson: false, counts };
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

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/**
 * The string token [from - 1, to + 1) of text with its hits replaced (applyHits, quoted). The text around the
 * hits is raw JSON without escapes, and most replacements keep characters or add '*'; but a PEM block written
 * on one line gets the line breaks of its partial form, which must be escaped (written raw they made the body
 * invalid JSON). Only the replacements are tested: testing the whole content cost ~4% of a 1 MB body.
 */
function quotedWithHits(text: string, hits: readonly Hit[], from: number, to: number, counts: MaskCounts): string {
  let out = '';
  let at = from;
  let escape = false;
  for (const h of hits) {
    const replacement = replacementOf(h.rule, text.slice(h.start, h.end), h.fragment);
    escape ||= NEEDS_ESCAPE.test(replacement);
    out += text.slice(at, h.start) + replacement;
    addCount(counts, h.rule.countName);
    at = h.end;
  }
  out += text.slice(at, to);
  return escape ? JSON.stringify(out) : `"${out}"`;
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

/** A frame no rule applies to and no path can reach below. */
const DEAD: Frame = { active: [], cursors: [] };
const STRUCTURE = /[[\]{}"]/g;

/** A recursive-descent walk that knows where it is, for rules limited to JSON paths. */
class Walker {
  private pos = 0;
  private readonly edits: Edit[] = [];
  /**
   * Where built-in detectors match in the raw text (sorted by start): a string without escapes that no
   * candidate touches has nothing to mask for them, so it is not decoded or scanned again.
   */
  private readonly hits: Hit[];
  private cand = 0;
  private readonly backslash: BackslashCursor = { from: 0, next: -1 };
  constructor(
    private readonly text: string,
    private readonly rules: readonly CompiledRule[],
    private readonly counts: MaskCounts,
    bytes: Uint8Array | null,
  ) {
    this.hits = findAll(text, rules.filter((r) => !r.isRegex), bytes).sort((a, b) => a.start - b.start);
  }

  /**
   * Mask a string token under the active rules. A string without escapes gets the raw matches of the active
   * rules that lie inside it, as found (see fastMask); one with escapes, a user regex, or a match reaching
   * outside it gets a precise pass; a string no match touches is left as it is.
   */
  private maskString(start: number, raw: string, rules: readonly CompiledRule[]): void {
    const end = start + raw.length;
    while (this.cand < this.hits.length && this.hits[this.cand]!.end <= start) this.cand++;
    const touched = this.cand < this.hits.length && this.hits[this.cand]!.start < end;
    const precise = raw.indexOf('\\') >= 0 || rules.some((r) => r.isRegex);
    if (!touched && !precise) return;
    const inside: Hit[] = [];
    let escapes = precise;
    for (let i = this.cand; !escapes && i < this.hits.length && this.hits[i]!.start < end; i++) {
      const h = this.hits[i]!;
      if (h.start <= start || h.end >= end) escapes = true;
      else if (rules.includes(h.rule)) inside.push(h);
    }
    if (escapes) return this.replace(start, raw, true, rules);
    if (inside.length === 0) return;
    this.edits.push({ start, end, replacement: quotedWithHits(this.text, resolveOverlaps(inside), start + 1, end - 1, this.counts) });
  }

  run(): Edit[] {
    const root: Frame = { active: [], cursors: [] };
    for (const r of this.rules) {
      if (r.paths === null) root.active.push(r);
      else for (const path of r.paths) root.cursors.push({ path, rule: r, at: 0 });
    }
    const start = this.activate(root, root.cursors);
    this.value(start, 0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) throw new NotJson();
    return this.edits;
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
    return active.length === 0 && pending.length === 0 ? DEAD : { active, cursors: pending };
  }

  private child(frame: Frame, key: PathKey): Frame {
    if (frame.cursors.length === 0) return frame;
    const next: Cursor[] = [];
    for (const c of frame.cursors) {
      // stepPath, inlined: this runs for every key of every object on a selected path.
      const seg = c.path[c.at];
      if (!seg) continue;
      if (seg.descendant) next.push(c);
      if (seg.key === '*' || seg.key === key) next.push({ path: c.path, rule: c.rule, at: c.at + 1 });
    }
    return this.activate(frame, next);
  }

  private skipWhitespace(): void {
    let c = this.text.charCodeAt(this.pos);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = this.text.charCodeAt(++this.pos);
  }

  private stringEnd(from: number): number {
    const end = stringTokenEnd(this.text, from, this.backslash);
    if (end < 0) throw new NotJson();
    return end;
  }

  /** The raw string token at the cursor; the cursor moves past it. */
  private stringToken(): string {
    const start = this.pos;
    this.pos = this.stringEnd(start);
    return this.text.slice(start, this.pos);
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
    this.edits.push({ start, end: start + raw.length, replacement });
  }

  private expect(ch: string): void {
    this.skipWhitespace();
    if (this.text[this.pos] !== ch) throw new NotJson();
    this.pos++;
  }

  /**
   * Skip a value no rule applies to and no path can reach: strings and brackets are hopped over without
   * walking the structure (the bulk of a document outside the selected paths).
   */
  private skip(): void {
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === '"') return void (this.pos = this.stringEnd(this.pos));
    if (c !== '{' && c !== '[') return void this.token(c === '-' || (c !== undefined && c >= '0' && c <= '9') ? NUMBER : LITERAL);
    let depth = 0;
    STRUCTURE.lastIndex = this.pos;
    for (let m = STRUCTURE.exec(this.text); m; m = STRUCTURE.exec(this.text)) {
      const ch = m[0];
      if (ch === '"') {
        STRUCTURE.lastIndex = this.stringEnd(m.index);
        continue;
      }
      depth += ch === '{' || ch === '[' ? 1 : -1;
      if (depth > MAX_DEPTH) throw new NotJson();
      if (depth === 0) return void (this.pos = m.index + 1);
    }
    throw new NotJson();
  }

  private value(frame: Frame, depth: number): void {
    if (depth > MAX_DEPTH) throw new NotJson();
    if (frame === DEAD) return this.skip();
    this.skipWhitespace();
    const c = this.text[this.pos];
    const start = this.pos;
    if (c === '"') {
      const raw = this.stringToken();
      if (frame.active.length > 0) this.maskString(start, raw, frame.active);
    } else if (c === '{') {
      this.pos++;
      this.skipWhitespace();
      if (this.text[this.pos] === '}') return void this.pos++;
      for (;;) {
        this.skipWhitespace();
        const keyStart = this.pos;
        if (this.text[this.pos] !== '"') throw new NotJson();
        const rawKey = this.stringToken();
        const key = decodeString(rawKey);
        // Keys are data too (maps keyed by email): masked under the rules active for the object.
        if (frame.active.length > 0) this.maskString(keyStart, rawKey, frame.active);
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
