/**
 * Group commit for the audit trail. Records appended during one turn of the event loop are
 * committed together on the next turn; each caller's promise settles when its record is durable,
 * and only then does the gateway end the response. A failed commit rejects every waiting caller.
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import type { AuditRecord, StateStore } from './types.js';

interface Pending {
  records: AuditRecord[];
  resolves: Array<() => void>;
  rejects: Array<(e: Error) => void>;
}

export class AuditWriter {
  private pending: Pending | null = null;
  private jsonlFd: number | null = null;
  /** False after a failed commit, until one succeeds again: the gateway fails closed meanwhile. */
  healthy = true;
  lastError: Error | null = null;

  constructor(private readonly store: StateStore, jsonlPath?: string) {
    if (jsonlPath) this.jsonlFd = openSync(jsonlPath, 'a');
  }

  append(record: AuditRecord): Promise<void> {
    let batch = this.pending;
    if (!batch) {
      batch = this.pending = { records: [], resolves: [], rejects: [] };
      setImmediate(() => this.flush());
    }
    batch.records.push(record);
    return new Promise<void>((resolve, reject) => {
      batch.resolves.push(resolve);
      batch.rejects.push(reject);
    });
  }

  /** Commits what is queued now (also called at shutdown). */
  flush(): void {
    const batch = this.pending;
    if (!batch) return;
    this.pending = null;
    try {
      this.store.appendAudit(batch.records);
      if (this.jsonlFd !== null) writeSync(this.jsonlFd, batch.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      this.healthy = true;
      this.lastError = null;
      for (const r of batch.resolves) r();
    } catch (e) {
      this.healthy = false;
      this.lastError = e as Error;
      for (const r of batch.rejects) r(e as Error);
    }
  }

  close(): void {
    this.flush();
    if (this.jsonlFd !== null) closeSync(this.jsonlFd);
    this.jsonlFd = null;
  }
}
