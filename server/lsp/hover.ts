/**
 * Hover text for a flagged call: what the resource is, where it belongs, and the decision with the rule
 * that made it. The decision is the policy module's own (evaluate + explainText); nothing is re-decided here.
 */
import { evaluate, explainText, parseOperation, type CompiledPolicy } from '../../gateway/policy/index.js';
import { catalogEntry } from '../catalog/index.js';
import type { Finding } from '../scan/types.js';

export function hoverMarkdown(f: Finding, compiled: CompiledPolicy | undefined, docsUrl: string): string {
  const title = f.catalogId ? (catalogEntry(f.catalogId)?.title ?? f.catalogId) : f.kind === 'secret' ? 'Hard-coded secret' : f.kind;
  const lines = [`**Chainwarden** · ${title}`, ''];
  const row = (name: string, value: string | null) => lines.push(`- ${name}: ${value === null ? '_none_' : '`' + value + '`'}`);
  row('Resource', `${f.kind}${f.provider ? ` · ${f.provider}` : ''}`);
  if (f.kind !== 'secret') row('Target', f.target);
  row('Chain', f.chain);
  row('Connection', f.connection);
  lines.push(`- Status: **${f.status}** ([${f.code}](${docsUrl}))`);
  const explained = explain(f, compiled);
  lines.push('', explained ? '```text\n' + explained + '\n```' : `_${f.message}_`);
  return lines.join('\n');
}

/** The policy module's explanation of the decision for this use, when there is an operation to decide on. */
export function explain(f: Finding, compiled: CompiledPolicy | undefined): string | null {
  const opText = f.fix?.operation;
  if (!compiled || !f.connection || !opText) return null;
  const operation = parseOperation(compiled.policy, f.connection, opText);
  if (typeof operation === 'string') return null;
  const request = { chain: f.chain, groups: [], connection: f.connection, operation };
  return explainText(request, evaluate(compiled, request));
}
