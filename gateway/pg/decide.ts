/**
 * Turns a classified statement into one decision with the shared engine: each operation (a class
 * with its tables) is evaluated by `evaluate()` and the strictest answer wins, as the engine itself
 * does for the tables of one operation.
 */
import { evaluate, type CompiledPolicy, type Decision, type Effect } from '../policy/index.js';
import type { StatementInfo } from './classify.js';

export interface Requester {
  chain: string | null;
  groups: readonly string[];
  connection: string;
}

const RANK: Record<Effect, number> = { allow: 0, flag: 1, approve: 2, deny: 3 };

/**
 * One session's decisions: the requester is fixed for the session, so a cached statement's decision
 * is found by the statement alone. Dropped when the policy changes, and not kept while the policy has
 * grants (a grant can expire between two statements, so then every statement is evaluated afresh).
 */
export class SessionDecisions {
  private policy: CompiledPolicy | null = null;
  private byInfo = new WeakMap<StatementInfo, Decision>();
  constructor(readonly who: Requester) {}

  decide(compiled: CompiledPolicy, info: StatementInfo, estimatedRows?: number): Decision {
    if (compiled.grants.size > 0 || estimatedRows !== undefined) return decideStatement(compiled, this.who, info, estimatedRows);
    if (compiled !== this.policy) {
      this.policy = compiled;
      this.byInfo = new WeakMap();
    }
    let d = this.byInfo.get(info);
    if (d === undefined) this.byInfo.set(info, (d = decideStatement(compiled, this.who, info)));
    return d;
  }
}

/** One statement for one requester, evaluated afresh: each operation by the engine, the strictest answer wins. */
export function decideStatement(compiled: CompiledPolicy, who: Requester, info: StatementInfo, estimatedRows?: number): Decision {
  const facts: { estimatedRows?: number; unfiltered?: boolean } = { unfiltered: info.unfiltered };
  if (estimatedRows !== undefined) facts.estimatedRows = estimatedRows;
  let worst: Decision | undefined;
  const reasons: string[] = [];
  const matches: Decision['matches'] = [];
  const mask: Decision['mask'] = [];
  const errors: string[] = [];
  for (const op of info.ops) {
    const d = evaluate(compiled, { chain: who.chain, groups: who.groups, connection: who.connection, operation: { kind: 'sql', class: op.class, tables: op.tables }, facts });
    reasons.push(...d.reasons);
    matches.push(...d.matches);
    mask.push(...d.mask);
    errors.push(...d.errors);
    if (!worst || RANK[d.effect] > RANK[worst.effect]) worst = d;
  }
  if (!worst) return { effect: 'deny', rule: null, grant: null, reasons: ['the statement has no operation'], matches: [], mask: [], errors: [] };
  return { ...worst, reasons: [...new Set(reasons)], matches, mask, errors };
}

/** True when an approve rule that matched has a `rowsOver` condition: only then is EXPLAIN worth asking. */
export function needsEstimate(compiled: CompiledPolicy, d: Decision): boolean {
  if (d.effect !== 'approve') return false;
  return d.matches.some((m) => m.effect === 'approve' && compiled.policy.rules.find((r) => r.name === m.rule)?.approve?.when?.rowsOver !== undefined);
}

/** "write sales.orders,sales.items" for audit and summaries. */
export function operationText(info: StatementInfo): string {
  return info.tables.length ? `${info.class} ${info.tables.join(',')}` : info.class;
}

/** The planner's row estimate from EXPLAIN (FORMAT JSON); a ModifyTable node reports its input's rows. */
export function estimateFromExplain(json: string): number | undefined {
  try {
    let plan = (JSON.parse(json) as Array<{ Plan?: Record<string, unknown> }>)[0]?.Plan;
    while (plan && plan['Node Type'] === 'ModifyTable' && Array.isArray(plan.Plans) && plan.Plans.length) plan = plan.Plans[0] as Record<string, unknown>;
    const rows = plan?.['Plan Rows'];
    return typeof rows === 'number' ? rows : undefined;
  } catch {
    return undefined;
  }
}
