/**
 * Masking inside a JSON document without re-serialising it: the raw text is scanned token by token and only
 * masked string values (and numbers that hold a match, which become strings) are rewritten, so untouched bytes,
 * key order, number spelling and integers beyond 2^53 stay exactly as the upstream sent them.
 */
import type { CompiledPath, PathKey } from './json-path.js';
import { detectionText, detectionTextOfBytes, ESCAPED } from './json-escapes.js';
import { NotJson, QuoteParityFinder, stringTokenEnd, TokenFinder, type BackslashCursor } from './json-tokens.js';
import { asciiBytes, RUN_SCAN_FROM, scratchBytes } from './run-scan.js';
import { addCount, findAll, maskTextWith, replacementOf, resolveOverlaps, type CompiledRule, type Hit } from './rules.js';
import type { MaskCounts } from './types.js';

export interface JsonMaskResult {
  text: string;
  /** false when the body was not JSON: it was then masked as plain text with every rule. */
  wasJson: boolean;
}

/** One token rewritten: text [start, end) becomes replacement. */
export interface Edit {
  start: number;
  end: number;
  replacement: string;
}

/**
 * What masking a JSON body changes: its tokens' edits (sorted, not overlapping), or, when the body was not
 * JSON, the whole text masked as plain text.
 */
export type JsonEdits = { wasJson: true; edits: Edit[] } | { wasJson: false; text: string };

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHOLE_NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LITERAL = /true|false|null/y;
const MAX_DEPTH = 512;


export function maskJsonText(text: string, rules: readonly CompiledRule[], counts: MaskCounts): JsonMaskResult {
  const r = maskJsonEdits(text, rules, counts);
  return r.wasJson ? { text: applyEdits(text, r.edits), wasJson: true } : r;
}

/**
 * maskJsonText as edits, for a caller that writes the output itself (the masking Transform copies the body's
 * bytes around them instead of building a string of the whole body). bytes: the text's bytes when it is all
 * ASCII (one per character), read by the scans instead of a copy of their own.
 */
export function maskJsonEdits(text: string, rules: readonly CompiledRule[], counts: MaskCounts, bytes: Uint8Array | null = null): JsonEdits {
  // Word reads over the bytes need an offset that is a multiple of 4.
  if (bytes !== null && (bytes.byteOffset % 4 !== 0 || bytes.length < text.length)) bytes = null;
  const known = bytes;
  return editsOrText(
    (local) => (wholeBodyOnly(rules) ? fastMask(readText(text, known), rules, local) : new Walker(text, rules, local, known).run()),
    () => text,
    rules,
    counts,
  );
}

/**
 * maskJsonEdits of an ASCII body given as its bytes (the masking Transform's): with whole-body entries only, no
 * string of the raw body is made (detectors read a text made off the bytes; the body's own characters are read
 * off the bytes where a string is decoded precisely).
 */
export function maskJsonBytes(body: Buffer, rules: readonly CompiledRule[], counts: MaskCounts): JsonEdits {
  if (!wholeBodyOnly(rules) || body.byteOffset % 4 !== 0) return maskJsonEdits(body.toString('latin1'), rules, counts, body);
  return editsOrText((local) => fastMask(readBytes(body), rules, local), () => body.toString('latin1'), rules, counts);
}

const wholeBodyOnly = (rules: readonly CompiledRule[]): boolean => rules.every((r) => r.paths === null && !r.isRegex);

/** The edits of a masking pass, or (when the body is not JSON after all) the body masked as plain text. */
function editsOrText(pass: (counts: MaskCounts) => Edit[], text: () => string, rules: readonly CompiledRule[], counts: MaskCounts): JsonEdits {
  const local: MaskCounts = {};
  try {
    const edits = pass(local);
    for (const [k, v] of Object.entries(local)) counts[k] = (counts[k] ?? 0) + v;
    return { wasJson: true, edits };
  } catch (e) {
    if (!(e instanceof NotJson) && !(e instanceof SyntaxError)) throw e;
    // Not JSON after all: every rule over the raw text is the safe reading.
    return { wasJson: false, text: maskTextWith(text(), rules, counts) };
  }
}

