/**
 * Approved access requests live as grants in the store; to keep the file the source of truth, each
 * can also be written out as a policy change to commit: a new rule, added with the YAML Document API
 * so the file's comments and layout survive, shown as a unified diff.
 */
import { isSeq, parseDocument } from 'yaml';
import type { Approval } from './types.js';

export function ruleForRequest(a: Approval): Record<string, unknown> {
  return {
    name: `${a.chain} ${a.operation} on ${a.connection} (request ${a.id})`,
    ...(a.reason ? { description: `${a.reason} — approved by ${a.decidedBy ?? 'pending'}` } : {}),
    chains: [a.chain],
    connection: a.connection,
    allow: [a.operation],
  };
}

export function applyRequestToPolicy(policyText: string, a: Approval): string {
  const doc = parseDocument(policyText, { keepSourceTokens: false });
  const rules = doc.get('rules', true);
  const rule = ruleForRequest(a);
  // JSON strings are valid YAML scalars: quoting stays correct whatever the names hold.
  const q = (v: unknown) => (Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : JSON.stringify(v));
  const body = Object.entries(rule).map(([k, v], i) => `${i === 0 ? '- ' : '  '}${k}: ${q(v)}`);
  // Text is inserted rather than the document re-printed, so the file's layout and comments stay as they are.
  if (!isSeq(rules) || !rules.range || rules.items.length === 0) {
    const sep = policyText.endsWith('\n') ? '' : '\n';
    return `${policyText}${sep}${isSeq(rules) ? '' : 'rules:\n'}${body.map((l) => `  ${l}`).join('\n')}\n`;
  }
  const lineStart = policyText.lastIndexOf('\n', rules.range[0] - 1) + 1;
  const indent = ' '.repeat(rules.range[0] - lineStart);
  const end = rules.range[1];
  const nl = policyText.indexOf('\n', Math.max(0, end - 1));
  const at = nl === -1 ? policyText.length : nl;
  return `${policyText.slice(0, at)}\n${body.map((l) => indent + l).join('\n')}${policyText.slice(at)}`;
}

/** A unified diff of two texts (line based, LCS), with 3 lines of context. */
export function unifiedDiff(before: string, after: string, file: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Array<{ t: ' ' | '-' | '+'; line: string; ai: number; bi: number }> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ t: ' ', line: a[i]!, ai: i++, bi: j++ });
    else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ t: '-', line: a[i]!, ai: i++, bi: j });
    else ops.push({ t: '+', line: b[j]!, ai: i, bi: j++ });
  }
  const out = [`--- a/${file}`, `+++ b/${file}`];
  for (let k = 0; k < ops.length; ) {
    if (ops[k]!.t === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - 3);
    let end = k;
    while (end < ops.length && (ops[end]!.t !== ' ' || ops.slice(end, end + 7).some((o) => o.t !== ' '))) end++;
    end = Math.min(ops.length, end + 3);
    const hunk = ops.slice(start, end);
    const aCount = hunk.filter((o) => o.t !== '+').length;
    const bCount = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${hunk[0]!.ai + 1},${aCount} +${hunk[0]!.bi + 1},${bCount} @@`);
    for (const o of hunk) out.push(`${o.t}${o.line}`);
    k = end;
  }
  return out.join('\n') + '\n';
}
