/**
 * The extended query protocol of one session: Parse, Bind, Describe, Close and Execute, with the
 * session's prepared statements and portals. Each gets an upstream name of its own; a statement
 * policy denies outright is refused at Parse, approvals wait for Execute.
 */
import type { CompiledPolicy } from '../policy/index.js';
import type { StatementInfo } from './classify.js';
import { needsEstimate } from './decide.js';
import { PgGatewayError } from './errors.js';
import { encodeBind, encodeParse, message, parseBind, parseExecute, parseParse, parseTarget, type Message } from './protocol.js';
import { DENIED_NAME, DENIED_TEXT, denial, silentSink, type Session } from './session.js';
import { newRun, type PortalState, type Run, type StatementState, type UnitKind } from './units.js';

export class ExtendedProtocol {
  private readonly statements = new Map<string, StatementState>();
  private readonly portals = new Map<string, PortalState>();
  private nameSeq = 0;

  constructor(private readonly s: Session) {}

  private refuseExtended(kind: UnitKind, error: PgGatewayError, run: Run): void {
    this.s.auditRun(run, 'denied', error.message);
    this.s.toUpstream(encodeParse({ name: DENIED_NAME, text: DENIED_TEXT, paramTypes: [] }));
    this.s.enqueue(kind, { substitute: error });
  }

  /**
   * Every Parse and Bind gets an upstream name of its own, never reused. A statement or portal the
   * upstream did not create (its Parse was skipped after an error, or failed) then cannot be confused
   * with an older one of the same client name: the upstream reports it missing instead of running
   * something other than what was decided.
   */
  private upstreamName(): string {
    return `cw${(++this.nameSeq).toString(36)}`;
  }

  /** Answers a protocol-level mistake as PostgreSQL would, through the upstream's own error path. */
  private failExtended(kind: UnitKind, error: PgGatewayError): void {
    this.s.toUpstream(encodeParse({ name: DENIED_NAME, text: DENIED_TEXT, paramTypes: [] }));
    this.s.enqueue(kind, { substitute: error });
  }

  private closeUpstream(which: 'S' | 'P', name: string): void {
    this.s.toUpstream(message('C', Buffer.from(which), name));
    this.s.enqueue('close', { internal: silentSink() });
  }

  onParse(m: Message): void {
    const p = parseParse(m.body);
    if (this.s.skipping) return void this.s.toUpstream(m.raw);
    if (p.name !== '' && this.statements.has(p.name)) return this.failExtended('parse', new PgGatewayError('CW_PG_DUPLICATE_PREPARED', p.name));
    const analysis = this.s.ctx.cache.analyze(p.text);
    if (!analysis.ok) {
      return this.refuseExtended('parse', new PgGatewayError('CW_PG_UNPARSABLE', analysis.error), { ...newRun(null, m.raw.length), unparsable: m.raw.length });
    }
    const info = analysis.statements.length === 1 ? analysis.statements[0]! : null;
    const state: StatementState = { name: p.name, upstream: this.upstreamName(), text: p.text, paramTypes: p.paramTypes, info, specs: [...this.s.ctx.connectionMask] };
    if (info && info.execute === undefined) {
      // Refuse what policy denies outright at Parse; approvals wait for Execute, when values are bound.
      const d = this.s.decisions.decide(this.s.ctx.hooks.compiled(), this.s.ctx.effective(info));
      if (d.effect === 'deny') {
        const run = newRun(this.s.ctx.effective(info), m.raw.length);
        run.decision = d;
        return this.refuseExtended('parse', denial(d), run);
      }
      state.specs.push(...d.mask);
    }
    // Several statements in one Parse: the upstream refuses it itself.
    if (analysis.statements.length > 1) state.info = null;
    const previous = this.statements.get(p.name);
    // A new unnamed statement replaces the old one, as PostgreSQL does.
    if (previous) this.closeUpstream('S', previous.upstream);
    this.statements.set(p.name, state);
    this.s.toUpstream(encodeParse({ name: state.upstream, text: p.text, paramTypes: p.paramTypes }));
    this.s.enqueue('parse');
  }

  onBind(m: Message): void {
    if (this.s.skipping) return void this.s.toUpstream(m.raw);
    const b = parseBind(m.body);
    const stmt = this.statements.get(b.statement);
    if (!stmt) return this.failExtended('bind', new PgGatewayError('CW_PG_UNKNOWN_STATEMENT', b.statement));
    if (b.portal !== '' && this.portals.has(b.portal)) return this.failExtended('bind', new PgGatewayError('CW_PG_DUPLICATE_PORTAL', b.portal));
    const previous = this.portals.get(b.portal);
    if (previous) this.closeUpstream('P', previous.upstream);
    const upstream = this.upstreamName();
    this.portals.set(b.portal, { name: b.portal, upstream, stmt, resultFormats: b.resultFormats, paramFormats: b.paramFormats, params: b.params, described: false });
    this.s.toUpstream(encodeBind({ ...b, portal: upstream, statement: stmt.upstream }));
    this.s.enqueue('bind');
  }

