/**
 * The decision engine: a pure function of (compiled policy, grants, request) → decision.
 * It never throws; the same inputs give the same answer, so every decision can be logged,
 * explained and replayed. Precedence: deny > grant > approve > flag > allow; nothing → deny.
 */
import { compileGlob, type Glob } from './glob.js';
import { operationKinds, type AtomicOperation, type Operation, type OperationPattern } from './operations.js';
import { CONNECTION_OPERATION_KIND, type ApproveSpec, type Effect, type MaskSpec, type Policy, type Rule } from './types.js';

export interface DecisionRequest {
  chain: string | null;
  groups: readonly string[];
  connection: string;
  operation: Operation;
  /** Facts some conditions need (PostgreSQL: planner estimate, UPDATE/DELETE without WHERE). */
  facts?: { estimatedRows?: number; unfiltered?: boolean };
  /** Milliseconds since the epoch; grants are compared against it. Defaults to Date.now(). */
  now?: number;
}

/** A standing or one-time permission from an approved request: an overlay on the file. */
export interface Grant {
  id: string;
  chain: string;
  connection: string;
  /** An operation pattern, as rules write them. */
  operation: string;
  expiresAt: number | null;
  once?: boolean;
  grantedBy?: string;
  reason?: string;
}

export interface Match {
  rule: string;
  effect: Effect;
  pattern: string;
  line: number;
}

export interface Decision {
  effect: Effect;
  /** The rule that decided, or null for the default deny and for grants. */
  rule: string | null;
  grant: string | null;
  reasons: string[];
  matches: Match[];
  approval?: ApproveSpec & { rule: string };
  mask: MaskSpec[];
  errors: string[];
}

interface Entry {
  rule: Rule;
  effect: Effect;
  pattern: OperationPattern;
  /** A rule that names both chains and groups needs both. */
  groups?: ReadonlySet<string>;
  chainGlobs?: Glob[];
  match: Match;
  reason: string;
}

interface ConnectionIndex {
  byChain: Map<string, Entry[]>;
  byGroup: Map<string, Entry[]>;
  /** Rules for every chain ("*") or with chain globs: checked for every request. */
  anyChain: Entry[];
}

interface GrantEntry {
  grant: Grant;
  pattern: OperationPattern;
}

export interface CompiledPolicy {
  readonly policy: Policy;
  readonly connections: ReadonlyMap<string, ConnectionIndex>;
  grants: ReadonlyMap<string, GrantEntry[]>;
}

const RANK: Record<Effect, number> = { allow: 0, flag: 1, approve: 2, deny: 4 };
const GRANT_RANK = 3;
const VERB: Record<Effect, string> = { allow: 'allows', deny: 'denies', approve: 'requires approval for', flag: 'allows and flags' };

export function compilePolicy(policy: Policy, grants: readonly Grant[] = []): CompiledPolicy {
  const connections = new Map<string, ConnectionIndex>();
  for (const rule of policy.rules) {
    for (const name of rule.connections) {
      const conn = policy.connections[name];
      if (!conn) continue;
      const kind = operationKinds[CONNECTION_OPERATION_KIND[conn.type]];
      let index = connections.get(name);
      if (!index) connections.set(name, (index = { byChain: new Map(), byGroup: new Map(), anyChain: [] }));
      const lists: Array<[Effect, string[]]> = [
        ['deny', rule.deny],
        ['approve', rule.approve?.ops ?? []],
        ['flag', rule.flag],
        ['allow', rule.allow],
      ];
      for (const [effect, ops] of lists) {
        for (const op of ops) {
          const pattern = kind.compile(op);
          if (typeof pattern === 'string') continue; // the loader already reported it
          const entry: Entry = {
            rule,
            effect,
            pattern,
            match: { rule: rule.name, effect, pattern: op, line: rule.at.line },
            reason: `rule "${rule.name}" (line ${rule.at.line}) ${VERB[effect]} "${op}"`,
          };
          const literalChains = (rule.chains ?? []).filter((c) => !/[*?]/.test(c));
          const globChains = (rule.chains ?? []).filter((c) => /[*?]/.test(c));
          if (rule.chains && rule.groups) entry.groups = new Set(rule.groups);
          if (rule.chains) {
            for (const c of literalChains) push(index.byChain, c, entry);
            if (globChains.length) index.anyChain.push({ ...entry, chainGlobs: globChains.map((g) => compileGlob(g, '/')) });
          } else {
            for (const g of rule.groups ?? []) push(index.byGroup, g, entry);
          }
        }
      }
    }
  }
  return { policy, connections, grants: indexGrants(policy, grants) };
}

/** Replaces the grants overlay; rules stay compiled. */
export function withGrants(compiled: CompiledPolicy, grants: readonly Grant[]): CompiledPolicy {
  return { ...compiled, grants: indexGrants(compiled.policy, grants) };
}

