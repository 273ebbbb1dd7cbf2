/** Checks of meaning that a schema cannot express: names that must exist, patterns that must compile, secrets that must resolve. */
import { dirname } from 'node:path';
import { suggestion } from './diagnostics.js';
import { compileGlob } from './glob.js';
import { operationKinds } from './operations.js';
import { secretReferences, unresolvable, type SecretTemplate } from './secrets.js';
import { CONNECTION_OPERATION_KIND, type Policy } from './types.js';
import type { LoadOptions } from './load.js';
import type { Path, YamlContext } from './yaml-walk.js';

export function checkSemantics(policy: Policy, ctx: YamlContext, options: LoadOptions, declared: { chains: string[]; connections: string[] }): void {
  const err = (path: Path, message: string, code: string, which: 'key' | 'value' = 'value') => ctx.report(ctx.nodeAt(path, which), message, code);
  const chainNames = declared.chains;
  const connectionNames = declared.connections;

  const ruleNames = new Map<string, number>();
  policy.rules.forEach((rule, i) => {
    const first = ruleNames.get(rule.name);
    if (first !== undefined) err(['rules', i, 'name'], `duplicate rule name "${rule.name}" (also rule ${first + 1}); names identify decisions in the audit trail`, 'CW_POLICY_DUPLICATE');
    else ruleNames.set(rule.name, i);

    if (!rule.chains && !rule.groups) err(['rules', i], `rule "${rule.name}" says nobody it applies to: add "chains" (use ["*"] for every chain) or "groups"`, 'CW_POLICY_NO_SUBJECT', 'key');
    rule.chains?.forEach((c, j) => {
      if (c === '*') return;
      const glob = compileGlob(c, '/');
      if (glob.literal ? !chainNames.includes(c) : !chainNames.some((n) => glob.test(n))) {
        err(['rules', i, 'chains', j], glob.literal ? `unknown chain "${c}"${suggestion(c, chainNames)}; chains are declared under "chains:"` : `the chain glob "${c}" matches no declared chain`, 'CW_POLICY_UNKNOWN_CHAIN');
      }
    });

    const effects = rule.allow.length + rule.deny.length + rule.flag.length + (rule.approve ? 1 : 0);
    if (effects === 0) err(['rules', i], `rule "${rule.name}" has no effect: add "allow", "deny", "flag" or "approve"`, 'CW_POLICY_NO_EFFECT', 'key');

    const connectionPath: Path = ['rules', i, 'connection'];
    rule.connections.forEach((name, j) => {
      const conn = policy.connections[name];
      const path = rule.connections.length > 1 ? [...connectionPath, j] : connectionPath;
      if (!conn && connectionNames.includes(name)) return; // declared, but its own errors are already reported
      if (!conn) {
        err(path, `unknown connection "${name}"${suggestion(name, connectionNames)}; connections are declared under "connections:"`, 'CW_POLICY_UNKNOWN_CONNECTION');
        return;
      }
      const kind = operationKinds[CONNECTION_OPERATION_KIND[conn.type]];
      const lists: Array<[string, string[], Path]> = [
        ['allow', rule.allow, ['rules', i, 'allow']],
        ['deny', rule.deny, ['rules', i, 'deny']],
        ['flag', rule.flag, ['rules', i, 'flag']],
        ['approve', rule.approve?.ops ?? [], ['rules', i, 'approve', 'ops']],
      ];
      for (const [, ops, base] of lists) {
        ops.forEach((op, k) => {
          const compiled = kind.compile(op);
          if (typeof compiled === 'string') err([...base, k], `${compiled} (connection "${name}" is ${conn.type})`, 'CW_POLICY_OPERATION');
        });
      }
    });
    if (rule.approve?.when && rule.connections.some((n) => policy.connections[n] && policy.connections[n]!.type !== 'postgres')) {
      err(['rules', i, 'approve', 'when'], '"when" conditions (rowsOver, unfiltered) apply to postgres connections only', 'CW_POLICY_WHEN');
    }
  });

  policy.identity.keys.forEach((k, i) => {
    if (!chainNames.includes(k.chain)) err(['identity', 'keys', i, 'chain'], `unknown chain "${k.chain}"${suggestion(k.chain, chainNames)}`, 'CW_POLICY_UNKNOWN_CHAIN');
  });

  for (const [name, chain] of Object.entries(policy.chains)) {
    chain.sources.forEach((s, j) => {
      if (s.startsWith('/') || s.split('/').includes('..')) err(['chains', name, 'sources', j], `the source glob "${s}" can never match: globs are relative to the policy's folder, without ".."`, 'CW_POLICY_GLOB');
    });
  }

  const listeners = new Map<string, Path>();
  const claim = (addr: string, path: Path) => {
    // Port 0 asks the system for a free port: several listeners may say so without clashing.
    if (/:0$/.test(addr)) return;
    const prior = listeners.get(addr);
    if (prior) err(path, `address ${addr} is already used by ${prior.join('.')}`, 'CW_POLICY_ADDRESS');
    else listeners.set(addr, path);
  };
  claim(policy.gateway.listen, ['gateway', 'listen']);
  claim(policy.gateway.admin, ['gateway', 'admin']);
  for (const [name, conn] of Object.entries(policy.connections)) {
    if (conn.type === 'postgres') {
      claim(conn.listen, ['connections', name, 'listen']);
      if (/^postgres(ql)?:\/\/[^@/]*:[^@/]*@/.test(conn.upstream)) err(['connections', name, 'upstream'], 'the upstream URL holds a password: put it in credential.password as "env:NAME" or "file:PATH"', 'CW_POLICY_SECRET');
    }
    if (conn.type !== 'postgres' && /^https?:\/\/[^/]*@/.test(conn.upstream)) err(['connections', name, 'upstream'], 'the upstream URL holds credentials: use auth.inject with an env: or file: reference', 'CW_POLICY_SECRET');
    conn.mask.forEach((m, j) => checkMask(m, ['connections', name, 'mask', j], err));
  }
  policy.rules.forEach((r, i) => r.mask.forEach((m, j) => checkMask(m, ['rules', i, 'mask', j], err)));

  if (options.resolveSecrets) {
    const env = options.env ?? process.env;
    const base = dirname(policy.file);
    const check = (t: SecretTemplate | undefined, path: Path) => {
      if (!t) return;
      const why = unresolvable(t, env, base);
      if (why) err(path, `${why} (referenced as "${t.source}")`, 'CW_POLICY_SECRET_UNSET');
    };
    check(policy.gateway.adminToken, ['gateway', 'adminToken']);
    policy.identity.keys.forEach((k, i) => check(k.key, ['identity', 'keys', i, 'key']));
    for (const [name, c] of Object.entries(policy.connections)) {
      if (c.type === 'postgres') check(c.credential.password, ['connections', name, 'credential', 'password']);
      else check(c.auth.inject?.value, ['connections', name, 'auth', 'inject', 'value']);
    }
    check(policy.approvals.webhook?.secret, ['approvals', 'webhook', 'secret']);
  }
}

function checkMask(m: { detector: string; name?: string; pattern?: string }, path: Path, err: (p: Path, m: string, c: string) => void): void {
  if (m.detector === 'regex') {
    if (!m.name) err(path, 'a regex mask needs "name" (it names the detector in audit counts)', 'CW_POLICY_MASK');
    if (!m.pattern) err(path, 'a regex mask needs "pattern"', 'CW_POLICY_MASK');
    else {
      try {
        new RegExp(m.pattern, 'g');
      } catch (e) {
        err([...path, 'pattern'], `invalid regular expression: ${(e as Error).message}`, 'CW_POLICY_MASK');
      }
    }
  } else if (m.pattern) {
    err([...path, 'pattern'], `"pattern" applies to the regex detector only, not "${m.detector}"`, 'CW_POLICY_MASK');
  }
}

export { secretReferences };
