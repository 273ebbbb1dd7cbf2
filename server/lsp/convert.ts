/**
 * Scanner findings and policy diagnostics → LSP diagnostics. Findings are 1-based with an exclusive end;
 * LSP positions are 0-based. Both count columns in UTF-16 code units, as TypeScript and the yaml package do.
 */
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { FindingStatus, PolicyDiagnostic, Severity } from '../../gateway/policy/index.js';
import { RULES } from '../scan/rules.js';
import type { Finding, Range as FindingRange } from '../scan/types.js';
import type { Settings } from './settings.js';

export const SOURCE = 'chainwarden';

export function toLspRange(r: FindingRange): Range {
  const start = { line: Math.max(0, r.line - 1), character: Math.max(0, r.column - 1) };
  const end = { line: Math.max(0, r.endLine - 1), character: Math.max(0, r.endColumn - 1) };
  return end.line < start.line || (end.line === start.line && end.character < start.character) ? { start, end: start } : { start, end };
}

const LSP_SEVERITY: Record<Exclude<Severity, 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The policy status key a finding's severity is configured under (secrets have their own key). */
export function statusKey(f: Finding): FindingStatus {
  return (RULES.find((r) => r.code === f.code)?.status ?? f.status) as FindingStatus;
}

/** The severity shown: a settings override for the status, else what the finding carries (the policy's scan.severity). */
export function effectiveSeverity(f: Finding, settings: Settings): Severity {
  return settings.severity[statusKey(f)] ?? f.severity;
}

export function ruleDocsUrl(code: string, settings: Settings): string {
  return `${settings.docsBaseUrl}${encodeURIComponent(code)}.md`;
}

/** A diagnostic for a finding, or null when its severity is "off" (approved uses are inventory, not problems). */
export function findingToDiagnostic(f: Finding, settings: Settings): Diagnostic | null {
  const severity = effectiveSeverity(f, settings);
  if (severity === 'off') return null;
  return {
    range: toLspRange(f),
    severity: LSP_SEVERITY[severity],
    source: SOURCE,
    code: f.code,
    codeDescription: { href: ruleDocsUrl(f.code, settings) },
    message: f.message,
  };
}

/** Policy problems link to the error table of the policy documentation (docs/policy.md#errors, beside docs/rules/). */
export function policyDiagnosticToLsp(d: PolicyDiagnostic, settings: Settings): Diagnostic {
  return {
    range: toLspRange(d),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: SOURCE,
    code: d.code,
    codeDescription: { href: new URL('../policy.md#errors', settings.docsBaseUrl).href },
    message: d.message,
  };
}

/** Identifies a diagnostic the client sends back in a code action request (it may drop fields it does not know). */
export function diagnosticKey(d: Pick<Diagnostic, 'range' | 'code' | 'message'>): string {
  const r = d.range;
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}|${String(d.code ?? '')}|${d.message}`;
}

export function containsPosition(r: Range, p: { line: number; character: number }): boolean {
  if (p.line < r.start.line || p.line > r.end.line) return false;
  if (p.line === r.start.line && p.character < r.start.character) return false;
  if (p.line === r.end.line && p.character > r.end.character) return false;
  return true;
}
