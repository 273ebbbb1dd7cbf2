/**
 * Calls to VOLATILE functions defined in the database (outside pg_catalog and information_schema)
 * count as writes: PostgreSQL lets only volatile functions modify data, and the parse tree cannot
 * show what a user function does. STABLE and IMMUTABLE functions are reads by PostgreSQL's own rules.
 * The list comes from the upstream's catalog, refreshed as sessions start (at most every 30 s).
 */
import type { SqlClass } from '../policy/index.js';
import { CLASS_RANK } from './sql-registry.js';
import type { StatementInfo } from './classify.js';
import { queryOnce, type UpstreamTarget } from './upstream.js';

const TTL_MS = 30_000;

export class VolatileFunctions {
  private qualified = new Set<string>();
  private bare = new Set<string>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  /** Bumped on each load, so derived statements are recomputed. */
  version = 0;
  private readonly derived = new WeakMap<StatementInfo, { version: number; info: StatementInfo }>();

  constructor(private readonly target: UpstreamTarget) {}

  refresh(): Promise<void> {
    if (Date.now() - this.loadedAt < TTL_MS) return Promise.resolve();
    this.loading ??= queryOnce(
      this.target,
      "SELECT n.nspname, p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.provolatile = 'v' AND p.prokind = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
    )
      .then((rows) => {
        this.qualified = new Set(rows.map((r) => `${r[0]}.${r[1]}`.toLowerCase()));
        this.bare = new Set(rows.map((r) => String(r[1]).toLowerCase()));
        this.loadedAt = Date.now();
        this.version++;
      })
      .finally(() => (this.loading = null));
    return this.loading;
  }

  private writes(fn: string): boolean {
    return fn.includes('.') ? this.qualified.has(fn) : this.bare.has(fn);
  }

  /** The statement as decided: with a table-less write when it calls a volatile user function. */
  effective(info: StatementInfo): StatementInfo {
    if (info.functions.length === 0) return info;
    const cached = this.derived.get(info);
    if (cached && cached.version === this.version) return cached.info;
    let result = info;
    if (info.functions.some((f) => this.writes(f)) && !info.ops.some((o) => o.class === 'write' && o.tables.length === 0)) {
      const cls: SqlClass = CLASS_RANK[info.class] >= CLASS_RANK.write ? info.class : 'write';
      result = { ...info, class: cls, ops: [...info.ops, { class: 'write', tables: [] }] };
    }
    this.derived.set(info, { version: this.version, info: result });
    return result;
  }
}
