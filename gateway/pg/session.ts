/**
 * One client session: a client socket, its upstream session, and the policy between them. Client
 * messages are handled in order (a held statement holds the ones behind it, as PostgreSQL would);
 * upstream replies are matched to Units and forwarded, masked and audited on the way.
 */
import type { Socket } from 'node:net';
import type { Identity } from '../identity/identity.js';
import type { Decision, MaskSpec } from '../policy/index.js';
import type { StatementInfo } from './classify.js';
import { SessionDecisions, needsEstimate, type Requester } from './decide.js';
import { PgGatewayError } from './errors.js';
import type { PgAuditRecord, PgHooks } from './hooks.js';
import { MessageReader, errorFromGateway, message, parseQuery, type FramedMessage, type Message } from './protocol.js';
import { Approvals } from './approvals.js';
import type { StatementCache } from './statement-cache.js';
import { newRun, type InternalSink, type Run, type Unit, type UnitKind } from './units.js';
import { Explainer } from './explain.js';
import { Replies } from './replies.js';
import { ExtendedProtocol } from './extended.js';
import { auditRecord } from './audit.js';
import type { UpstreamSession } from './upstream.js';

/** Sent upstream in place of a refused statement: it fails at parse time, so the upstream's own error
 * handling (aborting a transaction block, skipping to Sync) happens exactly as for a real error. */
export const DENIED_TEXT = 'CHAINWARDEN DENIED';
export const DENIED_NAME = 'chainwarden$denied';

export interface SessionContext {
  connection: string;
  target: string;
  hooks: PgHooks;
  cache: StatementCache;
  identity: Identity;
  pid: number;
  /** The connection's own masks in the current policy (read per statement: reloads apply at once). */
  readonly connectionMask: MaskSpec[];
  tableName(oid: number): string | null;
  /** The reason the session must end (its key left the policy, its token expired), or null. */
  credentialProblem(): PgGatewayError | null;
  /** The statement as decided: calls to volatile user functions add a write (volatile-functions.ts). */
  effective(info: StatementInfo): StatementInfo;
  onClose(): void;
}

export class Session {
  readonly units: Unit[] = [];
  private batch = 0;
  erroredBatch = -1;
  txStatus = 'I';
  private readonly sqlPrepared = new Map<string, StatementInfo>();
  private readonly queue: Message[] = [];
  private busy = false;
  closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly clientReader = new MessageReader();
  readonly approvals: Approvals;
  readonly decisions: SessionDecisions;
  private readonly extended: ExtendedProtocol;
  readonly explainer: Explainer;
  private readonly replies: Replies;

  constructor(
    readonly ctx: SessionContext,
    readonly client: Socket,
    readonly upstream: UpstreamSession,
    clientLeftover: Buffer,
  ) {
    this.decisions = new SessionDecisions({ chain: ctx.identity.chain, groups: ctx.identity.groups, connection: ctx.connection });
    this.approvals = new Approvals(this);
    this.explainer = new Explainer(this);
    this.extended = new ExtendedProtocol(this);
    this.replies = new Replies(this);
    upstream.socket.on('data', (chunk: Buffer) => this.replies.onData(chunk));
    upstream.socket.on('close', () => this.close(new PgGatewayError('CW_PG_UPSTREAM_UNAVAILABLE', 'the upstream closed the connection', { fatal: true })));
    upstream.socket.on('error', () => {});
    client.on('data', (chunk: Buffer) => this.onClientData(chunk));
    client.on('close', () => this.close());
    client.on('error', () => {});
    client.on('drain', () => upstream.socket.resume());
    upstream.socket.on('drain', () => client.resume());
    this.txStatus = upstream.txStatus;
    for (const m of upstream.leftover) this.replies.onMessage(m);
    if (clientLeftover.length) this.onClientData(clientLeftover);
  }

  get who(): Requester {
    return this.decisions.who;
  }

  // ---- output helpers -------------------------------------------------------------------------

  /**
   * Replies gathered while one upstream chunk is handled go out in one write. Messages forwarded
   * unchanged are kept as one range of their chunk, so a chunk passed through whole is written as is.
   */
  outbox: Buffer[] | null = null;
  private rangeChunk: Buffer | null = null;
  private rangeStart = 0;
  private rangeEnd = 0;

