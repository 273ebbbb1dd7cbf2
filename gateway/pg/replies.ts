/**
 * The upstream's side of a session: each reply is matched to the oldest Unit, then forwarded,
 * masked, swallowed (internal units) or replaced (refused statements), and statements are audited
 * as they complete. After an error in the extended protocol the upstream skips to the next Sync, and
 * so do the units.
 */
import { PgGatewayError } from './errors.js';
import { maskDataRow, planMask } from './masking.js';
import { errorFromGateway, parseFields, parseRowDescription, rowsFromTagBytes, type ColumnDescription, type FramedMessage } from './protocol.js';
import type { Session } from './session.js';
import type { Run, Unit } from './units.js';

export class Replies {
  constructor(private readonly s: Session) {}

  onData(chunk: Buffer): void {
    let msgs: FramedMessage[];
    try {
      msgs = this.s.upstream.reader.push(chunk);
    } catch (e) {
      this.s.close(new PgGatewayError('CW_PG_UPSTREAM_UNAVAILABLE', (e as Error).message));
      return;
    }
    this.s.outbox = [];
    try {
      for (const m of msgs) {
        if (this.s.closed) break;
        this.onMessage(m);
      }
      this.s.flushOutbox();
    } catch (e) {
      this.s.flushOutbox();
      this.s.close(e instanceof PgGatewayError ? e : new PgGatewayError('CW_PG_UPSTREAM_UNAVAILABLE', (e as Error).message));
    }
  }

  onMessage(m: FramedMessage): void {
    const type = m.type;
    if (type === 0x53 /* S */) return this.onParameterStatus(m);
    if (type === 0x41 /* A */) return this.s.forward(m);
    const u = this.s.units[0];
    if (type === 0x4e /* N */) return u?.internal ? undefined : this.s.forward(m);
    if (!u) return this.s.forward(m);
    if (type === 0x45 /* E */) return this.onUpstreamError(u, m);
    const run = u.kind === 'query' ? u.runs![u.runIndex!] : u.run;
    if (u.internal) return this.onInternal(u, m);
    switch (type) {
      case 0x31 /* 1 ParseComplete */: case 0x32 /* 2 BindComplete */: case 0x33 /* 3 CloseComplete */: case 0x6e /* n NoData */:
        this.s.forward(m);
        if (u.kind !== 'query') this.s.pop();
        return;
      case 0x74 /* t ParameterDescription */:
        return this.s.forward(m);
      case 0x54 /* T RowDescription */: {
        if (u.kind === 'describe') {
          const target = u.describe?.portal ?? u.describe?.stmt;
          const specs = u.describe?.portal?.stmt?.specs ?? u.describe?.stmt?.specs ?? this.s.ctx.connectionMask;
          // Columns are decoded only when something could be masked; otherwise kept as bytes.
          if (target) target.rowDescBody = Buffer.from(m.body);
          const plan = specs.length ? planMask(parseRowDescription(m.body), specs, this.s.ctx.tableName) : null;
          if (plan) this.s.toClient(plan.rowDescription);
          else this.s.forward(m);
          return this.s.pop();
        }
        const specs = run?.specs ?? this.s.ctx.connectionMask;
        u.plan = specs.length ? planMask(parseRowDescription(m.body), specs, this.s.ctx.tableName) : null;
        u.planned = true;
        return u.plan ? this.s.toClient(u.plan.rowDescription, run) : this.s.forward(m, run);
      }
      case 0x44 /* D DataRow */: {
        if (run) run.rowsSeen++;
        if (!u.planned) this.planExecute(u, run);
        if (u.plan) return this.s.toClient(maskDataRow(u.plan, m.body, this.s.ctx.hooks, run ? run.masked : {}), run);
        return this.s.forward(m, run);
      }
      case 0x43 /* C CommandComplete */: {
        if (run) {
          if (run.info && (run.info.prepare || run.info.deallocate)) this.s.confirmed(run.info);
          const rows = rowsFromTagBytes(m.chunk, m.start + 5, m.end - 1);
          this.s.forward(m, run);
          this.s.auditRun(run, 'ok', null, rows ?? run.rowsSeen);
        } else this.s.forward(m);
        if (u.kind === 'query') {
          u.runIndex!++;
          u.planned = false;
          u.plan = null;
        } else this.s.pop();
        return;
      }
      case 0x73 /* s PortalSuspended */:
        this.s.forward(m, run);
        if (run) this.s.auditRun(run, 'ok', null, run.rowsSeen);
        return this.s.pop();
      case 0x49 /* I EmptyQueryResponse */:
        this.s.forward(m);
        if (u.kind !== 'query') this.s.pop();
        return;
      case 0x5a /* Z ReadyForQuery */:
        this.s.txStatus = String.fromCharCode(m.firstByte ?? 73);
        this.s.forward(m);
        return this.s.pop();
      default:
        // Copy sub-protocol and anything else inside a statement's reply: forwarded as is.
        return this.s.forward(m, run);
    }
  }

