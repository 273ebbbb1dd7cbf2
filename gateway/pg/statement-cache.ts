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

export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      // Re-insert to mark as recently used.
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }
  get size(): number {
    return this.map.size;
  }
}

/** Texts longer than this are parsed every time rather than pinned in memory. */
const MAX_CACHED_TEXT = 16 * 1024;

export class StatementCache {
  private readonly exact: Lru<string, Analysis>;
  private readonly normalized: Lru<string, Analysis>;
  hits = 0;
  misses = 0;
  constructor(capacity = 5000) {
    this.exact = new Lru(capacity);
    this.normalized = new Lru(capacity);
  }

  analyze(sql: string): Analysis {
    const cacheable = sql.length <= MAX_CACHED_TEXT;
    if (cacheable) {
      const hit = this.exact.get(sql);
      if (hit) {
        this.hits++;
        return hit;
      }
    }
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
    return result;
  }
}