  toClient(buf: Buffer, run?: Run): void {
    if (run) run.bytesOut += buf.length;
    if (this.outbox) {
      this.closeRange();
      this.outbox.push(buf);
    } else if (!this.client.write(buf)) this.upstream.socket.pause();
  }

  /** An upstream message passed to the client as it arrived. */
  forward(m: FramedMessage, run?: Run): void {
    if (run) run.bytesOut += m.end - m.start;
    if (!this.outbox) return this.toClient(m.raw);
    if (this.rangeChunk === m.chunk && this.rangeEnd === m.start) {
      this.rangeEnd = m.end;
      return;
    }
    this.closeRange();
    this.rangeChunk = m.chunk;
    this.rangeStart = m.start;
    this.rangeEnd = m.end;
  }

  private closeRange(): void {
    if (this.rangeChunk === null) return;
    const c = this.rangeChunk;
    this.outbox!.push(this.rangeStart === 0 && this.rangeEnd === c.length ? c : c.subarray(this.rangeStart, this.rangeEnd));
    this.rangeChunk = null;
  }

  flushOutbox(): void {
    if (this.outbox) this.closeRange();
    const out = this.outbox;
    this.outbox = null;
    if (!out || out.length === 0 || this.client.destroyed) return;
    if (!this.client.write(out.length === 1 ? out[0]! : Buffer.concat(out))) this.upstream.socket.pause();
  }

  private upOutbox: Buffer[] | null = null;

  toUpstream(buf: Buffer): void {
    if (this.upOutbox) this.upOutbox.push(buf);
    else if (!this.upstream.socket.write(buf)) this.client.pause();
  }

