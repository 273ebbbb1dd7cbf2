/**
 * SQLite for the embedded store, from whichever driver the running Node can load: better-sqlite3 (a
 * native module, built for the Node that installed it) or Node's own `node:sqlite` (Node 22.13+).
 * The gateway started by the VS Code extension runs on the editor's runtime, whose ABI differs from
 * the Node that built better-sqlite3; there `node:sqlite` serves the same store file.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface SqlStatement {
  run(...params: unknown[]): { changes: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqlDb {
  readonly driver: 'better-sqlite3' | 'node:sqlite';
  readonly readonly: boolean;
  readonly open: boolean;
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  /** Wraps `fn` in BEGIN … COMMIT (ROLLBACK when it throws). */
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}

export interface OpenOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
  /** Force a driver (tests); by default better-sqlite3, else node:sqlite. */
  driver?: 'better-sqlite3' | 'node:sqlite';
}

let betterSqlite: unknown;
let betterSqliteError: Error | undefined;

function loadBetterSqlite(): (new (path: string, o: object) => any) | undefined {
  if (betterSqlite === undefined && betterSqliteError === undefined) {
    try {
      betterSqlite = require('better-sqlite3');
      // Loading the JS succeeds even where the native part cannot: open a database to be sure.
      new (betterSqlite as new (p: string) => { close(): void })(':memory:').close();
    } catch (e) {
      betterSqlite = undefined;
      betterSqliteError = e as Error;
    }
  }
  return betterSqlite as never;
}

function loadNodeSqlite(): { DatabaseSync: new (path: string, o: object) => any } | undefined {
  try {
    return require('node:sqlite');
  } catch {
    return undefined;
  }
}

export function openSqlite(path: string, options: OpenOptions = {}): SqlDb {
  const readonly = options.readonly ?? false;
  if (options.driver !== 'node:sqlite') {
    const Better = loadBetterSqlite();
    if (Better) return wrap('better-sqlite3', new Better(path, { readonly, fileMustExist: options.fileMustExist ?? false }), readonly);
    if (options.driver === 'better-sqlite3') throw betterSqliteError!;
  }
  const nodeSqlite = loadNodeSqlite();
  if (!nodeSqlite) {
    throw Object.assign(
      new Error(`no SQLite driver can be loaded on Node ${process.versions.node}: better-sqlite3 failed (${betterSqliteError?.message.split('\n')[0] ?? 'not tried'}) and node:sqlite needs Node 22.13 or later`),
      { code: 'CW_ERR_STORE' },
    );
  }
  if (options.fileMustExist) {
    // node:sqlite creates missing files; the callers that need an existing one check first.
    require('node:fs').accessSync(path);
  }
  return wrap('node:sqlite', new nodeSqlite.DatabaseSync(path, { readOnly: readonly }), readonly);
}

function wrap(driver: SqlDb['driver'], db: any, readonly: boolean): SqlDb {
  let open = true;
  return {
    driver,
    readonly,
    get open() {
      return open;
    },
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => db.prepare(sql) as SqlStatement,
    transaction<A extends unknown[]>(fn: (...args: A) => void) {
      return (...args: A) => {
        db.exec('BEGIN');
        try {
          fn(...args);
          db.exec('COMMIT');
        } catch (e) {
          db.exec('ROLLBACK');
          throw e;
        }
      };
    },
    close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}

/** Where better-sqlite3 lives, for the checkpoint worker (only when that driver is in use). */
export function betterSqlitePath(): string {
  return require.resolve('better-sqlite3');
}
