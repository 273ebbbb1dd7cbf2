import { existsSync } from 'node:fs';
import { openSqlite } from '../store/sqlite-driver.js';
import type { Grant } from '../policy/engine.js';
import type { Policy } from '../policy/types.js';
import { storePath } from '../store/open.js';

/**
 * Grants from approved requests, read straight from the embedded store (read-only) so that
 * `policy explain` shows the overlay whether or not the gateway is running.
 */
export async function activeGrants(policy: Policy, now = Date.now()): Promise<Grant[]> {
  if (!policy.gateway.store.startsWith('sqlite:')) return [];
  const { path } = storePath(policy.gateway.store, policy.file);
  if (!existsSync(path)) return [];
  const db = openSqlite(path, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'grants'").get();
    if (!table) return [];
    const rows = db.prepare('SELECT id, chain, connection, operation, expires_at, granted_by, reason FROM grants WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)').all(now) as Array<Record<string, any>>;
    return rows.map((r) => ({ id: r.id, chain: r.chain, connection: r.connection, operation: r.operation, expiresAt: r.expires_at, grantedBy: r.granted_by ?? undefined, reason: r.reason ?? undefined }));
  } finally {
    db.close();
  }
}