  private flushUpstream(): void {
    const out = this.upOutbox;
    this.upOutbox = null;
    if (!out || out.length === 0 || this.upstream.socket.destroyed) return;
    if (!this.upstream.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out))) this.client.pause();
  }

  enqueue(kind: UnitKind, extra: Partial<Unit> = {}): Unit {
    const u: Unit = { kind, batch: this.batch, ...extra };
    this.units.push(u);
    return u;
  }

  /** Resolves when the upstream owes nothing (used before EXPLAIN in the simple protocol). */
  idle(): Promise<void> {
    if (this.units.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get skipping(): boolean {
    return this.erroredBatch === this.batch;
  }

  close(error?: PgGatewayError): void {
    if (this.closed) return;
    this.closed = true;
    this.approvals.abortAll();
    if (error && !this.client.destroyed) this.client.end(errorFromGateway(error, true));
    else this.client.destroy();
    if (!this.upstream.socket.destroyed) this.upstream.socket.end(message('X'));
    for (const u of this.units.splice(0)) u.internal?.done();
    this.ctx.onClose();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- client side ----------------------------------------------------------------------------

  private onClientData(chunk: Buffer): void {
    let msgs: Message[];
    try {
      msgs = this.clientReader.push(chunk);
    } catch (e) {
      this.close(e instanceof PgGatewayError ? e : undefined);
      return;
    }
    for (const m of msgs) this.queue.push(m);
    if (this.queue.length > 256) this.client.pause();
    if (!this.busy) this.pump();
  }

  /**
   * Handles queued client messages in order. Runs synchronously while nothing waits (the common case
   * costs no promise); a statement that waits (EXPLAIN, an approval) continues the queue when done.
   * Messages handled without waiting (a pipeline: Parse, Bind, Describe, Execute, Sync) go upstream
   * in one write; anything sent while a statement waits is written at once.
   */
  private pump(): void {
    this.busy = true;
    this.upOutbox = [];
    try {
      while (this.queue.length && !this.closed) {
        const pending = this.handleClient(this.queue.shift()!);
        if (pending) {
          this.flushUpstream();
          void this.resumeAfter(pending);
          return;
        }
      }
      this.flushUpstream();
    } catch (e) {
      this.failPump(e);
    }
    this.idlePump();
  }

  private async resumeAfter(pending: Promise<void>): Promise<void> {
    try {
      await pending;
    } catch (e) {
      this.failPump(e);
      return this.idlePump();
    }
    this.pump();
  }

  private failPump(e: unknown): void {
    this.flushUpstream();
    this.close(e instanceof PgGatewayError ? e : new PgGatewayError('CW_PG_BAD_MESSAGE', (e as Error).message));
  }

  private idlePump(): void {
    this.busy = false;
    if (!this.closed && this.client.isPaused()) this.client.resume();
  }

  private handleClient(m: Message): Promise<void> | void {
    const problem = this.ctx.credentialProblem();
    if (problem) throw problem;
    switch (m.type) {
      case 0x51 /* Q */: return this.onQuery(m);
      case 0x50 /* P */: return this.extended.onParse(m);
      case 0x42 /* B */: return this.extended.onBind(m);
      case 0x44 /* D */: return this.extended.onDescribe(m);
      case 0x45 /* E */: return this.extended.onExecute(m);
      case 0x43 /* C */: return this.extended.onClose(m);
      case 0x53 /* S */:
        this.toUpstream(m.raw);
        this.enqueue('sync');
        this.batch++;
        return;
      case 0x48 /* H */: case 0x64 /* d */: case 0x63 /* c */: case 0x66 /* f */:
        this.toUpstream(m.raw);
        return;
      case 0x58 /* X */:
        // Whatever came before Terminate in the same read still reaches the server, then the session ends.
        this.flushUpstream();
        this.close();
        return;
      case 0x46 /* F */:
        // The fastpath function call bypasses SQL entirely, so nothing could classify it.
        return this.refuseQuery(new PgGatewayError('CW_PG_FASTPATH_REFUSED'), [], m.raw.length);
      default:
        throw new PgGatewayError('CW_PG_UNEXPECTED_MESSAGE', String.fromCharCode(m.type));
    }
  }

  /** Sends the upstream a statement that fails, and shows the client `error` in its place. */
  refuseQuery(error: PgGatewayError, runs: Run[], bytesIn: number): void {
    for (const r of runs) this.auditRun(r, 'denied', error.message);
    if (runs.length === 0) this.auditRun({ ...newRun(null, bytesIn), unparsable: bytesIn }, 'denied', error.message);
    this.toUpstream(message('Q', DENIED_TEXT));
    this.enqueue('query', { substitute: error, runs: [], runIndex: 0 });
  }

  /** The statement EXECUTE name(...) stands for, with the EXECUTE text for audit. */
  resolveExecute(info: StatementInfo, earlier?: Map<string, StatementInfo | null>): StatementInfo | PgGatewayError {
    if (info.execute === undefined) return this.ctx.effective(info);
    const inner = earlier?.has(info.execute) ? earlier.get(info.execute) : this.sqlPrepared.get(info.execute);
    if (!inner) return new PgGatewayError('CW_PG_UNKNOWN_PREPARED', info.execute);
    return this.ctx.effective({ ...inner, text: info.text, normalized: info.normalized, explainable: true });
  }

  private onQuery(m: Message): Promise<void> | void {
    const text = parseQuery(m.body);
    const analysis = this.ctx.cache.analyze(text);
    if (!analysis.ok) return this.refuseQuery(new PgGatewayError('CW_PG_UNPARSABLE', analysis.error), [], m.raw.length);
    const compiled = this.ctx.hooks.compiled();
    const runs: Run[] = [];
    let refusal: PgGatewayError | null = null;
    let held = false;
    // PREPARE and DEALLOCATE earlier in the same string, for an EXECUTE behind them (see `followEarlier`).
    const earlier = analysis.statements.length > 1 ? new Map<string, StatementInfo | null>() : undefined;
    for (const stmt of analysis.statements) {
      const resolved = this.resolveExecute(stmt, earlier);
      if (earlier) this.followEarlier(stmt, earlier);
      const run = newRun(resolved instanceof PgGatewayError ? stmt : resolved, runs.length ? 0 : m.raw.length);
      runs.push(run);
      if (resolved instanceof PgGatewayError) {
        refusal ??= resolved;
        continue;
      }
      run.decision = this.decisions.decide(compiled, resolved);
      run.specs = run.decision.mask.length ? [...this.ctx.connectionMask, ...run.decision.mask] : this.ctx.connectionMask;
      if (run.decision.effect === 'deny') refusal ??= denial(run.decision);
      else if (resolved.copy === 'out' && run.specs.length) refusal ??= new PgGatewayError('CW_PG_COPY_MASKED');
      else if (run.decision.effect === 'approve') held = true;
    }
    if (refusal) return this.refuseQuery(refusal, runs, m.raw.length);
    if (held) return this.holdQuery(m, text, runs, analysis.statements);
    this.forwardQuery(m, runs, analysis.statements);
  }

  private async holdQuery(m: Message, text: string, runs: Run[], statements: StatementInfo[]): Promise<void> {
    const compiled = this.ctx.hooks.compiled();
    if (runs.some((r) => needsEstimate(compiled, r.decision!))) {
      const estimates = await this.explainer.simple(text, runs);
      runs.forEach((r, i) => {
        if (r.decision!.effect !== 'approve' || estimates[i] === undefined) return;
        r.estimatedRows = estimates[i]!;
        r.decision = this.decisions.decide(compiled, r.info!, estimates[i]);
      });
    }
    const still = runs.filter((r) => r.decision!.effect === 'approve');
    if (still.length) {
      const outcome = await this.approvals.hold(still);
      if (!outcome.approved) return this.refuseQuery(outcome.error, runs, m.raw.length);
    }
    this.forwardQuery(m, runs, statements);
  }

  /**
   * Within one simple-query string, what EXECUTE will mean after the statements before it. Sound
   * because an error anywhere in the string skips the rest of it: a later EXECUTE runs only if every
   * PREPARE and DEALLOCATE before it succeeded. A PREPARE of a name that already exists fails, so it
   * changes nothing here either.
   */
  private followEarlier(stmt: StatementInfo, earlier: Map<string, StatementInfo | null>): void {
    if (stmt.prepare) {
      const n = stmt.prepare.name;
      const exists = earlier.has(n) ? earlier.get(n) !== null : this.sqlPrepared.has(n);
      if (!exists) earlier.set(n, stmt.prepare.inner);
    } else if (stmt.deallocate === '*') {
      for (const n of [...this.sqlPrepared.keys(), ...earlier.keys()]) earlier.set(n, null);
    } else if (stmt.deallocate) earlier.set(stmt.deallocate, null);
  }

  /**
   * PREPARE and DEALLOCATE change what EXECUTE means only once the upstream confirms them
   * (CommandComplete), so the gateway's view never runs ahead of the server's.
   */
  confirmed(info: StatementInfo): void {
    if (info.prepare) this.sqlPrepared.set(info.prepare.name, info.prepare.inner);
    if (info.deallocate === '*') this.sqlPrepared.clear();
    else if (info.deallocate) this.sqlPrepared.delete(info.deallocate);
  }

  private forwardQuery(m: Message, runs: Run[], _statements: StatementInfo[]): void {
    const now = Date.now();
    for (const r of runs) r.upstreamStart = now;
    this.toUpstream(m.raw);
    this.enqueue('query', { runs, runIndex: 0 });
  }

  /** The oldest unit is answered. */
  pop(): void {
    this.units.shift();
    if (this.units.length === 0 && this.idleWaiters.length) for (const w of this.idleWaiters.splice(0)) w();
  }

  // ---- audit ----------------------------------------------------------------------------------

  auditRun(run: Run, status: PgAuditRecord['status'], error: string | null, rows: number | null = null): void {
    if (run.audited) return;
    run.audited = true;
    try {
      const p = this.ctx.hooks.audit(auditRecord(this.ctx, run, status, error, rows), this.auditFailed);
      if (p && typeof (p as Promise<void>).catch === 'function') (p as Promise<void>).catch(this.auditFailed);
    } catch {
      this.auditFailed();
    }
  }

  private readonly auditFailed = (): void => this.close(new PgGatewayError('CW_PG_AUDIT_FAILED', '', { fatal: true }));
}

export function denial(d: Decision): PgGatewayError {
  const why = d.reasons[0] ?? 'no rule matched (default deny)';
  return new PgGatewayError('CW_PG_DENIED', d.rule ? `rule "${d.rule}": ${why}` : why, { detail: d.reasons.join('\n') });
}

export function silentSink(done: () => void = () => {}): InternalSink {
  return { firstColumn: [], error: null, forwardError: false, done };
}
