/**
 * Parse results cached by statement text, so steady state is a hash lookup. Two levels: the exact
 * text (prepared statements, repeated queries), then the text with literals replaced by the real
 * parser's normalizer (the same statement with other values). A statement's class and tables never
 * depend on a literal's value (DO bodies are admin whatever they say), so sharing by normalized text
 * is sound. The texts kept in a cached analysis are a representative; callers needing the exact
 * statement text (EXPLAIN) re-parse.
 */
import { normalizeSync } from 'libpg-query';
import { analyze, type Analysis } from './classify.js';

/**
 * A bounded map that keeps what is used (second chance, "CLOCK"): a hit only marks the entry, so a
 * lookup never rewrites the map; at eviction a marked entry is moved to the back, unmarked, once.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, { value: V; used: boolean }>();
  constructor(private readonly capacity: number) {}
  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    e.used = true;
    return e.value;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, { value, used: false });
    if (this.map.size > this.capacity) this.evictOne();
  }
  private evictOne(): void {
    // Every marked entry is unmarked as it is passed over, so this ends within one turn of the map.
    for (const [k, e] of this.map) {
      this.map.delete(k);
      if (!e.used) return;
      e.used = false;
      this.map.set(k, e);
    }
  }
  get size(): number {
    return this.map.size;
  }
}

/**
 * A key for texts made only of identifiers, whitespace, simple punctuation and integer literals: the
 * text with each standalone digit run replaced by "?". Null for anything else ("$", quotes, comments,
 * non-ASCII), which takes the normalizer's path. A key is trusted only after the normalizer has agreed
 * that exactly those digit runs are the statement's constants (see `verified`).
 */
export function fastKey(sql: string): { key: string; runs: Array<[number, number]> } | null {
  const runs: Array<[number, number]> = [];
  const key = scanFastKey(sql, runs);
  return key === null ? null : { key, runs };
}

/** The fast key of `sql` or null; the digit runs replaced are appended to `runs` when given. */
function scanFastKey(sql: string, runs?: Array<[number, number]>): string | null {
  const n = sql.length;
  if (n > MAX_CACHED_TEXT) return null;
  let key = '';
  let last = 0;
  for (let i = 0; i < n; i++) {
    const c = sql.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && isDigit(sql.charCodeAt(j))) j++;
      const before = i > 0 ? sql.charCodeAt(i - 1) : 32;
      const after = j < n ? sql.charCodeAt(j) : 32;
      if (!isWordOrDot(before) && !isWordOrDot(after)) {
        runs?.push([i, j]);
        key += sql.slice(last, i) + '?';
        last = j;
      }
      i = j - 1;
      continue;
    }
    if (!ALLOWED[c]) return null;
    if (c === 45 && sql.charCodeAt(i + 1) === 45) return null; // "--" starts a comment
  }
  return last === 0 ? sql : key + sql.slice(last);
}

const ALLOWED: boolean[] = [];
for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_ \t\n\r(),.;=<>*+-') ALLOWED[ch.charCodeAt(0)] = true;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordOrDot = (c: number) => isDigit(c) || c === 95 || c === 46 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** True when the normalizer replaced exactly the digit runs of the fast key, in order, and nothing else. */
function verified(sql: string, runs: Array<[number, number]>, normalized: string): boolean {
  let si = 0;
  let ni = 0;
  for (let i = 0; i < runs.length; i++) {
    const [a, b] = runs[i]!;
    const seg = sql.slice(si, a);
    const ph = '$' + (i + 1);
    if (normalized.startsWith(seg + ph, ni)) ni += seg.length + ph.length;
    // The parser folds a unary minus into the constant: "-5" is one placeholder.
    else if (seg.endsWith('-') && normalized.startsWith(seg.slice(0, -1) + ph, ni)) ni += seg.length - 1 + ph.length;
    else return false;
    si = b;
  }
  return normalized.slice(ni) === sql.slice(si);
}

const UNSAFE = { ok: false, error: 'not eligible for the fast key' } as const;

/** Texts longer than this are parsed every time rather than pinned in memory. */
const MAX_CACHED_TEXT = 16 * 1024;

export class StatementCache {
  private readonly exact: Lru<string, Analysis>;
  private readonly normalized: Lru<string, Analysis>;
  private readonly fast: Lru<string, Analysis>;
  hits = 0;
  misses = 0;
  constructor(capacity = 5000) {
    this.exact = new Lru(capacity);
    this.normalized = new Lru(capacity);
    this.fast = new Lru(capacity);
  }

  analyze(sql: string): Analysis {
    const cacheable = sql.length <= MAX_CACHED_TEXT;
    // The same statement with other integers (the common case of a driver without parameters) is
    // found by its fast key; texts the key cannot cover are looked up exactly.
    const quick = cacheable ? scanFastKey(sql) : null;
    if (quick !== null) {
      const hit = this.fast.get(quick);
      if (hit !== undefined && hit !== UNSAFE) {
        this.hits++;
        return hit;
      }
    }
    if (cacheable) {
      const hit = this.exact.get(sql);
      if (hit) {
        this.hits++;
        return hit;
      }
    }
    const fk = quick !== null ? fastKey(sql) : null;
    let key: string;
    try {
      key = normalizeSync(sql);
    } catch {
      // The parser rejects it: analyze() reports the parser's message.
      this.misses++;
      return analyze(sql);
    }
    let result = cacheable ? this.normalized.get(key) : undefined;
    if (result) this.hits++;
    else {
      this.misses++;
      result = analyze(sql);
      if (cacheable && result.ok) this.normalized.set(key, result);
    }
    if (cacheable && result.ok) this.exact.set(sql, result);
    if (fk && result.ok && !this.fast.get(fk.key)) this.fast.set(fk.key, verified(sql, fk.runs, key) ? result : UNSAFE);
    return result;
  }
}
