/**
 * One call through the gateway: what the stages learn about it, and how it ends. Every ending goes
 * through `settle`, which appends the audit record and waits for it to be durable before the last
 * byte reaches the caller, so an answered call always has its record.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transform } from 'node:stream';
import { errorBody, statusOf, type ErrorCode } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import type { Decision } from '../policy/engine.js';
import type { AuditRecord } from '../store/types.js';
import type { AuditWriter } from '../store/audit-writer.js';
import { isoTime } from '../store/iso-time.js';
import type { Masker } from '../mask/masker.js';
import { requestEnd } from './channels.js';
import type { Runtime, Upstream } from './runtime.js';

export interface ExchangeEnv {
  writer: AuditWriter;
  failOpen: boolean;
}

export class Exchange {
  readonly id = randomUUID();
  readonly startedAt = Date.now();
  readonly t0 = performance.now();
  connection: string | null = null;
  path = '';
  query = '';
  upstream: Upstream | undefined;
  identity: Identity | undefined;
  decision: Decision | undefined;
  runId: string | null = null;
  bytesIn = 0;
  bytesOut = 0;
  status = 0;
  upstreamStart = 0;
  upstreamMs: number | null = null;
  error: ErrorCode | null = null;
  /** A response-body transform (masking) chosen for this call; it may count what it masked. */
  transform: (Transform & { maskedCounts?: Record<string, number>; counts?: Record<string, number> }) | null = null;
  /** Masking to apply once the response's content type and encoding are known. */
  masker: Masker | null = null;
  /** The request body, when a stage had to read it first (a held call's summary); forwarded as is. */
  prefetched: Buffer | null = null;
  approvalId: string | null = null;
  approver: string | null = null;
  /** Why masking refused the response (a CW_MASK_* code), for the record. */
  maskError: string | null = null;
  settled = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly runtime: Runtime,
    readonly env: ExchangeEnv,
  ) {}

  /** "METHOD /path", relative to the connection, never with the query (it may carry keys). */
  get operation(): string {
    return `${this.req.method} ${this.path || (this.req.url ?? '').split('?')[0]}`;
  }

  /** Answers with a coded error (after its audit record is durable). */
  fail(code: ErrorCode, detail?: string, rule: string | null = null): void {
    this.error = code;
    this.status = statusOf(code);
    const body = errorBody(code, this.id, detail, rule);
    this.settle(() => {
      if (this.res.headersSent) return void this.res.destroy();
      this.res.writeHead(this.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-chainwarden-request-id': this.id });
      this.res.end(body);
    });
  }

  /** Records the call, then runs `end` once the record is durable (or the store failed and failOpen says go on). */
  settle(end: () => void): void {
    if (this.settled) return;
    this.settled = true;
    const record = this.record();
    if (requestEnd.hasSubscribers) requestEnd.publish({ record });
    this.env.writer.append(record).then(end, () => {
      if (this.env.failOpen) return end();
      // The record is not durable: the caller must not see a completed answer.
      if (this.res.headersSent) return void this.res.destroy();
      const body = errorBody('CW_ERR_AUDIT_UNAVAILABLE', this.id);
      this.res.writeHead(503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      this.res.end(body);
    });
  }

  record(): AuditRecord {
    const d = this.decision;
    const id = this.identity;
    const end = Date.now();
    const u = this.upstream;
    return {
      id: this.id,
      ts_start: isoTime(this.startedAt),
      ts_end: isoTime(end),
      chain: id?.chain ?? null,
      subject: id?.subject ?? null,
      groups: id?.groups ?? [],
      key_id: id?.keyId ?? null,
      connection: this.connection,
      kind: 'http',
      operation: this.operation,
      target: u ? u.origin + u.basePath + this.path : null,
      decision: d?.effect ?? 'deny',
      rule: d?.rule ?? null,
      approval_id: this.approvalId,
      approver: this.approver,
      status: this.status,
      bytes_in: this.bytesIn,
      bytes_out: this.bytesOut,
      latency_ms: round(performance.now() - this.t0),
      upstream_ms: this.upstreamMs === null ? null : round(this.upstreamMs),
      masked: this.transform?.maskedCounts ?? this.transform?.counts ?? {},
      error: this.maskError ? `${this.error ?? 'CW_ERR_MASKING_BLOCKED'}: ${this.maskError}` : this.error,
      run_id: this.runId,
      flagged: d?.effect === 'flag',
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
