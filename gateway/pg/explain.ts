/**
 * The planner's row estimate for a held statement, asked on the client's own upstream session (so it
 * sees the same transaction's changes) without running the statement. In a transaction block the
 * EXPLAIN runs inside a savepoint so a failure cannot abort the client's transaction; in an aborted
 * block there is no estimate (and the rule's condition holds: unknown means ask).
 */
import { analyze } from './classify.js';
import { estimateFromExplain, needsEstimate } from './decide.js';
import { encodeBind, encodeParse, message } from './protocol.js';
import type { Session } from './session.js';
import type { InternalSink, PortalState, Run, StatementState, UnitKind } from './units.js';

const EXPLAIN_NAME = 'chainwarden$explain';

export class Explainer {
  constructor(private readonly session: Session) {}

  private internal(kind: UnitKind, buf: Buffer, forwardError: boolean): { sink: InternalSink; done: Promise<void> } {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const sink: InternalSink = { firstColumn: [], error: null, forwardError, done: () => resolve() };
    this.session.toUpstream(buf);
    this.session.enqueue(kind, kind === 'query' ? { internal: sink, runs: [], runIndex: 0 } : { internal: sink });
    return { sink, done };
  }

  private async query(sql: string): Promise<InternalSink> {
    const { sink, done } = this.internal('query', message('Q', sql), false);
    await done;
    return sink;
  }

  /** Estimates for the statements of a simple query, by index; undefined where none could be had. */
  async simple(text: string, runs: Run[]): Promise<Array<number | undefined>> {
    const out: Array<number | undefined> = runs.map(() => undefined);
    await this.session.idle();
    if (this.session.txStatus === 'E') return out;
    const fresh = analyze(text);
    if (!fresh.ok) return out;
    const compiled = this.session.ctx.hooks.compiled();
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i]!;
      const stmt = fresh.statements[i];
      if (!stmt || !r.decision || !needsEstimate(compiled, r.decision) || !r.info?.explainable) continue;
      const inBlock = this.session.txStatus === 'T';
      if (inBlock) await this.query('SAVEPOINT chainwarden_explain');
      const res = await this.query(`EXPLAIN (FORMAT JSON) ${stmt.text}`);
      if (inBlock) {
        await this.query(res.error ? 'ROLLBACK TO SAVEPOINT chainwarden_explain; RELEASE SAVEPOINT chainwarden_explain' : 'RELEASE SAVEPOINT chainwarden_explain');
      }
      if (!res.error && res.firstColumn[0]) out[i] = estimateFromExplain(res.firstColumn[0]);
    }
    return out;
  }

  /**
   * The estimate for a bound portal: the statement is re-parsed as EXPLAIN under a name of its own and
   * bound with the client's parameter values. 'failed' means the upstream refused it (the client has
   * been shown that error, and the upstream skips to Sync, as it would have for the statement itself).
   */
  async extended(stmt: StatementState, portal: PortalState, run: Run): Promise<number | undefined | 'failed'> {
    if (!run.info?.explainable) return undefined;
    const parse = this.internal('parse', encodeParse({ name: EXPLAIN_NAME, text: `EXPLAIN (FORMAT JSON) ${stmt.text}`, paramTypes: stmt.paramTypes }), true);
    const bind = this.internal('bind', encodeBind({ portal: EXPLAIN_NAME, statement: EXPLAIN_NAME, paramFormats: portal.paramFormats, params: portal.params, resultFormats: [] }), true);
    const exec = this.internal('execute', message('E', EXPLAIN_NAME, 0), true);
    const close = this.internal('close', message('C', Buffer.from('S'), EXPLAIN_NAME), true);
    this.session.toUpstream(message('H'));
    await Promise.all([parse.done, bind.done, exec.done, close.done]);
    const failed = [parse, bind, exec, close].find((x) => x.sink.error);
    if (failed) {
      this.session.auditRun(run, 'error', 'EXPLAIN for the row estimate failed');
      return 'failed';
    }
    return exec.sink.firstColumn[0] ? estimateFromExplain(exec.sink.firstColumn[0]) : undefined;
  }
}
