/**
 * Group commit for the audit trail. Records appended during one turn of the event loop are
 * committed together on the next turn; each caller's promise settles when its record is durable,
 * and only then does the gateway end the response. A failed commit rejects every waiting caller.
 *
 * Records nobody waits for (SQL statements, `appendNoWait`) are gathered for up to
 * `noWaitDelayMs` or `noWaitMaxRecords` (10 ms, 1,000 by default), whichever comes first: a commit costs far more than a row,
 * and at thousands of statements a second per-turn commits would cost more than the statements.
 * A waiting record in the batch brings the commit forward to the next turn.
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import type { AuditRecord, StateStore } from './types.js';

interface Pending {
  records: AuditRecord[];
  resolves: Array<() => void>;
  rejects: Array<(e: Error) => void>;
}

const noop = (): void => {};

export class AuditWriter {
  private pending: Pending | null = null;
  private jsonlFd: number | null = null;
  /** False after a failed commit, until one succeeds again: the gateway fails closed meanwhile. */
  healthy = true;
  lastError: Error | null = null;

  private timer: NodeJS.Timeout | null = null;
  private immediate = false;
  private readonly noWaitDelayMs: number;
  private readonly noWaitMaxRecords: number;

  constructor(
    private readonly store: StateStore,
    jsonlPath?: string,
    options: { noWaitDelayMs?: number; noWaitMaxRecords?: number } = {},
  ) {
    if (jsonlPath) this.jsonlFd = openSync(jsonlPath, 'a');
    this.noWaitDelayMs = options.noWaitDelayMs ?? 10;
    this.noWaitMaxRecords = options.noWaitMaxRecords ?? 1000;
  }

  append(record: AuditRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue(record, resolve, reject);
      this.commitNextTurn();
    });
  }

  /**
   * Appends without a promise: `failed` is called if the record's commit fails. For callers that do
   * not wait for durability (a SQL session between statements), at a fraction of the cost.
   */
  appendNoWait(record: AuditRecord, failed: (e: Error) => void): void {
    const batch = this.queue(record, noop, failed);
    if (batch.records.length >= this.noWaitMaxRecords) this.commitNextTurn();
    else if (!this.timer && !this.immediate) {
      this.timer = setTimeout(() => this.flush(), this.noWaitDelayMs);
    }
  }

  private queue(record: AuditRecord, resolve: () => void, reject: (e: Error) => void): Pending {
    const batch = (this.pending ??= { records: [], resolves: [], rejects: [] });
    batch.records.push(record);
    batch.resolves.push(resolve);
    batch.rejects.push(reject);
    return batch;
  }

  private commitNextTurn(): void {
    if (this.immediate) return;
    this.immediate = true;
    setImmediate(() => this.flush());
  }

  /** Commits what is queued now (also called at shutdown). */
  flush(): void {
    const batch = this.pending;
    this.immediate = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
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