  onDescribe(m: Message): void {
    if (this.s.skipping) return void this.s.toUpstream(m.raw);
    const t = parseTarget(m.body);
    if (t.which === 'S') {
      const stmt = this.statements.get(t.name);
      if (!stmt) return this.failExtended('describe', new PgGatewayError('CW_PG_UNKNOWN_STATEMENT', t.name));
      this.s.toUpstream(message('D', Buffer.from('S'), stmt.upstream));
      this.s.enqueue('describe', { describe: { stmt } });
      return;
    }
    const portal = this.portals.get(t.name);
    if (!portal) return this.failExtended('describe', new PgGatewayError('CW_PG_UNKNOWN_PORTAL', t.name));
    portal.described = true;
    this.s.toUpstream(message('D', Buffer.from('P'), portal.upstream));
    this.s.enqueue('describe', { describe: { portal } });
  }

  onClose(m: Message): void {
    if (this.s.skipping) return void this.s.toUpstream(m.raw);
    const t = parseTarget(m.body);
    const target = t.which === 'S' ? this.statements.get(t.name) : this.portals.get(t.name);
    if (t.which === 'S') this.statements.delete(t.name);
    else this.portals.delete(t.name);
    // Closing something that does not exist is not an error in PostgreSQL: CloseComplete either way.
    this.s.toUpstream(message('C', Buffer.from(t.which), target ? target.upstream : DENIED_NAME));
    this.s.enqueue('close');
  }

  onExecute(m: Message): Promise<void> | void {
    if (this.s.skipping) return void this.s.toUpstream(m.raw);
    const e = parseExecute(m.body);
    const portal = this.portals.get(e.portal);
    const stmt = portal?.stmt;
    if (!portal || !stmt) return this.failExtended('execute', new PgGatewayError('CW_PG_UNKNOWN_PORTAL', e.portal));
    const execute = message('E', portal.upstream, e.maxRows);
    if (!stmt.info) {
      // An empty statement (EmptyQueryResponse) or several in one Parse (the upstream refused it).
      this.s.toUpstream(execute);
      this.s.enqueue('execute', { portal });
      return;
    }
    const resolved = this.s.resolveExecute(stmt.info);
    const run = newRun(resolved instanceof PgGatewayError ? stmt.info : resolved, m.raw.length);
    if (resolved instanceof PgGatewayError) return this.refuseExtended('execute', resolved, run);
    const compiled = this.s.ctx.hooks.compiled();
    run.decision = this.s.decisions.decide(compiled, resolved);
    const extra = run.decision.mask.filter((s) => !stmt.specs.includes(s));
    run.specs = extra.length ? [...stmt.specs, ...extra] : stmt.specs;
    if (run.decision.effect === 'deny') return this.refuseExtended('execute', denial(run.decision), run);
    if (resolved.copy === 'out' && run.specs.length) return this.refuseExtended('execute', new PgGatewayError('CW_PG_COPY_MASKED'), run);
    if (run.decision.effect === 'approve') return this.holdExecute(compiled, resolved, stmt, portal, run, execute);
    this.sendExecute(portal, run, execute);
  }

  private async holdExecute(compiled: CompiledPolicy, resolved: StatementInfo, stmt: StatementState, portal: PortalState, run: Run, execute: Buffer): Promise<void> {
    if (needsEstimate(compiled, run.decision!)) {
      const estimate = await this.s.explainer.extended(stmt, portal, run);
      if (estimate === 'failed') return; // the upstream's error was shown to the client; it now skips to Sync
      if (estimate !== undefined) {
        run.estimatedRows = estimate;
        run.decision = this.s.decisions.decide(compiled, resolved, estimate);
      }
    }
    if (run.decision!.effect === 'approve') {
      const outcome = await this.s.approvals.hold([run]);
      if (!outcome.approved) return this.refuseExtended('execute', outcome.error, run);
    }
    this.sendExecute(portal, run, execute);
  }

  private sendExecute(portal: PortalState, run: Run, execute: Buffer): void {
    if (run.specs.length && !portal.described && !portal.rowDescBody) {
      // Masking needs the columns; ask for them without showing the client an extra reply.
      this.s.toUpstream(message('D', Buffer.from('P'), portal.upstream));
      this.s.enqueue('describe', { describe: { portal }, internal: silentSink() });
    }
    run.upstreamStart = Date.now();
    this.s.toUpstream(execute);
    this.s.enqueue('execute', { run, portal });
  }

}