/** The text with its edits applied. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  let out = '';
  let copied = 0;
  for (const e of edits) {
    out += text.slice(copied, e.start) + e.replacement;
    copied = e.end;
  }
  return out + text.slice(copied);
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

/** How the whole-body path reads a body. */
interface Reading {
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

function readText(text: string, known: Uint8Array | null): Reading {
  const escaped = text.indexOf('\\') >= 0;
  // The bytes the detectors and the quote count read: the caller's, or a copy of an ASCII body's (in which the
  // escapes' stand-ins are then written: the caller's are the output's source and stay as they are).
  const bytes = text.length < RUN_SCAN_FROM ? null : escaped || known === null ? asciiBytes(text) : known;
  const d = escaped ? detectionText(text, bytes) : { text, opaque: NO_ESCAPES };
  return { seen: d.text, bytes, escaped, opaque: d.opaque, raw: (start, end) => text.slice(start, end) };
}

function readBytes(body: Buffer): Reading {
  const long = body.length >= RUN_SCAN_FROM;
  if (body.indexOf(92) < 0) {
    const text = body.toString('latin1');
    return { seen: text, bytes: long ? body : null, escaped: false, opaque: NO_ESCAPES, raw: (start, end) => text.slice(start, end) };
  }
  const into = scratchBytes(body.length);
  const d = detectionTextOfBytes(body, into);
  return { seen: d.text, bytes: long ? into : null, escaped: true, opaque: d.opaque, raw: (start, end) => body.toString('latin1', start, end) };
}

/**
 * Every rule applies to the whole body and none is a user regex, so no structure needs tracking. The
 * detectors run once over the body as they read it (json-escapes.ts: escapes that decode to an edge character
 * stand in place as such; a body without escapes is read as it is): a quote is a boundary to every detector
 * like the end of a text, so a match inside a string is exactly the match a scan of the decoded string alone
 * gives, and is applied as found. Strings with other escapes, matches that hold an escape or reach across
 * tokens (a PEM block) and numbers are decoded and masked precisely. A match outside any string must be a
 * number, or the body is not JSON and is masked as text.
 */
function fastMask(read: Reading, rules: readonly CompiledRule[], counts: MaskCounts): Edit[] {
  const { seen, escaped } = read;
  const hits: Hit[] = findAll(seen, rules, read.bytes);
  // Escapes that decode to a character a match can hold: a zero-rule "hit" that only asks for a precise pass.
  const escapes = read.opaque;
  if (hits.length === 0 && escapes.length === 0) {
    if (/^\s*$/.test(seen)) throw new NotJson();
    return [];
  }
  hits.sort((a, b) => a.start - b.start);
  // What the detectors read has no backslash left: every quote in it opens or closes a string.
  const tokens = read.bytes !== null ? new QuoteParityFinder(seen, read.bytes) : new TokenFinder(seen, true);
  const work = new Map<number, TokenWork>();
  const workFor = (start: number, end: number, isString: boolean): TokenWork => {
    let w = work.get(start);
    if (!w) work.set(start, (w = { start, end, isString, precise: !isString, hits: [] }));
    return w;
  };
  let e = 0;
  for (let h = 0; h <= hits.length; h++) {
    const at = h < hits.length ? hits[h]!.start : Infinity;
    for (; e < escapes.length && escapes[e]! < at; e++) {
      const t = tokens.at(escapes[e]!);
      if (!t.isString) throw new NotJson();
      workFor(t.start, t.end, true).precise = true;
    }
    if (h === hits.length) break;
    const hit = hits[h]!;
    const t = tokens.at(hit.start);
    if (t.isString && hit.end < t.end && !(escaped && holdsEscape(seen, hit))) {
      workFor(t.start, t.end, true).hits.push(hit);
      continue;
    }
    // Reaching across tokens, or outside strings: every token touched gets a precise pass.
    for (let p = hit.start; p < hit.end; ) {
      const u = tokens.at(p);
      if (u.isString) {
        workFor(u.start, u.end, true).precise = true;
        p = u.end < hit.end ? tokens.nextStringStart(u.end, hit.end) : hit.end;
      } else {
        const n = numberAround(seen, p);
        if (!n) throw new NotJson();
        workFor(n.start, n.end, false);
        p = hit.end;
      }
    }
  }
  const edits: Edit[] = [];
  let copied = 0;
  for (const w of [...work.values()].sort((a, b) => a.start - b.start)) {
    if (w.start < copied) continue;
    if (!w.precise) {
      // The string's own characters around its matches stay as they are: each match is an edit of its own.
      hitEdits(seen, resolveOverlaps(w.hits), counts, edits);
      continue;
    }
    const replacement = maskToken(read.raw(w.start, w.end), w.isString, rules, counts);
    if (replacement === null) continue;
    edits.push({ start: w.start, end: w.end, replacement });
    copied = w.end;
  }
  return edits;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const NO_ESCAPES: number[] = [];

/** Whether a match holds an escape's stand-in (json-escapes.ts): its raw characters are then not its value. */
function holdsEscape(seen: string, hit: Hit): boolean {
  const e = seen.indexOf(ESCAPED, hit.start);
  return e >= 0 && e < hit.end;
}

/**
 * The edits that replace the hits inside one string. A replacement is escaped where it needs it (most keep
 * characters or add '*'; a PEM block written on one line gets the line breaks of its partial form, which
 * written raw made the body invalid JSON).
 */
function hitEdits(text: string, hits: readonly Hit[], counts: MaskCounts, edits: Edit[]): void {
  for (const h of hits) {
    const replacement = replacementOf(h.rule, text.slice(h.start, h.end), h.fragment);
    edits.push({ start: h.start, end: h.end, replacement: NEEDS_ESCAPE.test(replacement) ? JSON.stringify(replacement).slice(1, -1) : replacement });
    addCount(counts, h.rule.countName);
  }
}

/** The string token [from - 1, to + 1) of text with its hits replaced (hitEdits, applied and quoted). */
function quotedWithHits(text: string, hits: readonly Hit[], from: number, to: number, counts: MaskCounts): string {
  const edits: Edit[] = [];
  hitEdits(text, hits, counts, edits);
  let out = '"';
  let at = from;
  for (const e of edits) {
    out += text.slice(at, e.start) + e.replacement;
    at = e.end;
  }
  return out + text.slice(at, to) + '"';
}

interface TokenWork {
  start: number;
  end: number;
  isString: boolean;
  /** Decode and scan with every rule (escapes, numbers, a match reaching across tokens). */
  precise: boolean;
  hits: Hit[];
}

function numberAround(text: string, p: number): { start: number; end: number } | null {
  const isNum = (c: number) => (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69;
  let s = p;
  let e = p;
  while (s > 0 && isNum(text.charCodeAt(s - 1))) s--;
  while (e < text.length && isNum(text.charCodeAt(e))) e++;
  return e > s && WHOLE_NUMBER.test(text.slice(s, e)) ? { start: s, end: e } : null;
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