function indexGrants(policy: Policy, grants: readonly Grant[]): Map<string, GrantEntry[]> {
  const out = new Map<string, GrantEntry[]>();
  for (const grant of grants) {
    const conn = policy.connections[grant.connection];
    if (!conn) continue;
    const pattern = operationKinds[CONNECTION_OPERATION_KIND[conn.type]].compile(grant.operation);
    if (typeof pattern === 'string') continue;
    push(out, `${grant.connection}\0${grant.chain}`, { grant, pattern });
  }
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function evaluate(compiled: CompiledPolicy, request: DecisionRequest): Decision {
  try {
    const conn = compiled.policy.connections[request.connection];
    if (!conn) return implicitDeny([`unknown connection "${request.connection}"`], [`unknown connection "${request.connection}"`]);
    const kind = operationKinds[CONNECTION_OPERATION_KIND[conn.type]];
    if (request.operation.kind !== CONNECTION_OPERATION_KIND[conn.type]) {
      const why = `a ${request.operation.kind} operation cannot be sent to ${conn.type} connection "${request.connection}"`;
      return implicitDeny([why], [why]);
    }
    const atoms = kind.atoms(request.operation);
    if (atoms.length === 1) return decideAtom(compiled, request, atoms[0]!);
    // A statement over several tables is as strict as its strictest table.
    let worst: Decision | undefined;
    const reasons: string[] = [];
    const matches: Match[] = [];
    const mask: MaskSpec[] = [];
    for (const atom of atoms) {
      const d = decideAtom(compiled, request, atom);
      reasons.push(...d.reasons.map((r) => `${kind.format(atom)}: ${r}`));
      matches.push(...d.matches);
      mask.push(...d.mask);
      if (!worst || rankOf(d) > rankOf(worst)) worst = d;
    }
    return { ...worst!, reasons, matches, mask };
  } catch (e) {
    return implicitDeny([`evaluation failed: ${(e as Error).message}`], [(e as Error).message]);
  }
}

function rankOf(d: Decision): number {
  if (d.effect === 'deny') return RANK.deny;
  return d.grant ? RANK.allow : RANK[d.effect];
}

function decideAtom(compiled: CompiledPolicy, request: DecisionRequest, atom: AtomicOperation): Decision {
  const index = compiled.connections.get(request.connection);
  let best: Entry | undefined;
  let bestRank = -1;
  const matched: Entry[] = [];
  const consider = (entries: Entry[] | undefined, viaGroup: boolean) => {
    if (!entries) return;
    for (const e of entries) {
      if (e.groups && !request.groups.some((g) => e.groups!.has(g))) continue;
      if (e.chainGlobs && !(request.chain !== null && e.chainGlobs.some((g) => g.test(request.chain!)))) continue;
      if (viaGroup && matched.includes(e)) continue;
      if (!e.pattern.test(atom)) continue;
      if (e.effect === 'approve' && !conditionHolds(e.rule.approve!, request.facts)) continue;
      matched.push(e);
      if (RANK[e.effect] > bestRank) {
        best = e;
        bestRank = RANK[e.effect];
      }
    }
  };
  if (index) {
    if (request.chain !== null) consider(index.byChain.get(request.chain), false);
    consider(index.anyChain, false);
    for (const g of request.groups) consider(index.byGroup.get(g), true);
  }
  matched.sort((a, b) => RANK[b.effect] - RANK[a.effect] || a.rule.index - b.rule.index);
  const reasons = matched.map((e) => e.reason);
  const matches = matched.map((e) => e.match);
  const mask = matched.filter((e) => e.effect === 'allow' || e.effect === 'flag').flatMap((e) => e.rule.mask);

  if (bestRank < RANK.deny && request.chain !== null) {
    const now = request.now ?? Date.now();
    const grants = compiled.grants.get(`${request.connection}\0${request.chain}`);
    const grant = grants?.find((g) => (g.grant.expiresAt === null || g.grant.expiresAt > now) && g.pattern.test(atom));
    if (grant && GRANT_RANK > bestRank) {
      const g = grant.grant;
      const until = g.expiresAt === null ? 'without expiry' : `until ${new Date(g.expiresAt).toISOString()}`;
      reasons.unshift(`grant ${g.id}${g.grantedBy ? ` by ${g.grantedBy}` : ''} allows "${g.operation}" ${g.once ? 'once' : until}`);
      return { effect: 'allow', rule: null, grant: g.id, reasons, matches, mask, errors: [] };
    }
  }
  if (!best) return implicitDeny(reasons.length ? reasons : [], []);
  const decision: Decision = { effect: best.effect, rule: best.rule.name, grant: null, reasons, matches, mask, errors: [] };
  if (best.effect === 'approve') decision.approval = { ...best.rule.approve!, rule: best.rule.name };
  return decision;
}

function conditionHolds(spec: ApproveSpec, facts: DecisionRequest['facts']): boolean {
  const when = spec.when;
  if (!when || (when.rowsOver === undefined && when.unfiltered === undefined)) return true;
  if (when.unfiltered && facts?.unfiltered) return true;
  // An unknown estimate holds the call: it is safer to ask than to guess.
  if (when.rowsOver !== undefined) return facts?.estimatedRows === undefined || facts.estimatedRows > when.rowsOver;
  return false;
}

export const DEFAULT_DENY_REASON = 'no rule matched (default deny)';

function implicitDeny(reasons: string[], errors: string[]): Decision {
  return { effect: 'deny', rule: null, grant: null, reasons: [...reasons, DEFAULT_DENY_REASON], matches: [], mask: [], errors };
}

/** Parses an operation written for a connection ("POST /v1/chat/completions", "write sales.orders"). */
export function parseOperation(policy: Policy, connection: string, text: string): Operation | string {
  const conn = policy.connections[connection];
  if (!conn) return `unknown connection "${connection}"`;
  return operationKinds[CONNECTION_OPERATION_KIND[conn.type]].parse(text);
}