  private planExecute(u: Unit, run: Run | undefined): void {
    u.planned = true;
    if (!run || !run.specs.length) return;
    const portal = u.portal;
    let cols: ColumnDescription[] | undefined = portal?.rowDescBody ? parseRowDescription(portal.rowDescBody) : undefined;
    if (!cols && portal?.stmt?.rowDescBody) {
      const f = portal.resultFormats;
      cols = parseRowDescription(portal.stmt.rowDescBody).map((c, i) => ({ ...c, format: f.length === 0 ? 0 : f.length === 1 ? f[0]! : (f[i] ?? 0) }));
    }
    if (!cols) throw new PgGatewayError('CW_PG_BAD_MESSAGE', 'rows to mask arrived without a column description');
    u.plan = planMask(cols, run.specs, this.s.ctx.tableName);
  }

  private onInternal(u: Unit, m: FramedMessage): void {
    const sink = u.internal!;
    switch (m.type) {
      case 0x54 /* T */:
        if (u.kind === 'describe') {
          const target = u.describe?.portal ?? u.describe?.stmt;
          if (target) target.rowDescBody = Buffer.from(m.body);
          sink.done();
          this.s.pop();
        }
        return;
      case 0x44 /* D */: {
        const len = m.body.readInt32BE(2);
        if (len >= 0) sink.firstColumn.push(m.body.toString('utf8', 6, 6 + len));
        return;
      }
      case 0x5a /* Z */:
        this.s.txStatus = String.fromCharCode(m.firstByte ?? 73);
        sink.done();
        return this.s.pop();
      case 0x43 /* C */: case 0x31: case 0x32: case 0x33: case 0x6e: case 0x49:
        if (u.kind !== 'query') {
          sink.done();
          this.s.pop();
        }
        return;
      default:
        return;
    }
  }

  private onUpstreamError(u: Unit, m: FramedMessage): void {
    const run = u.kind === 'query' ? u.runs![u.runIndex!] : u.run;
    if (u.internal) {
      u.internal.error = Buffer.from(m.body);
      if (u.internal.forwardError) this.s.forward(m);
    } else if (u.substitute) this.s.toClient(errorFromGateway(u.substitute));
    else {
      this.s.forward(m, run);
      if (run && !run.audited) {
        const f = parseFields(m.body);
        this.s.auditRun(run, 'error', `${f.get('C') ?? ''} ${f.get('M') ?? ''}`.trim());
      }
    }
    if (u.kind === 'query') return; // the reply continues to ReadyForQuery
    this.s.erroredBatch = u.batch;
    u.internal?.done();
    this.s.pop();
    // The upstream now ignores everything up to the next Sync: so do the units.
    while (this.s.units.length && this.s.units[0]!.kind !== 'sync') {
      this.s.units[0]!.internal?.done();
      this.s.pop();
    }
  }

  private onParameterStatus(m: FramedMessage): void {
    const r = m.body.toString('utf8').split('\0');
    const [name, value] = [r[0]?.toLowerCase(), r[1]?.toUpperCase()];
    if ((name === 'client_encoding' && value !== 'UTF8') || (name === 'standard_conforming_strings' && value !== 'ON')) {
      return this.s.close(new PgGatewayError('CW_PG_UNSAFE_SETTING', `${name} to ${r[1]}`, { fatal: true }));
    }
    this.s.forward(m);
  }
}
